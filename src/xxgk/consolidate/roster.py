"""The district's roster of agencies (名单): who should report.

A .csv (UTF-8, UTF-8 with BOM or GB18030) or a workbook (.xlsx/.xlsm/.xls/.ods,
read with python-calamine). The names are in the column headed 单位名称 (or
单位 / 名称 / 机关名称 / 部门名称), else in the first column; a column headed
统一社会信用代码 is used to match agencies that renamed themselves.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReadError
from ..readers.safezip import SafeArchive
from .identity import name_key, text_of

NAME_HEADERS = ("单位名称", "单位", "名称", "机关名称", "部门名称")
CODE_HEADERS = ("统一社会信用代码", "信用代码")
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
MAX_ROSTER_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class RosterEntry:
    name: str
    credit_code: str = ""


def read_roster(path: Path) -> list[RosterEntry]:
    """Agencies on the roster, in order, without repeats; ReadError (Chinese) when unusable."""
    path = Path(path)
    if not path.is_file():
        raise ReadError(str(path), "missing", "名单文件不存在")
    if path.stat().st_size > MAX_ROSTER_BYTES:
        raise ReadError(str(path), "too_large", "名单文件过大，不像是单位名单")
    rows = _workbook_rows(path) if path.suffix.lower() in WORKBOOK_SUFFIXES else _csv_rows(path)
    entries = _entries(rows)
    if not entries:
        raise ReadError(str(path), "empty", "名单中没有找到任何单位名称（应在“单位名称”列或第一列）")
    return entries


def _csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        dialect = csv.excel_tab if text.count("\t") > text.count(",") else csv.excel
        return [row for row in csv.reader(io.StringIO(text), dialect)]
    raise ReadError(str(path), "encoding", "名单文件的文字编码无法识别，请另存为 UTF-8 或 GB18030 编码的 CSV 文件")


def _workbook_rows(path: Path) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() != ".xls":
        SafeArchive(path).close()  # refuses a zip whose declared contents are absurd, before calamine inflates
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        rows = workbook.get_sheet_by_index(0).to_python()
    except Exception as err:  # calamine raises its own error types for every kind of broken file
        raise ReadError(str(path), "damaged", f"名单工作簿无法读取（{err}）") from None
    return [[text_of(value) for value in row] for row in rows]


def _entries(rows: list[list[str]]) -> list[RosterEntry]:
    rows = [[str(c).strip() for c in row] for row in rows if any(str(c).strip() for c in row)]
    if not rows:
        return []
    name_col, code_col, body = 0, None, rows
    header = rows[0]
    named = [i for i, cell in enumerate(header) if cell in NAME_HEADERS]
    if named:
        name_col, body = named[0], rows[1:]
        code_col = next((i for i, cell in enumerate(header) if cell in CODE_HEADERS), None)
    entries, seen = [], set()
    for row in body:
        name = row[name_col] if name_col < len(row) else ""
        code = row[code_col] if code_col is not None and code_col < len(row) else ""
        if name_key(name) and name_key(name) not in seen:
            seen.add(name_key(name))
            entries.append(RosterEntry(name, code))
    return entries
