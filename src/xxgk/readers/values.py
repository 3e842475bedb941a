"""Raw OOXML cell text -> the neutral Value, and totals a script left uncomputed."""
from __future__ import annotations

import math
from typing import Mapping

from ..formats import Format
from ..formats.totals import computed_totals
from ..model import CellError, Value
from .xmlparts import RawCell


class BadStringIndex(Exception):
    """A cell points past the end of the shared string table."""


def cell_value(raw: RawCell | None, strings: Mapping[int, str]) -> Value:
    """Blank -> None; numbers int when whole; text as text; errors as CellError; booleans as bool."""
    if raw is None or raw.text is None:
        return None
    text = raw.text
    if raw.type == "s":
        index = int(text) if text.strip().isdigit() else -1
        if index not in strings:
            raise BadStringIndex(text)
        return strings[index] or None
    if raw.type in ("str", "inlineStr", "d"):
        return text or None
    if raw.type == "b":
        return text.strip() in ("1", "true")
    if raw.type == "e":
        return CellError(text.strip() or "#VALUE!")
    return number(text)


# From here on Excel keeps no whole number exactly, and no figure of a report is anywhere near:
# such a "number" (1E308, a credit code typed into a count) stays text, which every rule and sum
# treats as what it is — not a count — so no sum can overflow or lose its last digits.
MAX_NUMBER = 1e15


def number(text: str) -> Value:
    """``5`` -> 5, ``2.50`` -> 2.5, ``1E3`` -> 1000; text that is no finite number below 1e15 stays text."""
    stripped = text.strip()
    if not stripped:
        return None
    try:
        value = float(stripped)
    except ValueError:
        return text
    if not math.isfinite(value) or abs(value) >= MAX_NUMBER:
        return text
    return int(value) if value.is_integer() else value


def string_indexes(raws: Mapping[object, RawCell]) -> set[int]:
    return {int(r.text) for r in raws.values() if r.type == "s" and r.text and r.text.strip().isdigit()}


def recompute_totals(fmt: Format, values: dict[str, Value], uncached: set[str]) -> None:
    """Give each total in ``uncached`` (formula, no cached value) the SUM of its parts, as Excel would."""
    values.update(computed_totals(fmt, values, uncached))
