"""Finding a label in the label stream, exactly or with a few typing errors."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Match:
    begin: int  # first character in the stream
    end: int  # one past the last character
    errors: int


def allowed_errors(pattern: str) -> int:
    """Short labels must match exactly; long ones may have a quarter of their characters wrong.

    Real reports drop characters (“其他法律行政止公开”) or misspell (“本年度止件数”);
    a quarter keeps distinct labels of the format apart (checked in the tests).
    """
    if len(pattern) <= 3:
        return 0
    return max(1, len(pattern) // 4)


def find_label(pattern: str, text: str, start: int, stop: int, max_errors: int | None = None) -> Match | None:
    """The earliest best occurrence of ``pattern`` in ``text[start:stop]``."""
    if not pattern:
        return None
    exact = text.find(pattern, start, stop)
    if exact >= 0:
        return Match(exact, exact + len(pattern), 0)
    limit = allowed_errors(pattern) if max_errors is None else max_errors
    return _approximate(pattern, text, start, stop, limit) if limit else None


def _approximate(pattern: str, text: str, start: int, stop: int, limit: int) -> Match | None:
    """Sellers' algorithm: edit distance of the pattern to the best substring ending at each position.

    ``cost[i]`` is the distance of pattern[:i] to some substring ending at the current
    position and ``origin[i]`` where that substring begins.
    """
    m = len(pattern)
    cost = list(range(m + 1))
    origin = [start] * (m + 1)
    best: Match | None = None
    for position in range(start, stop):
        ch = text[position]
        prev_cost, prev_origin = cost[0], origin[0]  # diagonal values
        cost[0], origin[0] = 0, position + 1
        for i, wanted in enumerate(pattern, 1):
            diagonal = prev_cost + (wanted != ch)
            missing = cost[i - 1] + 1  # pattern char missing from the text
            extra = cost[i] + 1  # extra char in the text
            above_origin = origin[i]
            prev_cost = cost[i]
            # the cheapest, the first of diagonal, missing, extra on a tie (the inner loop of every
            # approximate search: plain comparisons, no tuples)
            if diagonal <= missing and diagonal <= extra:
                cost[i], origin[i] = diagonal, prev_origin
            elif missing <= extra:
                cost[i], origin[i] = missing, origin[i - 1]
            else:
                cost[i], origin[i] = extra, above_origin
            prev_origin = above_origin
        if cost[m] <= limit and (best is None or cost[m] < best.errors):
            best = Match(origin[m], position + 1, cost[m])
        elif best is not None and position - best.end > m:
            break  # the earliest best is settled: a later start cannot be preferred
    return best
