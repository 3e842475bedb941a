"""Where everything goes: sheet, row and column of every label and cell, derived from a Format.

Nothing here writes a file. Positions are 0-based (row, col) as XlsxWriter uses
them; ``Pos.absolute`` gives the ``'表三'!$D$5`` form for defined names.
A table is a grid: header paths above the value columns, label paths to the left
of the value rows. Each path is a tuple of segments, each segment covering a
range of header levels, so a label that has nothing under it (自然人) reaches
down to the bottom header row, and neighbours sharing a group label
(法人或其他组织) get one merged cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..formats import Format, Table
from ..readers.refs import column_letters
from .sizing import size_table

SHEET_COVER = "封面"
SHEET_CHECKS = "校验结果"
SHEET_GUIDE = "填报说明"
SHEET_MARKER = "_xxgk"

def sheet_name(table: Table) -> str:
    return f"表{table.number}"


@dataclass(frozen=True)
class Pos:
    sheet: str
    row: int
    col: int

    @property
    def a1(self) -> str:
        return f"{column_letters(self.col + 1)}{self.row + 1}"

    @property
    def absolute(self) -> str:
        return f"'{self.sheet}'!${column_letters(self.col + 1)}${self.row + 1}"


@dataclass(frozen=True)
class Span:
    """A label cell, merged when it covers more than one cell."""

    row: int
    col: int
    last_row: int
    last_col: int
    text: str
    role: str  # title, note, block, corner, header, group, label
    stacked: bool = False  # vertical text in a narrow column

    @property
    def merged(self) -> bool:
        return (self.row, self.col) != (self.last_row, self.last_col)


@dataclass
class SheetLayout:
    name: str
    spans: list[Span] = field(default_factory=list)
    cells: dict[str, tuple[int, int]] = field(default_factory=dict)  # cell key -> (row, col)
    widths: list[float] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    repeat_rows: tuple[int, int] = (0, 0)
    freeze: tuple[int, int] | None = None
    landscape: bool = False


# A header segment: its text and the first and last header level it covers.
Segment = tuple[str, int, int]


@dataclass
class _Grid:
    """One block of a table as a grid of value cells with header paths."""

    label: str
    corner: str
    column_paths: list[tuple[Segment, ...]]
    row_paths: list[tuple[Segment, ...]]
    keys: list[list[str]]


def _stack(parts: tuple[str, ...], depth: int) -> tuple[Segment, ...]:
    """One level per part; the last part stretches down to ``depth``."""
    last = len(parts) - 1
    return tuple((text, i, depth - 1 if i == last else i) for i, text in enumerate(parts))


def _grids(fmt: Format, table: Table) -> list[_Grid]:
    index = {(c.block.key, c.row.key, c.column.key): key for key, c in fmt.cells.items() if c.table is table}
    if table.wide:
        return [_wide_grid(table, index)]
    grids = []
    for block in table.blocks:
        heads = [((block.header,) if block.header else ()) + c.path + (c.label,) for c in block.columns]
        col_depth = max(map(len, heads))
        row_depth = max(len(r.path) + 1 for r in block.rows)
        grids.append(_Grid(
            block.label, block.corner,
            [_stack(h, col_depth) for h in heads],
            [_stack(r.path + (r.label,), row_depth) for r in block.rows],
            [[index[block.key, r.key, c.key] for c in block.columns] for r in block.rows],
        ))
    return grids


def _wide_grid(table: Table, index: dict) -> _Grid:
    """Table 四: every row becomes a column group; one row of values, no row labels."""
    (block,) = table.blocks
    group_depth = max(len(r.path) + 1 for r in block.rows)
    paths, keys = [], []
    for row in block.rows:
        groups = _stack(row.path + (row.label,), group_depth)
        for column in block.columns:
            paths.append(groups + ((column.label, group_depth, group_depth),))
            keys.append(index[block.key, row.key, column.key])
    return _Grid(block.label, block.corner, paths, [()], [keys])


def _path_spans(paths: list[tuple[Segment, ...]]) -> list[tuple[int, int, int, int, str]]:
    """(first level, last level, first index, last index, text) for every header cell.

    Neighbouring paths that share a leading run of segments share the cells of
    that run; the last segment of a path is always its own.
    """
    spans = []
    for depth in range(max((len(p) for p in paths), default=0)):
        i = 0
        while i < len(paths):
            path = paths[i]
            if depth >= len(path):
                i += 1
                continue
            j = i
            if depth < len(path) - 1:
                while j + 1 < len(paths) and len(paths[j + 1]) - 1 > depth \
                        and paths[j + 1][:depth + 1] == path[:depth + 1]:
                    j += 1
            text, first, last = path[depth]
            spans.append((first, last, i, j, text))
            i = j + 1
    return spans


def _levels(paths: list[tuple[Segment, ...]]) -> int:
    return max((seg[2] + 1 for p in paths for seg in p), default=0)


def _table_sheet(fmt: Format, table: Table) -> SheetLayout:
    sheet, label_cols = _placed_sheet(fmt, table)
    size_table(sheet, label_cols)
    return sheet


def _placed_sheet(fmt: Format, table: Table) -> tuple[SheetLayout, int]:
    """The sheet's spans and cells placed, not yet sized; and how many label columns it has."""
    grids = _grids(fmt, table)
    label_cols = max(_levels(g.row_paths) for g in grids)
    value_cols = max(len(g.column_paths) for g in grids)
    width = label_cols + value_cols
    sheet = SheetLayout(sheet_name(table), landscape=table.wide)
    sheet.spans.append(Span(0, 0, 0, width - 1, table.title, "title"))
    row = 1
    if table.note:
        sheet.spans.append(Span(row, 0, row, width - 1, table.note, "note"))
        row += 1
    for grid in grids:
        if grid.label:
            sheet.spans.append(Span(row, 0, row, width - 1, grid.label, "block"))
            row += 1
        row = _place_grid(sheet, grid, row, label_cols)
    single = len(grids) == 1
    first_value_row = min(r for r, _ in sheet.cells.values())
    sheet.repeat_rows = (0, first_value_row - 1 if single else 0)
    if single and label_cols:
        sheet.freeze = (first_value_row, label_cols)
    return sheet, label_cols


def _place_grid(sheet: SheetLayout, grid: _Grid, top: int, label_cols: int) -> int:
    header_rows = _levels(grid.column_paths)
    if label_cols:
        sheet.spans.append(Span(top, 0, top + header_rows - 1, label_cols - 1, grid.corner, "corner"))
    for first, last, i, j, text in _path_spans(grid.column_paths):
        sheet.spans.append(Span(top + first, label_cols + i, top + last, label_cols + j, text, "header"))
    body = top + header_rows
    depth = _levels(grid.row_paths)
    for first, last, i, j, text in _path_spans(grid.row_paths):
        leaf = last == depth - 1
        end = label_cols - 1 if leaf else last
        sheet.spans.append(Span(body + i, first, body + j, end, text, "label" if leaf else "group"))
    for r, keys in enumerate(grid.keys):
        for c, key in enumerate(keys):
            sheet.cells[key] = (body + r, label_cols + c)
    return body + len(grid.keys)


COVER_WIDTHS = [20.0, 44.0, 52.0]
COVER_FIRST_FIELD = 4  # title, subtitle, blank, header row above the fields


class Layout:
    """Every position in the template of one format."""

    def __init__(self, fmt: Format):
        self.fmt = fmt
        self.tables = {t.key: _table_sheet(fmt, t) for t in fmt.tables}
        self.positions = _positions(fmt, self.tables.values())

    @property
    def sheet_names(self) -> list[str]:
        """Visible sheets in workbook order; the hidden marker sheet comes last."""
        tables = [s.name for s in self.tables.values()]
        return [SHEET_COVER, *tables, SHEET_CHECKS, SHEET_GUIDE, SHEET_MARKER]

    @property
    def cover_button_row(self) -> int:
        return COVER_FIRST_FIELD + len(self.fmt.cover) + 1

    def __getitem__(self, key: str) -> Pos:
        return self.positions[key]


def cell_positions(fmt: Format) -> dict[str, Pos]:
    """Where the template puts every named cell, without sizing rows and columns (a reader's question)."""
    return _positions(fmt, [_placed_sheet(fmt, t)[0] for t in fmt.tables])


def _positions(fmt: Format, sheets) -> dict[str, Pos]:
    found: dict[str, Pos] = {}
    for sheet in sheets:
        for key, (row, col) in sheet.cells.items():
            found[key] = Pos(sheet.name, row, col)
    for i, cover_field in enumerate(fmt.cover):
        found[cover_field.key] = Pos(SHEET_COVER, COVER_FIRST_FIELD + i, 1)
    return found
