"""Helpers for the template tests: build through the project's code, look inside with openpyxl."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import openpyxl
from openpyxl.utils import range_boundaries
from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

from xxgk.cli.template_cmd import live_checks
from xxgk.formats import get_format
from xxgk.template import build_workbook


@lru_cache(maxsize=None)
def rule_checks(format_id: str) -> tuple:
    """The live checks the `xxgk template` command compiles from rules.yaml."""
    return tuple(live_checks(get_format(format_id)))


def build(folder: Path, format_id: str, name: str | None = None, with_checks: bool = True, **kwargs) -> Path:
    path = Path(folder) / (name or f"template_{format_id}.xlsx")
    checks = kwargs.pop("live_checks", rule_checks(format_id) if with_checks else ())
    build_workbook(path, get_format(format_id), live_checks=checks, **kwargs)
    return path


def names(workbook) -> dict[str, tuple[str, str]]:
    """Defined name -> (sheet title, coordinate without $)."""
    found = {}
    for name, definition in workbook.defined_names.items():
        destinations = list(definition.destinations)
        assert len(destinations) == 1, f"{name} should point at one place, got {destinations}"
        sheet, coordinate = destinations[0]
        found[name] = (sheet, coordinate.replace("$", ""))
    return found


def merged_value(sheet, row: int, col: int):
    """The value shown at (row, col), 1-based: a merged range shows its top-left cell."""
    for merged in sheet.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
            return sheet.cell(merged.min_row, merged.min_col).value
    return sheet.cell(row, col).value


def position(coordinate: str) -> tuple[int, int]:
    column, row = coordinate_from_string(coordinate)
    return row, column_index_from_string(column)


def walk_labels(sheet, row: int, col: int, step: tuple[int, int], data: set[tuple[int, int]]) -> list[str]:
    """Label texts met walking from a value cell towards the edge, nearest last, repeats merged.

    The run of value cells next to the start is skipped; the walk stops at the
    next value cell, a non-text cell or the sheet's edge.
    """
    texts: list[str] = []
    while (row, col) in data:
        row, col = row + step[0], col + step[1]
    while row >= 1 and col >= 1 and (row, col) not in data:
        value = merged_value(sheet, row, col)
        if not isinstance(value, str) or value.startswith("="):
            break
        if not texts or texts[-1] != value:
            texts.append(value)
        row, col = row + step[0], col + step[1]
    return texts[::-1]


def sum_refs(formula: str) -> list[tuple[int, int]]:
    """Cells added by ``=SUM(A1,B2:B5)``, as (row, col), in order."""
    match = re.fullmatch(r"=SUM\(([A-Z0-9:,$]+)\)", formula)
    assert match, f"not a plain SUM formula: {formula}"
    cells = []
    for ref in match.group(1).replace("$", "").split(","):
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        cells += [(r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]
    return cells


def load(path: Path, data_only: bool = False):
    return openpyxl.load_workbook(path, data_only=data_only)
