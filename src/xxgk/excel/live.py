"""Pure helpers of the live path: the workbook's structure from its saved file, values from Excel.

A click reads each sheet's values in one bulk read; everything else a reader
needs (format marker, defined names, the 说明 range, sheet protection) only
changes when the workbook's structure changes, which the locked template does
not allow, so it is read from the saved file with the project's own reader
(defusedxml, zip limits) at no cost in Excel calls. No xlwings here.
"""
from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Sequence

from ..catalogue import ReadErrorKind
from ..model import CellError, FormData, Value
from ..readers import read_workbook
from ..readers.names import name_map
from ..readers.refs import Area, parse_cell
from ..readers.safezip import SafeArchive
from ..readers.workbook import CHECKS_NAME
from ..readers.xmlparts import local, parse_with_guard, read_workbook_part, workbook_part
from .protection import SheetProtection, protection_from_attributes

import defusedxml.ElementTree as safe_et

# Excel's error values, as xlwings returns them with err_to_str=True.
ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                         "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!",
                         "#BUSY!", "#UNKNOWN!", "#PYTHON!", "#EXTERNAL!"})
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
NOT_SAVED = ReadErrorKind.NOT_SAVED.template

Cell = tuple[str, int, int]  # sheet, row, column (1-based)


@dataclass
class LiveWorkbook:
    """What a click needs to know about the calling workbook, before talking to Excel."""

    path: str
    base: FormData  # the saved file as `xxgk validate` reads it (format, addresses, problems)
    cells: dict[str, Cell]  # key -> its cell
    check_area: Area | None  # the xxgk_checks range (instance id | 说明)
    sheet_names: list[str]
    protection: dict[str, SheetProtection] = field(default_factory=dict)
    structure_locked: bool = False

    def read_areas(self) -> dict[str, tuple[int, int]]:
        """Sheet -> (last row, last column) to read from A1 so every needed cell is covered."""
        extents: dict[str, tuple[int, int]] = {}
        spots = [(s, r, c) for s, r, c in self.cells.values()]
        if self.check_area is not None:
            a = self.check_area
            spots += [(a.sheet, a.last_row, a.last_col)]
        for sheet, row, col in spots:
            last_row, last_col = extents.get(sheet, (1, 1))
            extents[sheet] = (max(last_row, row), max(last_col, col))
        return extents


def open_live(path: str | os.PathLike | None) -> LiveWorkbook:
    """Structure of the saved workbook at ``path``; ReadError (Chinese, naming the file) when unusable."""
    if not path or not os.path.isfile(path):
        raise ReadErrorKind.NOT_SAVED.error(path or "（未保存的工作簿）")
    path = str(path)
    base = read_workbook(path)
    cells = {key: _cell(address) for key, address in base.addresses.items()}
    with SafeArchive(path) as archive:
        member = workbook_part(archive)
        parts = read_workbook_part(archive, member)
        names = name_map(parts.names, parts.sheets)
        checks = names.get(CHECKS_NAME.lower())
        protection = {s.name: _sheet_protection(archive, s.part) for s in parts.sheets if s.part}
        locked = _structure_locked(archive, member)
    return LiveWorkbook(path, base, cells, checks.area if checks else None,
                        [s.name for s in parts.sheets], protection, locked)


def _cell(address: str) -> Cell:
    sheet, _, coordinate = address.rpartition("!")
    row, col = parse_cell(coordinate)
    return sheet, row, col


def _sheet_protection(archive: SafeArchive, member: str) -> SheetProtection:
    def scan() -> SheetProtection:
        with archive.open(member) as stream:
            for _event, elem in safe_et.iterparse(stream, events=("end",), forbid_dtd=True):
                if local(elem.tag) == "sheetProtection":
                    return protection_from_attributes(dict(elem.attrib))
                if local(elem.tag) == "row":
                    elem.clear()
        return protection_from_attributes(None)

    return parse_with_guard(archive, scan)


def _structure_locked(archive: SafeArchive, member: str) -> bool:
    def scan() -> bool:
        with archive.open(member) as stream:
            for _event, elem in safe_et.iterparse(stream, events=("end",), forbid_dtd=True):
                if local(elem.tag) == "workbookProtection":
                    return elem.get("lockStructure", "0") in ("1", "true")
        return False

    return parse_with_guard(archive, scan)


def live_value(value: Any) -> Value:
    """A value as xlwings returns it -> the Value a file reader gives for the same cell."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value in ERROR_CODES:
            return CellError(value)
        return value or None
    if isinstance(value, dt.datetime):
        return _plain_number((value - EXCEL_EPOCH).total_seconds() / 86400)
    if isinstance(value, dt.date):
        return (value - EXCEL_EPOCH.date()).days
    if isinstance(value, (int, float)):
        return _plain_number(float(value))
    return str(value)


def _plain_number(number: float) -> Value:
    if not math.isfinite(number):
        return str(number)
    return int(number) if number.is_integer() else number


def grid_value(grid: Sequence[Sequence[Any]], row: int, col: int) -> Any:
    """The raw value at 1-based (row, col) of a grid read from A1; None outside it."""
    if 1 <= row <= len(grid) and 1 <= col <= len(grid[row - 1]):
        return grid[row - 1][col - 1]
    return None


def form_from_grids(live: LiveWorkbook, grids: Mapping[str, Sequence[Sequence[Any]]]) -> FormData:
    """The FormData `xxgk validate` would read, with the values Excel holds right now.

    ``grids`` are sheet -> the 2-D list read from A1 (see ``read_areas``).
    """
    values = dict.fromkeys(live.base.values)
    for key, (sheet, row, col) in live.cells.items():
        values[key] = live_value(grid_value(grids.get(sheet, ()), row, col))
    return replace(live.base, values=values, explanations=_explanations(live.check_area, grids),
                   problems=list(live.base.problems))


def _explanations(area: Area | None, grids: Mapping[str, Sequence[Sequence[Any]]]) -> dict[str, str]:
    """Instance id -> 说明, exactly as the file reader picks them up."""
    if area is None or area.first_col == area.last_col:
        return {}
    grid = grids.get(area.sheet, ())
    found: dict[str, str] = {}
    for row in range(area.first_row, area.last_row + 1):
        instance = _text(live_value(grid_value(grid, row, area.first_col)))
        note = _text(live_value(grid_value(grid, row, area.last_col)))
        if instance.strip() and note.strip():
            found[instance.strip()] = note
    return found


def _text(value: Value) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)
