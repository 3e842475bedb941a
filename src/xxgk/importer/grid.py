"""Table rows laid on their grid: every column of a row accounted for, merged cells included.

A published table leaves "none" blank, often as one merged blank area. A blank cell
therefore stands for each grid slot it covers (an empty cell per column, in each
row it spans), so the blanks of a row keep their columns. A cell with text (a
label, a figure) counts once, where it starts; the slots it also covers add
nothing, as the page shows it once.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    text: str
    cols: int = 1  # colspan / gridSpan
    rows: int = 1  # rowspan (HTML); Word marks continued cells instead (merged_above)
    merged_above: bool = False  # a Word cell continuing the one above it (vMerge="continue")


def grid_rows(rows: list[list[Cell]]) -> list[tuple[str, ...]]:
    """Each row's cell texts in grid order, blank slots as ""."""
    covering: dict[int, tuple[int, bool]] = {}  # column -> (rows it is still covered, covered by a blank)
    blank_above: dict[int, bool] = {}  # column -> was the cell covering it in the row above blank
    lines = []
    for cells in rows:
        line: list[str] = []
        column = 0
        for cell in cells:
            column = _covered(covering, column, line, until=None)
            blank = not cell.text.strip()
            if cell.merged_above:
                blank = all(blank_above.get(c, False) for c in range(column, column + cell.cols))
                line.extend([""] * cell.cols if blank else [])
            else:
                line.extend([""] * cell.cols if blank else [cell.text])
            for c in range(column, column + cell.cols):
                blank_above[c] = blank
                if cell.rows > 1:
                    covering[c] = (cell.rows - 1, blank)
            column += cell.cols
        _covered(covering, column, line, until=max(covering, default=-1) + 1)
        lines.append(tuple(line))
    return lines


def _covered(covering: dict, column: int, line: list[str], until: int | None) -> int:
    """Emit the slots from ``column`` on that a cell of an earlier row still covers.

    ``until=None``: stop at the first free slot (the next cell of this row goes there);
    else go on to ``until`` (the end of the row), skipping free slots.
    """
    while column in covering or (until is not None and column < until):
        if column in covering:
            remaining, blank = covering[column]
            if blank:
                line.append("")
            if remaining <= 1:
                del covering[column]
            else:
                covering[column] = (remaining - 1, blank)
        column += 1
    return column
