"""The long table: one row per agency and figure, every label taken from the format description.

A row says whose figure it is (agency, credit code, district, year, format),
which figure (table, row and column, by key and by the label the form
prints) and its value: ``value`` a number (None when the cell holds none),
``text`` what the cell held when that was not a number ("１２件"), so nothing
is lost. ``xxgk.read_forms`` and ``xxgk.read_summary`` make pandas DataFrames
of these rows; ``write_csv`` writes them for Excel (UTF-8 with BOM, so the
Chinese shows). No pandas here: a province's rows are streamed.
"""
from __future__ import annotations

import csv
import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from .fileio import atomic_path
from .formats import Format, get_format
from .model import CellError, Value

# column -> its heading in the CSV, for the district office's Excel
HEADINGS = {
    "agency": "单位名称", "credit_code": "统一社会信用代码", "district": "区", "year": "报告年度",
    "format": "格式", "table": "表", "table_label": "表名", "row_key": "行键", "row_label": "行",
    "column_key": "列键", "column_label": "列", "value": "数值", "text": "原文", "file": "文件",
}
COLUMNS = tuple(HEADINGS)


@dataclass(frozen=True)
class Source:
    """Whose figures: the identity columns of each of their rows."""

    agency: str
    credit_code: str = ""
    district: str = ""
    year: int | None = None
    format_id: str = ""
    file: str = ""


@functools.lru_cache(maxsize=None)
def figure_labels(format_id: str) -> tuple[tuple[str, str, str, str, str, str, str], ...]:
    """Per cell of the format, in its order: (key, table, table label, row key, row label, column key,
    column label); a label carries its group labels (三、本年度办理结果 （三）不予公开 1.属于国家秘密)."""
    fmt: Format = get_format(format_id)
    labels = []
    for key, cell in fmt.cells.items():
        row = " ".join((*cell.row.path, cell.row.label or cell.block.label))
        column = " ".join((*cell.column.path, cell.column.label))
        labels.append((key, cell.table.key, f"表{cell.table.number}", cell.row.key, row, cell.column.key, column))
    return tuple(labels)


def rows(source: Source, values: Mapping[str, Value]) -> Iterator[tuple]:
    """The long-table rows of one agency's figures, in the format's order (COLUMNS)."""
    who = (source.agency, source.credit_code, source.district, source.year, source.format_id)
    for key, table, table_label, row_key, row_label, column_key, column_label in figure_labels(source.format_id):
        number, text = split_value(values.get(key))
        yield (*who, table, table_label, row_key, row_label, column_key, column_label, number, text, source.file)


def split_value(value: Value) -> tuple[int | float | None, str]:
    """A cell as (number, text): a finite number as itself; anything else as its text, if any."""
    if value is None:
        return None, ""
    if isinstance(value, bool):
        return None, "TRUE" if value else "FALSE"
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return value, ""
    return None, value.code if isinstance(value, CellError) else str(value)


def write_csv(target: str | Path, table: Iterable[tuple]) -> int:
    """The rows as CSV for Excel: Chinese headings, UTF-8 with BOM, written atomically. Returns the rows."""
    count = 0
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(HEADINGS.values())
            for row in table:
                writer.writerow([_csv_cell(v) for v in row])
                count += 1
    return count


def _csv_cell(value) -> object:
    """Text Excel would open as a formula (=, +, -, @ first) gets a leading apostrophe: it stays text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value
