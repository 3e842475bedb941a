"""Whether each defined name still points where the template's layout puts its cell.

Names are how a reader finds cells, so a name pointed elsewhere by hand (a 表二
name at the hidden marker sheet, one item's name at another item's cell) would be
read silently. Excel's own edits move names too, but consistently: a renamed
sheet takes all its names along; inserted or deleted rows and columns shift a
sheet's cells together, keeping their order. So, per sheet of the template:

* the names of one template sheet must all be on one sheet of the workbook (the
  one most of them are on), and no two template sheets may share one;
* names on one template row must share one row, and rows must keep their order
  (the same for columns).

A name that breaks this is *moved*: read as blank, with a remark naming it and
both addresses. A sheet whose names all moved consistently is *shifted*: read by
name, with one remark saying where (so the file is still reported as altered). A
sheet renamed, its names renamed with it, is no change of place at all.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping

from .refs import Area, column_letters

Position = tuple[str, int, int]  # sheet, row, column; 1-based


@dataclass
class Placement:
    moved: dict[str, str] = field(default_factory=dict)  # key -> remark; its value is not read
    shifted: list[str] = field(default_factory=list)  # one remark per template sheet moved as a whole


def address(position: Position) -> str:
    sheet, row, col = position
    return f"{sheet}!{column_letters(col)}{row}"


def check_placement(areas: Mapping[str, Area], expected: Mapping[str, Position],
                    names: Mapping[str, str], labels: Mapping[str, str]) -> Placement:
    """``areas``: key -> where its name points; ``expected``: key -> where the template puts it."""
    found = {key: (a.sheet, a.first_row, a.first_col) for key, a in areas.items() if key in expected}
    placement = Placement()
    by_sheet: dict[str, list[str]] = {}
    for key in found:
        by_sheet.setdefault(expected[key][0], []).append(key)
    claimed: set[str] = set()
    for template_sheet, keys in sorted(by_sheet.items(), key=lambda item: -len(item[1])):
        sheet = _majority([found[k][0] for k in keys], prefer=template_sheet)
        stray = [k for k in keys if found[k][0] != sheet or sheet in claimed]
        claimed.add(sheet)
        kept = [k for k in keys if k not in stray]
        stray += _off_axis(kept, found, expected, axis=1) + _off_axis(kept, found, expected, axis=2)
        for key in dict.fromkeys(stray):
            placement.moved[key] = (f"单元格名称 {names[key]}（{labels[key]}）指向 {address(found[key])}，"
                                    f"按模板应在 {address(expected[key])}，工作簿被改动过，该项按空白处理")
        # a sheet renamed with its names is no change of place; rows or columns moved are
        shifted = [k for k in keys if k not in placement.moved and found[k][1:] != expected[k][1:]]
        if shifted:
            key = shifted[0]
            placement.shifted.append(
                f"工作表“{template_sheet}”的单元格与模板的位置不同（{len(shifted)} 项，如 {names[key]} 在 "
                f"{address(found[key])}，模板中为 {address(expected[key])}），可能插入或删除过行列，"
                "已按单元格名称读取")
    return placement


def _majority(values: list, prefer) -> object:
    counts = Counter(values)
    return max(counts, key=lambda value: (counts[value], value == prefer))


def _off_axis(keys: list[str], found: Mapping[str, Position], expected: Mapping[str, Position],
              axis: int) -> list[str]:
    """Keys off their row (axis 1) or column (axis 2): not where most of their template row goes,
    or on a row that is out of order with the others."""
    lines: dict[int, list[str]] = {}
    for key in keys:
        lines.setdefault(expected[key][axis], []).append(key)
    target = {line: _majority([found[k][axis] for k in members], prefer=line) for line, members in lines.items()}
    off = [k for k in keys if found[k][axis] != target[expected[k][axis]]]
    ordered = sorted(target)
    keep = _increasing(ordered, [target[line] for line in ordered], [len(lines[line]) for line in ordered])
    return off + [k for line in ordered if line not in keep for k in lines[line] if k not in off]


def _increasing(lines: list[int], values: list[int], weights: list[int]) -> set[int]:
    """The lines of the heaviest strictly increasing run of ``values`` (kept in order); the rest are out of order."""
    best: list[tuple[int, int]] = []  # per position: (weight of the best run ending here, previous position)
    for i, value in enumerate(values):
        options = [(best[j][0], j) for j in range(i) if values[j] < value]
        total, previous = max(options, default=(0, -1))
        best.append((total + weights[i], previous))
    keep: set[int] = set()
    at = max(range(len(values)), key=lambda i: best[i][0], default=-1)
    while at != -1:
        keep.add(lines[at])
        at = best[at][1]
    return keep
