"""The outputs of a consolidation: never written over an input; besides the summary, the long table as CSV
(``--csv``)."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Sequence

from ..errors import WriteError
from ..origin import SUMMARY
from ..readers import workbook_origin
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
    """Where ``path`` really is (links followed; a link loop as far as it goes, never a RuntimeError)."""
    return os.path.normcase(os.path.realpath(os.path.abspath(path)))


def refuse_input_as_output(output: Path, clashes: list[Path]) -> None:
    """The summary may replace an earlier summary of ours, never an agency's workbook (or a link to one)."""
    if not clashes or workbook_origin(output) == SUMMARY and not output.is_symlink():
        return  # our own earlier summary is replaced, not read as an input
    shown = clashes[0] if str(clashes[0]) != str(output) else output
    raise WriteError(f"{output}：汇总表不能写在输入文件“{shown}”上（它是要汇总的报表之一），"
                     "请用 -o 另选一个不在输入中的文件名。")


def refuse_replacing_other_file(output: Path, force: bool) -> None:
    """An existing file at ``output`` is replaced only when it is an earlier summary of ours (or empty, as a
    newly created blank file is), unless ``force``: -o mistyped as last year's workbook or a colleague's file
    must not cost that file."""
    if force or not os.path.lexists(output):
        return
    if output.is_file() and not output.is_symlink() and (output.stat().st_size == 0
                                                         or workbook_origin(output) == SUMMARY):
        return
    raise WriteError(f"{output}：文件已存在，而且不是本工具生成的汇总表，覆盖会丢失其中的内容。"
                     "请用 -o 另选文件名；确需覆盖请加 --force。")


def hard_links(output: Path, files: Sequence[Path]) -> list[Path]:
    """Inputs that are the output under another name (a hard link): rare, so looked for only then."""
    try:
        info = output.stat()
    except OSError:
        return []
    if info.st_nlink < 2:
        return []
    same = []
    for path in files:
        with contextlib.suppress(OSError):
            other = path.stat()
            if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino) and path not in same:
                same.append(path)
    return same

