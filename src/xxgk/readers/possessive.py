"""Possessive quantifiers (``*+``, ``?+``, ``{m,n}+``) on Python 3.10, whose re module lacks them."""
from __future__ import annotations

import re
import sys

_POSSESSIVE = re.compile(rb"(?<!\\)([*?}])\+")


def possessive(pattern: bytes) -> re.Pattern[bytes]:
    """``re.compile(pattern)``; before Python 3.11 its possessive quantifiers become greedy ones.

    Meant for grammars where giving characters back never lets a match succeed (what a repeated
    part matches cannot also start what follows it), so both forms match exactly the same; the
    possessive form only fails faster. tests/test_fast*.py hold the fast readers to the strict ones.
    """
    if sys.version_info < (3, 11):
        pattern = _POSSESSIVE.sub(rb"\1", pattern)
    return re.compile(pattern)
