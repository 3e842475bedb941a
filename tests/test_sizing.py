"""Display widths (template.sizing): the quick count equals the per-character definition."""
from __future__ import annotations

import random
import unicodedata

from xxgk.template.sizing import text_units, wrapped_lines


def per_character(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_text_units_counts_wide_characters_twice():
    assert text_units("") == 0
    assert text_units("abc 123") == 7
    assert text_units("单位名称") == 8
    assert text_units("（如 2025）") == 11  # full-width brackets and CJK are wide
    assert text_units("😀x") == 3  # outside the BMP, wide
    assert text_units("\U00010000") == 1  # outside the BMP, narrow


def test_text_units_equals_the_definition_on_random_text():
    rng = random.Random(20261122)
    pools = [(0x20, 0x7E), (0x80, 0x2FFF), (0x3000, 0x9FFF), (0xE000, 0xFFFF), (0x10000, 0x10FFFF)]
    for _ in range(5000):
        text = "".join(chr(rng.randint(*rng.choice(pools))) for _ in range(rng.randint(0, 40)))
        assert text_units(text) == per_character(text), repr(text)


def test_wrapped_lines_counts_explicit_and_wrapped_lines():
    assert wrapped_lines("甲" * 10, 11.5) == 2  # 20 units in 10 usable
    assert wrapped_lines("a\nb", 10) == 2
    assert wrapped_lines("", 10) == 1
