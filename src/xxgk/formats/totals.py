"""What a total cell holds: the spreadsheet SUM of its parts, computed one way everywhere.

Used where a total has no cell to read it from: sample figures, the cached values
the template writes, and workbooks saved by scripts without cached values.
"""
from __future__ import annotations

import math
from typing import Collection, Iterable, Mapping

from ..model import CellError, Value
from .model import Format


def spreadsheet_sum(parts: Iterable[Value]) -> Value:
    """Like SUM: numbers add up, text, blanks and booleans count 0, an error value wins."""
    total: float = 0
    for value in parts:
        if isinstance(value, CellError):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            total += value
    if isinstance(total, int):  # whole numbers add exactly, however large: never through float
        return total
    if not math.isfinite(total):
        return CellError("#NUM!")  # as a spreadsheet shows a sum beyond its range
    if total.is_integer():
        return int(total)
    return round(total, 10)  # no binary noise such as 0.30000000000000004


def computed_totals(fmt: Format, values: Mapping[str, Value], keys: Collection[str] | None = None) -> dict[str, Value]:
    """The SUM of every total in ``keys`` (default: all totals of ``fmt``).

    A part that is itself in ``keys`` (the corner of table 三 adds up totals) is
    computed first; any other part is taken from ``values``.
    """
    wanted = {k for k in (fmt.cells if keys is None else keys) if k in fmt.cells and fmt.cells[k].is_total}
    totals: dict[str, Value] = {}

    def value_of(key: str) -> Value:
        if key not in wanted:
            return values.get(key)
        if key not in totals:
            totals[key] = None  # set before recursing: a malformed cycle cannot loop
            totals[key] = spreadsheet_sum(value_of(part) for part in fmt.cells[key].total_of)
        return totals[key]

    for key in wanted:
        value_of(key)
    return totals
