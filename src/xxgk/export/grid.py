"""The three tables as printed grids: the template's layout with the figures filled in.

Positions, labels, merged header cells and row groups all come from
``xxgk.template.layout`` (itself derived from the format description); this module
only fills in the values and turns spans into rows of cells with rowspan/colspan,
the shape both Word and HTML tables want.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..formats import get_format
from ..model import CellError, FormData, Value
from ..template.layout import Layout, SheetLayout

TITLE_ROLES = ("title", "note")  # printed as paragraphs above the table, not as table rows


@dataclass(frozen=True)
class GridCell:
    row: int  # 0-based, in the table's own rows
    col: int
    rowspan: int
    colspan: int
    text: str
    role: str  # corner, header, block, group, label, value, total
    stacked: bool = False  # vertical text in a narrow column


@dataclass(frozen=True)
class PrintedTable:
    number: str  # 二, 三, 四
    title: str
    note: str
    landscape: bool
    widths: tuple[float, ...]  # relative column widths (Excel width units)
    rows: tuple[tuple[GridCell, ...], ...]  # each row's cells, left to right, spans given once

    @property
    def columns(self) -> int:
        return len(self.widths)


def show(value: Value) -> str:
    """A figure as the report prints it: whole numbers without “.0”, decimals as stored, blank empty."""
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, (str, CellError)):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def document_title(form: FormData) -> str:
    """The report's title line, so a pasted or re-imported export still names agency and year."""
    agency = form.values.get("cover.agency")
    year = form.values.get("cover.year")
    agency = agency.strip() if isinstance(agency, str) else ""
    year_text = f"{show(year)}年" if isinstance(year, (int, float)) and not isinstance(year, bool) else ""
    return f"{agency}{year_text}政府信息公开工作年度报告（统计表）"


def printed_tables(form: FormData) -> list[PrintedTable]:
    layout = Layout(get_format(form.format_id))
    fmt = layout.fmt
    return [_printed(fmt.table(key), sheet, form.values, fmt) for key, sheet in layout.tables.items()]


def _printed(table, sheet: SheetLayout, values: dict[str, Value], fmt) -> PrintedTable:
    spans = {s.role: s.text for s in sheet.spans if s.role in TITLE_ROLES}
    items = [GridCell(s.row, s.col, s.last_row - s.row + 1, s.last_col - s.col + 1, s.text, s.role, s.stacked)
             for s in sheet.spans if s.role not in TITLE_ROLES]
    items += [GridCell(r, c, 1, 1, show(values.get(key)), "total" if fmt.cells[key].is_total else "value")
              for key, (r, c) in sheet.cells.items()]
    width = len(sheet.widths)
    items = _stretch_right(items, width)
    top = min(i.row for i in items)
    rows: dict[int, list[GridCell]] = {}
    for item in items:
        moved = GridCell(item.row - top, item.col, item.rowspan, item.colspan, item.text, item.role, item.stacked)
        rows.setdefault(moved.row, []).append(moved)
    last = max(rows)
    ordered = tuple(tuple(sorted(rows.get(r, []), key=lambda i: i.col)) for r in range(last + 1))
    return PrintedTable(table.number, spans.get("title", table.title), spans.get("note", ""),
                        sheet.landscape, tuple(sheet.widths), ordered)


def _stretch_right(items: list[GridCell], width: int) -> list[GridCell]:
    """A block with fewer columns than the table (表二 第（五）项) fills the row, as on the printed form.

    The rightmost item of a row is widened to the table's edge when nothing lies to
    its right in any of the rows it covers.
    """
    taken: set[tuple[int, int]] = {(i.row + dr, i.col + dc) for i in items
                                   for dr in range(i.rowspan) for dc in range(i.colspan)}
    stretched = []
    for item in items:
        right = item.col + item.colspan
        rows = range(item.row, item.row + item.rowspan)
        if right < width and not any((r, c) in taken for r in rows for c in range(right, width)):
            item = GridCell(item.row, item.col, item.rowspan, width - item.col, item.text, item.role, item.stacked)
        stretched.append(item)
    return stretched
