"""Outputs a consolidation writes besides the summary: the long table as CSV (``--csv``)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from ..errors import WriteError
from ..tidy import Source, rows, write_csv
from .identity import NO_NAME
from .result import ConsolidationResult


def check_extra_output(target: Path, summary: Path, inputs: Sequence[Path] = ()) -> None:
    """Refuse an extra output that cannot be written where asked, or that the next run would take for a
    report (inside an input folder), before any work is done."""
    if target.suffix.lower() != ".csv":
        raise WriteError(f"{target}：明细文件名必须以 .csv 结尾。")
    if resolved(target) == resolved(summary):
        raise WriteError(f"{target}：明细文件不能与汇总表同名。")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise WriteError(f"{target}：文件夹“{folder}”不存在，无法写入明细。")
    for item in map(Path, inputs):
        if item.is_dir() and resolved(item) in {resolved(folder), *map(str, Path(resolved(folder)).parents)}:
            raise WriteError(f"{target}：明细文件不能放在报送文件夹“{item}”里，否则下次汇总会把它当作报表。")


def write_detail_csv(result: ConsolidationResult, target: Path) -> int:
    """Every included agency's figures as the long table (UTF-8 with BOM); returns the rows written."""
    table = (row for entry in result.entries if entry.included
             for row in rows(Source(entry.agency or NO_NAME, entry.credit_code, entry.district, entry.year,
                                    entry.format_id, entry.name), entry.form.values))
    return write_csv(target, table)


def resolved(path: Path) -> str:
    try:
        return os.path.normcase(str(Path(path).resolve()))
    except OSError:
        return os.path.normcase(os.path.abspath(path))
