"""Runs: the figures of one row as they sit in the token list, and which label they belong to."""
from __future__ import annotations

from dataclasses import dataclass, field

from .tokens import Token, TokenKind


@dataclass
class Run:
    first: int  # token index of the first value
    last: int  # token index of the last value
    line: int
    values: list  # int | float | None (None: printed or empty blank)
    alone: bool  # no label text on its line: a row of figures printed apart from its label
    units: list = field(default_factory=list)  # the unit printed with each value ("" for none)
    claimed: bool = False
    # empty cells trimmed between the row's label and its first figure
    leading_empty: int = 0

    def split(self, tokens: list[Token], width: int) -> list[Run]:
        """Rows of ``width`` figures printed one after another, each figure on its own line, as
        separate runs (a run's values are its tokens, in order)."""
        parts = []
        for start in range(0, len(self.values), width):
            first, last = self.first + start, self.first + start + width - 1
            parts.append(Run(first, last, tokens[first].line, self.values[start:start + width], self.alone,
                             self.units[start:start + width]))
        return parts

    def fitted(self, want: int) -> list | None:
        """The values, or None when they cannot fill ``want`` columns without guessing.

        Empty cells right after a label are blanks of the first columns when the row is
        otherwise short by exactly that much; trailing empty cells are often layout
        (a trailing tab, padding), so a short row is never stretched at its end.
        """
        short = want - len(self.values)
        if short == 0:
            return self.values
        if 0 < short <= self.leading_empty:
            return [None] * short + self.values
        return None

    def text(self) -> str:
        return " ".join("空" if v is None else _show(v) for v in self.values)


def _show(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def find_runs(tokens: list[Token], begin: int, end: int, flowing: set[int],
              exact_cells: bool = False) -> list[Run]:
    """Maximal sequences of values on one line, not interrupted by label text.

    In flowing text (``flowing``: line indices), lines holding nothing but figures
    continue each other: a row copied one cell per line. Empty cells at either end
    are layout (merged cells, padding) and are dropped; empty cells between
    figures are blanks of the row. With ``exact_cells`` (docx, html) the empty cells
    before the first figure are remembered: they may be blanks of the first columns.
    """
    text_lines = {t.line for t in tokens[begin:end] if t.kind is TokenKind.TEXT}

    def continues(token: Token, current: list[int]) -> bool:
        last = tokens[current[-1]].line
        if token.line == last:
            return True
        figures_only = {last, token.line}.isdisjoint(text_lines) and {last, token.line} <= flowing
        return figures_only and token.line == last + 1

    runs: list[Run] = []
    current: list[int] = []
    for index in range(begin, end + 1):
        token = tokens[index] if index < end else None
        joins = token is not None and token.kind is not TokenKind.TEXT and (not current or continues(token, current))
        if joins:
            current.append(index)
            continue
        _close(tokens, current, runs, text_lines, exact_cells)
        current = [index] if token is not None and token.kind is not TokenKind.TEXT else []
    return runs


def _close(tokens: list[Token], current: list[int], runs: list[Run], text_lines: set[int],
           exact_cells: bool) -> None:
    before = 0
    while current and tokens[current[-1]].kind is TokenKind.EMPTY:
        current.pop()
    while current and tokens[current[0]].kind is TokenKind.EMPTY:
        current.pop(0)
        before += 1
    if current:
        line = tokens[current[0]].line
        values = [tokens[i].value for i in current]
        runs.append(Run(current[0], current[-1], line, values, line not in text_lines,
                        [tokens[i].unit for i in current], leading_empty=before if exact_cells else 0))


def merge_adjacent(runs: list[Run], want: int) -> list[Run]:
    """Join runs on consecutive lines with nothing between them until ``want`` values are reached.

    Only table 四 uses this: its one row of 15 figures may wrap over several lines.
    """
    merged: list[Run] = []
    for run in runs:
        last = merged[-1] if merged else None
        if last and len(last.values) < want and run.first == last.last + 1 and not last.claimed:
            merged[-1] = Run(last.first, run.last, last.line, last.values + run.values, last.alone and run.alone,
                             last.units + run.units)
        else:
            merged.append(run)
    return merged
