"""The district's roster of agencies (名单): who should report.

A .csv (UTF-8, UTF-8 with BOM or GB18030) or a workbook (.xlsx/.xlsm/.xls/.ods,
read with python-calamine; its first sheet). Columns are found by their
headings, in any of the first rows (a title may stand above the table): the
names under 单位名称 or a heading like it (单位全称, 机构名称, 部门名称, 名称,
…名称 …), the credit codes under 统一社会信用代码 (信用代码 …). A roster of
one column needs no heading; any other roster without a name heading is
refused with a message naming the headings it has — never guessed (a 序号
column is not a list of names).
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..catalogue import ReadErrorKind, ReadMessage
from ..readers.safezip import SafeArchive
from .identity import name_key, text_of

# Headings of the name column, the most telling first; a heading ending in 名称 or 全称 also counts.
NAME_HEADINGS = ("单位名称", "单位全称", "机构名称", "机构全称", "机关名称", "机关全称", "部门名称", "部门全称",
                 "报送单位", "填报单位", "单位", "机构", "机关", "部门", "名称", "全称")
NAME_ENDINGS = ("名称", "全称")
CODE_HEADINGS = ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码")
HEADING_ROWS = 10  # a heading is looked for in this many first rows
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
MAX_ROSTER_BYTES = 20 * 1024 * 1024
_DECORATION = re.compile(r"\(.*?\)|\[.*?\]|【.*?】|[*※:：]")


@dataclass(frozen=True)
class RosterEntry:
    name: str
    credit_code: str = ""


def read_roster(path: Path) -> list[RosterEntry]:
    """Agencies on the roster, in order, without repeats; ReadError (Chinese) when unusable."""
    path = Path(path)
    if not path.is_file():
        raise ReadMessage.ROSTER_MISSING.error(path)
    if path.stat().st_size > MAX_ROSTER_BYTES:
        raise ReadMessage.ROSTER_TOO_LARGE.error(path)
    rows = _workbook_rows(path) if path.suffix.lower() in WORKBOOK_SUFFIXES else _csv_rows(path)
    entries = _entries(str(path), rows)
    if not entries:
        raise ReadMessage.ROSTER_EMPTY.error(path)
    return entries


def _csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        dialect = csv.excel_tab if text.count("\t") > text.count(",") else csv.excel
        reader = csv.reader(io.StringIO(text), dialect)
        try:
            return list(reader)
        except csv.Error:  # a field past csv's limit: in a roster, a quote left open swallowing the rest
            raise ReadMessage.ROSTER_CSV.error(path, line=reader.line_num) from None
    raise ReadMessage.ROSTER_ENCODING.error(path)


def _workbook_rows(path: Path) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() != ".xls":
        SafeArchive(path).close()  # refuses a zip whose declared contents are absurd, before calamine inflates
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        rows = workbook.get_sheet_by_index(0).to_python()
    except Exception as err:  # calamine raises its own error types for every kind of broken file
        raise ReadMessage.ROSTER_DAMAGED.error(path, error=err) from None
    return [[text_of(value) for value in row] for row in rows]


def heading_key(text: str) -> str:
    """A column heading as compared: NFKC, no spaces, no bracketed remark or star (单位名称（全称）*)."""
    return _DECORATION.sub("", name_key(unicodedata.normalize("NFKC", text)))


def name_column(headings: list[str]) -> int | None:
    """The column holding agency names, by its heading, or None."""
    keys = [heading_key(h) for h in headings]
    for wanted in NAME_HEADINGS:
        if wanted in keys:
            return keys.index(wanted)
    return next((i for i, key in enumerate(keys)
                 if key.endswith(NAME_ENDINGS) and "简称" not in key and "代码" not in key), None)


def code_column(headings: list[str]) -> int | None:
    keys = [heading_key(h) for h in headings]
    return next((i for i, key in enumerate(keys) if any(wanted in key for wanted in CODE_HEADINGS)), None)


def _entries(path: str, rows: list[list[str]]) -> list[RosterEntry]:
    rows = [[str(c).strip() for c in row] for row in rows if any(str(c).strip() for c in row)]
    if not rows:
        return []
    heading = next((i for i, row in enumerate(rows[:HEADING_ROWS]) if name_column(row) is not None), None)
    if heading is not None:
        name_col, code_col, body = name_column(rows[heading]), code_column(rows[heading]), rows[heading + 1:]
    elif _one_column(rows) is not None:  # a bare list of names
        name_col, code_col, body = _one_column(rows), None, rows
    else:
        shown = "、".join(f"“{h}”" for h in rows[0] if h) or "（空）"
        raise ReadErrorKind.NO_NAME_COLUMN.error(path, first_row=shown[:200])
    entries, seen = [], set()
    for row in body:
        name = row[name_col] if name_col < len(row) else ""
        code = row[code_col] if code_col is not None and code_col < len(row) else ""
        if name_key(name) and name_key(name) not in seen:
            seen.add(name_key(name))
            entries.append(RosterEntry(name, code))
    return entries


def _one_column(rows: list[list[str]]) -> int | None:
    """The only column holding anything, when there is one: a roster that is just names."""
    used = {i for row in rows for i, cell in enumerate(row) if cell}
    return used.pop() if len(used) == 1 else None
