"""An imported report as a template workbook: every figure in its cell, totals as published.

Cells the report did not give (missing) or printed blank stay blank, never 0, so the
template's own checks and ``xxgk validate`` flag them. Knows no rule: the live checks
are handed in by the caller.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Sequence

from ..formats import get_format
from ..model import LiveCheck, Value
from .result import ImportResult

WORKBOOK_SUFFIX = ".xlsx"


def workbook_values(result: ImportResult, figures: Mapping[str, Value] | None = None) -> dict[str, Value]:
    """Every table cell and cover field of the result's format: placed figures (or ``figures``,
    e.g. as an audit judged them), None elsewhere.

    None (not a missing key) matters: the template builder fills absent inputs with 0.
    """
    fmt = get_format(result.format_id)
    values: dict[str, Value] = {key: None for key in (*fmt.cover_fields, *fmt.cells)}
    given = result.values if figures is None else figures
    values.update((key, value) for key, value in given.items() if key in values)
    return values


def default_workbook_path(report: str | os.PathLike) -> Path:
    """Beside the report, same stem, .xlsx."""
    return Path(report).with_suffix(WORKBOOK_SUFFIX)


def write_import_workbook(result: ImportResult, target: str | os.PathLike,
                          live_checks: Sequence[LiveCheck] = (), figures: Mapping[str, Value] | None = None) -> None:
    """Write ``target`` (atomically, through the template builder) from an import result."""
    from ..template import build_workbook  # the writer is the heavy part; imported when used

    build_workbook(target, get_format(result.format_id), live_checks=live_checks,
                   values=workbook_values(result, figures), literal_totals=True)
