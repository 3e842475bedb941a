"""A recording stand-in for the xlwings objects xxgk.excel uses, backed by a real workbook file.

Excel cannot run on Linux, so the button code is driven against these classes
instead. They are named after the xlwings classes they stand in for and offer
ONLY the members xxgk.excel calls; test_excel_contract.py checks every one of
them against the installed xlwings. Every call is recorded. The grid comes from
a real .xlsx/.xlsm read with openpyxl (cached values, fills, notes, protection),
and the stand-in behaves as Excel does where it matters: numbers come back as
floats, error values as text only with err_to_str, a leading apostrophe makes
text, a leading = makes a formula, protected sheets refuse formatting and notes.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import column_index_from_string, get_column_letter

# Calls that only fetch a handle to another object; the rest read or change the workbook.
NAVIGATION = {("Book", "caller"), ("Book", "sheets"), ("Book", "app"), ("Book", "api"), ("Sheets", "__getitem__"),
              ("Sheet", "range"), ("Sheet", "used_range"), ("Sheet", "api"), ("Range", "options"),
              ("Range", "note")}
# Excel's defaults for Protect arguments that openpyxl names differently (attribute True = prohibited).
_ALLOW = {"formatCells": "AllowFormattingCells", "formatColumns": "AllowFormattingColumns",
          "formatRows": "AllowFormattingRows", "insertColumns": "AllowInsertingColumns",
          "insertRows": "AllowInsertingRows", "insertHyperlinks": "AllowInsertingHyperlinks",
          "deleteColumns": "AllowDeletingColumns", "deleteRows": "AllowDeletingRows", "sort": "AllowSorting",
          "autoFilter": "AllowFiltering", "pivotTables": "AllowUsingPivotTables"}
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


class ExcelRefused(Exception):
    """What Excel raises (a COM error) when a protected sheet is formatted or noted."""


@dataclass
class Call:
    owner: str
    member: str
    action: str  # get | set | call
    args: tuple = ()

    @property
    def navigation(self) -> bool:
        return (self.owner, self.member) in NAVIGATION


@dataclass
class SheetState:
    name: str
    values: dict = field(default_factory=dict)  # (row, col) -> value as Excel holds it
    formulas: dict = field(default_factory=dict)  # (row, col) -> formula text
    colours: dict = field(default_factory=dict)  # (row, col) -> "#RRGGBB"
    notes: dict = field(default_factory=dict)  # (row, col) -> text
    protection: dict | None = None  # the Protect arguments in force, None when unprotected
    selection: int = 0

    def snapshot(self) -> tuple:
        return (dict(self.values), dict(self.formulas), dict(self.colours), dict(self.notes),
                self.protection and dict(self.protection), self.selection)


class Workbook:
    """The state of one open workbook plus the log of calls made on it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.calls: list[Call] = []
        self.alerts: list[str] = []
        self.opened: list[str] = []
        locked, order, sheets = _book_state(hashlib.sha256(self.path.read_bytes()).hexdigest(), str(self.path))
        self.structure_locked, self.order, self.sheets = locked, list(order), copy.deepcopy(sheets)

    def record(self, owner: str, member: str, action: str, *args) -> None:
        self.calls.append(Call(owner, member, action, args))

    @property
    def work_calls(self) -> list[Call]:
        return [c for c in self.calls if not c.navigation]

    def snapshot(self) -> dict:
        return {name: state.snapshot() for name, state in self.sheets.items()}


@functools.lru_cache(maxsize=8)
def _book_state(digest: str, path: str) -> tuple[bool, list[str], dict[str, SheetState]]:
    """What opening the file shows, loaded once per content (an openpyxl load of a template costs ~0.5 s;
    tests open the same few files again and again): callers take a deep copy."""
    book = openpyxl.load_workbook(path, data_only=True)
    return (bool(book.security and book.security.lockStructure), list(book.sheetnames),
            {ws.title: _sheet_state(ws) for ws in book.worksheets})


def _sheet_state(ws) -> SheetState:
    state = SheetState(ws.title)
    for row in ws.iter_rows():
        for cell in row:
            position = (cell.row, cell.column)
            if cell.value is not None:
                state.values[position] = float(cell.value) if _is_number(cell.value) else cell.value
            fill = cell.fill
            if fill is not None and fill.fill_type == "solid" and isinstance(fill.fgColor.rgb, str):
                state.colours[position] = "#" + fill.fgColor.rgb[-6:].upper()
            if cell.comment is not None:
                state.notes[position] = cell.comment.text
    if ws.protection.sheet:
        p = ws.protection
        state.protection = {"DrawingObjects": bool(p.objects), "Contents": True, "Scenarios": bool(p.scenarios),
                            **{arg: not bool(getattr(p, attr)) for attr, arg in _ALLOW.items()}}
        state.selection = -4142 if p.selectUnlockedCells else 1 if p.selectLockedCells else 0
    return state


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _cells(address: str) -> list[list[tuple[int, int]]]:
    """Rows of (row, col) for a rectangle, or one row per area for a multi-area address."""
    if "," in address:
        return [cell for part in address.split(",") for cell in _cells(part)]
    first, _, last = address.partition(":")
    (r1, c1), (r2, c2) = _position(first), _position(last or first)
    return [[(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]


def _position(text: str) -> tuple[int, int]:
    match = _CELL.match(text.strip().upper())
    assert match, f"stand-in cannot parse address {text!r}"
    return int(match.group(2)), column_index_from_string(match.group(1))


class Book:
    """Stands in for xlwings.Book."""

    CONSTRUCTED = True  # xxgk.excel calls Book(path) to open a result; the other classes it never constructs
    current: Workbook | None = None

    def __init__(self, fullname: str | None = None, impl: Workbook | None = None):
        if impl is None:  # xw.Book(path): Excel opens a file
            assert Book.current is not None and Path(fullname).is_file(), fullname
            Book.current.record("Book", "__init__", "call", fullname)
            Book.current.opened.append(fullname)
            openpyxl.load_workbook(fullname)  # it must be a workbook Excel could open
            impl = Book.current
        self._wb = impl

    @classmethod
    def caller(cls) -> "Book":
        cls.current.record("Book", "caller", "call")
        return cls(impl=cls.current)

    @property
    def fullname(self) -> str:
        self._wb.record("Book", "fullname", "get")
        return str(self._wb.path)

    @property
    def sheets(self) -> "Sheets":
        self._wb.record("Book", "sheets", "get")
        return Sheets(self._wb)

    @property
    def app(self) -> "App":
        self._wb.record("Book", "app", "get")
        return App(self._wb)

    @property
    def api(self) -> "BookApi":
        self._wb.record("Book", "api", "get")
        return BookApi(self._wb)


class Sheets:
    """Stands in for xlwings.main.Sheets."""

    CONSTRUCTED = False

    def __init__(self, wb: Workbook):
        self._wb = wb

    def __getitem__(self, key: str) -> "Sheet":
        self._wb.record("Sheets", "__getitem__", "call", key)
        if key not in self._wb.sheets:
            raise KeyError(key)
        return Sheet(self._wb, key)

    def add(self, name: str | None = None, before: Any = None, after: Any = None) -> "Sheet":
        self._wb.record("Sheets", "add", "call", name)
        if self._wb.structure_locked:
            raise ExcelRefused("workbook structure is protected")
        self._wb.sheets[name] = SheetState(name)
        self._wb.order.append(name)
        return Sheet(self._wb, name)


class Sheet:
    """Stands in for xlwings.Sheet."""

    CONSTRUCTED = False

    def __init__(self, wb: Workbook, name: str):
        self._wb, self._name = wb, name

    @property
    def _state(self) -> SheetState:  # test-side access, not an xlwings member
        return self._wb.sheets[self._name]

    def range(self, cell1: str) -> "Range":
        self._wb.record("Sheet", "range", "call", cell1)
        return Range(self, cell1)

    @property
    def used_range(self) -> "Range":
        self._wb.record("Sheet", "used_range", "get")
        filled = list(self._state.values)
        rows = max((r for r, _ in filled), default=1)
        cols = max((c for _, c in filled), default=1)
        return Range(self, f"A1:{get_column_letter(cols)}{rows}")

    @property
    def api(self) -> "SheetApi":
        self._wb.record("Sheet", "api", "get")
        return SheetApi(self)


class Range:
    """Stands in for xlwings.Range."""

    CONSTRUCTED = False

    def __init__(self, sheet: Sheet, address: str, options: dict | None = None):
        self._sheet, self._address, self._options = sheet, address, options or {}
        self._wb = sheet._wb

    def options(self, convert: Any = None, **options: Any) -> "Range":
        self._wb.record("Range", "options", "call", tuple(sorted(options.items())))
        return Range(self._sheet, self._address, {**self._options, **options})

    @property
    def value(self) -> Any:
        self._wb.record("Range", "value", "get", self._address)
        assert "," not in self._address, "xlwings reads only the first area of a multi-area range"
        grid = [[self._read(p) for p in row] for row in _cells(self._address)]
        if self._options.get("ndim") == 2:
            return grid
        return grid[0][0] if len(grid) == 1 and len(grid[0]) == 1 else grid

    def _read(self, position: tuple[int, int]) -> Any:
        value = self._sheet._state.values.get(position)
        if isinstance(value, str) and value in ERRORS and not self._options.get("err_to_str"):
            return None
        return value

    @value.setter
    def value(self, data: Any) -> None:
        self._wb.record("Range", "value", "set", self._address)
        state = self._sheet._state
        (r0, c0) = _cells(self._address)[0][0]
        rows = data if isinstance(data, list) and data and isinstance(data[0], list) else [[data]]
        if state.protection is not None:
            raise ExcelRefused(f"{state.name} is protected")
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                position = (r0 + i, c0 + j)
                state.formulas.pop(position, None)
                if value is None or value == "":
                    state.values.pop(position, None)
                elif isinstance(value, str) and value.startswith("'"):
                    state.values[position] = value[1:]
                elif isinstance(value, str) and value.startswith("="):
                    state.formulas[position] = value
                    state.values[position] = value
                else:
                    state.values[position] = float(value) if _is_number(value) else value

    @property
    def color(self) -> Any:
        raise AssertionError("xxgk.excel never reads colours cell by cell")

    @color.setter
    def color(self, color_or_rgb: str) -> None:
        self._wb.record("Range", "color", "set", self._address, color_or_rgb)
        state = self._sheet._state
        if state.protection is not None and not state.protection.get("AllowFormattingCells"):
            raise ExcelRefused(f"{state.name} is protected")
        for row in _cells(self._address):
            for position in row:
                state.colours[position] = color_or_rgb.upper()

    def _position(self) -> tuple[int, int]:
        cells = _cells(self._address)
        assert len(cells) == 1 and len(cells[0]) == 1, "notes belong to single cells"
        return cells[0][0]

    @property
    def note(self) -> "Note | None":
        self._wb.record("Range", "note", "get", self._address)
        position = self._position()
        return Note(self._sheet, position) if position in self._sheet._state.notes else None

    def add_note(self, text: str) -> "Note":
        self._wb.record("Range", "add_note", "call", self._address)
        return self._add_note(text)

    def _add_note(self, text: str) -> "Note":
        state, position = self._sheet._state, self._position()
        if state.protection is not None:
            raise ExcelRefused(f"{state.name} is protected")
        if position in state.notes:
            raise ValueError("This cell already has a note")
        state.notes[position] = text
        return Note(self._sheet, position)


    @property
    def api(self) -> "RangeApi":
        self._wb.record("Range", "api", "get")
        return RangeApi(self)


ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


class Note:
    """Stands in for xlwings.main.Note."""

    CONSTRUCTED = False

    def __init__(self, sheet: Sheet, position: tuple[int, int]):
        self._sheet, self._position = sheet, position
        self._wb = sheet._wb

    @property
    def text(self) -> str:
        self._wb.record("Note", "text", "get")
        return self._sheet._state.notes[self._position]

    @text.setter
    def text(self, value: str) -> None:
        self._wb.record("Note", "text", "set")
        if self._sheet._state.protection is not None:
            raise ExcelRefused("protected")
        self._sheet._state.notes[self._position] = value

    def delete(self) -> None:
        self._wb.record("Note", "delete", "call")
        if self._sheet._state.protection is not None:
            raise ExcelRefused("protected")
        del self._sheet._state.notes[self._position]


class App:
    """Stands in for xlwings.App."""

    CONSTRUCTED = False

    def __init__(self, wb: Workbook):
        self._wb = wb

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None,
              callback: str | None = None) -> str:
        self._wb.record("App", "alert", "call", prompt)
        self._wb.alerts.append(prompt)
        return "ok"


class SheetApi:
    """The native Worksheet (COM) object, reached through Sheet.api: not an xlwings class."""

    COM = True

    def __init__(self, sheet: Sheet):
        self._sheet = sheet

    def Unprotect(self, Password: str | None = None) -> None:  # noqa: N802, N803 (COM names)
        self._sheet._wb.record("Worksheet", "Unprotect", "call")
        self._sheet._state.protection = None

    def Protect(self, **arguments: Any) -> None:  # noqa: N802
        self._sheet._wb.record("Worksheet", "Protect", "call", tuple(sorted(arguments.items())))
        self._sheet._state.protection = dict(arguments)

    @property
    def EnableSelection(self) -> int:  # noqa: N802
        return self._sheet._state.selection

    @EnableSelection.setter
    def EnableSelection(self, value: int) -> None:  # noqa: N802
        self._sheet._wb.record("Worksheet", "EnableSelection", "set", value)
        self._sheet._state.selection = value


class RangeApi:
    """The native Range (COM) object, reached through Range.api: not an xlwings class."""

    COM = True

    def __init__(self, cell: Range):
        self._cell = cell

    def AddComment(self, Text: str) -> None:  # noqa: N802, N803 (COM names)
        self._cell._wb.record("Range", "AddComment", "call", self._cell._address)
        self._cell._add_note(Text)


class BookApi:
    """The native Workbook (COM) object, reached through Book.api: not an xlwings class."""

    COM = True

    def __init__(self, wb: Workbook):
        self._wb = wb

    def Unprotect(self, Password: str | None = None) -> None:  # noqa: N802, N803
        self._wb.record("Workbook", "Unprotect", "call")
        self._wb.structure_locked = False

    def Protect(self, Structure: bool = False, Windows: bool = False) -> None:  # noqa: N802, N803
        self._wb.record("Workbook", "Protect", "call", Structure, Windows)
        self._wb.structure_locked = Structure


class XlwingsModule:
    """What ``xxgk.excel.buttons`` sees as ``xw``: only Book."""

    Book = Book


XLWINGS_STANDINS = (Book, Sheets, Sheet, Range, Note, App)


def open_standin(path: Path) -> Workbook:
    """Make ``path`` the calling workbook of the next button click."""
    Book.current = Workbook(path)
    return Book.current
