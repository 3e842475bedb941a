"""The approximate label search (Sellers' algorithm) against its textbook form, on random labels and texts.

xxgk.importer.matching keeps its inner loop to plain comparisons (it runs for every label not found
exactly, in every imported report); the textbook form below takes the cheapest of the three moves with
``min``, the first one on a tie. Both must give the same match, origin and errors included.
"""
from __future__ import annotations

import random

from xxgk.importer.matching import Match, find_label

ALPHABET = "本年度收到申请件数其他法律行政法规禁止公开ab"


def textbook(pattern: str, text: str, start: int, stop: int, limit: int) -> Match | None:
    m = len(pattern)
    cost, origin = list(range(m + 1)), [start] * (m + 1)
    best = None
    for position in range(start, stop):
        diagonal_cost, diagonal_origin = cost[0], origin[0]
        cost[0], origin[0] = 0, position + 1
        for i in range(1, m + 1):
            moves = ((diagonal_cost + (pattern[i - 1] != text[position]), diagonal_origin),
                     (cost[i - 1] + 1, origin[i - 1]),  # pattern char missing from the text
                     (cost[i] + 1, origin[i]))  # extra char in the text
            diagonal_cost, diagonal_origin = cost[i], origin[i]
            cost[i], origin[i] = min(moves, key=lambda move: move[0])
        if cost[m] <= limit and (best is None or cost[m] < best.errors):
            best = Match(origin[m], position + 1, cost[m])
        elif best is not None and position - best.end > m:
            break
    return best


def damaged(rng: random.Random, label: str) -> str:
    """The label with up to three characters changed, dropped or added, as reports print them."""
    chars = list(label)
    for _ in range(rng.randint(0, 3)):
        at = rng.randrange(len(chars))
        move = rng.choice(("change", "drop", "add"))
        if move == "change":
            chars[at] = rng.choice(ALPHABET)
        elif move == "drop" and len(chars) > 1:
            del chars[at]
        else:
            chars.insert(at, rng.choice(ALPHABET))
    return "".join(chars)


def test_the_search_finds_what_the_textbook_form_finds():
    rng = random.Random(20261204)
    found = 0
    for _ in range(1500):
        pattern = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(4, 12)))
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 50)))
        at = rng.randint(0, len(text))
        text = text[:at] + damaged(rng, pattern) + text[at:]
        start = rng.randint(0, len(text))
        stop = rng.randint(start, len(text))
        limit = rng.randint(1, 4)
        exact = text.find(pattern, start, stop)  # found as printed: no search for a near one
        expected = Match(exact, exact + len(pattern), 0) if exact >= 0 else textbook(pattern, text, start, stop, limit)
        assert find_label(pattern, text, start, stop, limit) == expected, (pattern, text, start, stop, limit)
        found += expected is not None and expected.errors > 0
    assert found > 250  # approximate matches were compared, not only misses
