"""Cell-by-cell sums over the included agencies.

Text, blanks and error values count 0, as Excel's SUM counts them, so the
summary's own total formulas agree with these sums whenever each agency's
totals agree with its parts.
"""
from __future__ import annotations

import math
from typing import Iterable

from ..formats import Format
from ..model import FormData, Value

# Decimal places kept in sums of 万元 amounts: float noise (0.1 + 0.2) must not reach the file.
DECIMALS = 6


def number(value: Value) -> int | float | None:
    """The value as a number when it is one, else None (text, blank, error, bool)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value if math.isfinite(value) else None


def sum_values(fmt: Format, forms: Iterable[FormData]) -> dict[str, int | float]:
    """Every table cell of ``fmt`` (inputs and totals) summed over ``forms``."""
    totals: dict[str, int | float] = {key: 0 for key in fmt.cells}
    for form in forms:
        for key in fmt.cells:
            value = number(form.values.get(key))
            if value is not None:
                totals[key] += value
    return {key: tidy(total) for key, total in totals.items()}


def tidy(total: int | float) -> int | float:
    if isinstance(total, int):
        return total
    rounded = round(total, DECIMALS)
    return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded


def agencies_form(fmt: Format, sums: dict[str, int | float], label: str) -> FormData:
    """The sums as a FormData: what the rule 汇总 compares a summary against (``agencies.…``)."""
    return FormData(source=label, format_id=fmt.id, values=dict(sums))
