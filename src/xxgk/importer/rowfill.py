"""Rows whose label was lost or scrambled, placed by the form's row order and counts.

Text extracted from a PDF often separates a row's label from its figures, or prints
the label out of order. Between two rows placed by their labels, the form says which
rows come; when exactly as many unclaimed rows of figures, each exactly as wide as the
table, sit between them, they are those rows, in order. Any other count is left alone:
nothing is guessed.

A group printed as one row (（六）其他处理 in the 2019 layout, inside a 2021 table) is
the sum of the group's rows: all of them 0 when it is 0.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..formats import Row
from .document import label_key
from .runs import Run


@dataclass(frozen=True)
class Gap:
    rows: tuple[Row, ...]  # unplaced rows of the form, in order
    runs: tuple[Run, ...]  # unclaimed runs of the table's width between their placed neighbours


def gaps(rows: tuple[Row, ...], spans: dict[str, tuple[int, int]], free: list[Run], width: int,
         lower: int | None, upper: int) -> list[Gap]:
    """The stretches of unplaced rows between placed ones (or the table's ends), with their runs.

    ``spans``: token span of each placed row; ``lower``/``upper``: token bounds of the table
    (``lower`` None: the table's start is unknown, rows before the first placed one are left).
    """
    placed = [(i, spans[r.key]) for i, r in enumerate(rows) if r.key in spans]
    found = []
    edges = [(-1, (lower, lower))] if lower is not None else []
    edges += placed + [(len(rows), (upper, upper))]
    for (i0, span0), (i1, span1) in zip(edges, edges[1:]):
        missing = tuple(r for r in rows[i0 + 1:i1] if r.key not in spans)
        if not missing or span0[1] >= span1[0]:
            continue
        between = tuple(r for r in free if span0[1] < r.first and r.last < span1[0] and len(r.values) == width)
        if between:
            found.append(Gap(missing, between))
    return found


def by_order(gap: Gap) -> list[tuple[Row, Run]]:
    """Rows and runs paired in order, when their counts agree."""
    return list(zip(gap.rows, gap.runs)) if len(gap.rows) == len(gap.runs) else []


def group_row(gap: Gap, text_before) -> tuple[str, Run] | None:
    """(group label, run) when the gap is one whole group of rows printed as a single row.

    ``text_before(run)``: the label text just before the run, to see the group's label there.
    """
    groups = {r.path for r in gap.rows}
    if len(gap.runs) != 1 or len(groups) != 1 or not next(iter(groups)):
        return None
    label = next(iter(groups))[-1]
    run = gap.runs[0]
    return (label, run) if label_key(label) in label_key(text_before(run)) else None


def group_values(rows: tuple[Row, ...], values: list) -> tuple[dict[str, list], str]:
    """Each row's figures for a group printed as one row, and how they were split (Chinese).

    A group of zeros is zeros in every row (counts are never negative). Otherwise the
    whole goes to the group's 其他 row, the others 0: the sum is kept, the split is said.
    """
    zero = [0] * len(values)
    if all(v in (0, None) for v in values):
        return {r.key: list(zero) for r in rows}, "各项均为 0"
    other = next((r for r in reversed(rows) if r.label.endswith("其他")), None)
    if other is None:
        return {}, ""
    split = {r.key: (list(values) if r is other else list(zero)) for r in rows}
    return split, f"全部计入“{other.label}”，其余各项按 0 计"
