"""Cell references as they appear in defined names and cell ``r`` attributes."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_RANGE = re.compile(rf"^{_CELL.pattern}(?::{_CELL.pattern})?$")
MAX_COLUMN = 16384
MAX_ROW = 1048576


@dataclass(frozen=True)
class Area:
    """A rectangle on one sheet; rows and columns are 1-based."""

    sheet: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int

    @property
    def is_cell(self) -> bool:
        return self.first_row == self.last_row and self.first_col == self.last_col

    @property
    def address(self) -> str:
        """``表三!D5`` for the top-left cell, without $ and without quotes."""
        return f"{self.sheet}!{column_letters(self.first_col)}{self.first_row}"


def column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def parse_cell(text: str) -> tuple[int, int] | None:
    """``D5`` or ``$D$5`` -> (row 5, column 4); None when not a plain cell address."""
    match = _CELL.fullmatch(text.strip())
    if not match:
        return None
    row, col = int(match.group(2)), column_number(match.group(1))
    if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COLUMN):
        return None
    return row, col


def parse_area(text: str) -> Area | None:
    """``'表 三'!$D$5`` or ``表三!$A$2:$B$40`` -> Area; None for anything else (#REF!, lists, formulas).

    Each distinct short text is parsed once (an Area is frozen): every workbook of a batch made from one
    template holds the same ~460 defined names, which the careful reader parsed again for every file (a
    quarter of its time over the damaged and tampered files of tests/faults). A long text (a hostile file's)
    is parsed each time, so the cache stays small.
    """
    return _parse_short_area(text) if len(text) <= SHORT_REFERENCE else _parse_area(text)


SHORT_REFERENCE = 200  # characters: a sheet name has at most 31, a range reference a few more


@functools.lru_cache(maxsize=4096)
def _parse_short_area(text: str) -> Area | None:
    return _parse_area(text)


def _parse_area(text: str) -> Area | None:
    text = text.strip().lstrip("=")
    sheet, sep, cells = _split_sheet(text)
    if not sep or not sheet:
        return None
    match = _RANGE.fullmatch(cells)
    if not match:
        return None
    first = parse_cell(f"{match.group(1)}{match.group(2)}")
    last = parse_cell(f"{match.group(3)}{match.group(4)}") if match.group(3) else first
    if first is None or last is None:
        return None
    (r1, c1), (r2, c2) = first, last
    return Area(sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def _split_sheet(text: str) -> tuple[str, str, str]:
    """Split ``sheet!cells``, honouring quoted sheet names with doubled quotes."""
    if text.startswith("'"):
        end = 1
        while end < len(text):
            if text[end] == "'":
                if text[end + 1: end + 2] == "'":
                    end += 2
                    continue
                break
            end += 1
        sheet = text[1:end].replace("''", "'")
        rest = text[end + 1:]
        return (sheet, "!", rest[1:]) if rest.startswith("!") else ("", "", text)
    sheet, sep, cells = text.rpartition("!")
    if any(ch in sheet for ch in "'[]:!,() "):
        return "", "", text
    return sheet, sep, cells


def quote_sheet(sheet: str) -> str:
    """Sheet name as written in a reference: always quoted, quotes doubled."""
    return "'" + sheet.replace("'", "''") + "'"
