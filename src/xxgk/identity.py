"""Who a report is from: agency names and credit codes, compared one way everywhere.

Clerks type these by hand and copy them from web pages and chat messages, which
bring full-width forms, every kind of space and invisible characters (zero-width
space, BOM, soft hyphen …). ``name_key`` is the one normaliser every comparison
of names uses: consolidation, the roster, last year's figures, ``--previous``.

A unified social credit code (统一社会信用代码, GB 32100-2015) identifies an
agency only when it is a real one: 18 characters of the code's alphabet whose
last one is the check character of the other 17. A placeholder (all zeros,
all one character — which can pass the check — a code cut short) identifies nobody.
"""
from __future__ import annotations

import operator
import re
import unicodedata

from .model import Value

CREDIT_CODE_LENGTH = 18
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CODE_VALUES = {ch: value for value, ch in enumerate(CREDIT_CODE_ALPHABET)}
# Invisible letters and marks that NFKC keeps: Hangul fillers, variation selectors, the combining grapheme joiner.
_INVISIBLE = {0x115F, 0x1160, 0x3164, 0xFFA0, 0x034F, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)}
_DROPPED_CATEGORIES = ("Cc", "Cf", "Zs", "Zl", "Zp")
# str.isprintable() is false for every character of the dropped categories and every space but the
# plain one, so in printable text only these remain to drop: one C-level pass instead of one call per
# character (tests/test_identity.py checks this over every code point).
PRINTABLE_DROPS = dict.fromkeys([ord(" "), *_INVISIBLE])


def name_key(name: str) -> str:
    """An agency name for matching: NFKC, with every space and invisible character removed."""
    text = unicodedata.normalize("NFKC", name)
    if text.isprintable():
        return text.translate(PRINTABLE_DROPS)
    return "".join(ch for ch in text if not is_invisible(ch))


def is_invisible(ch: str) -> bool:
    return ch.isspace() or ord(ch) in _INVISIBLE or unicodedata.category(ch) in _DROPPED_CATEGORIES


def credit_code_text(code: str) -> str:
    """A credit code as compared: normalised like a name, upper case."""
    return name_key(code).upper()


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is no real credit code (a Chinese phrase), or None when it is one."""
    return _normalised_code_problem(credit_code_text(code))


def _normalised_code_problem(text: str) -> str | None:
    if len(text) != CREDIT_CODE_LENGTH:
        return f"应为 18 位，现为 {len(text)} 位"
    strange = sorted({ch for ch in text if ch not in CREDIT_CODE_ALPHABET})
    if strange:
        return f"含有代码中不用的字符“{''.join(strange)}”"
    if len(set(text)) == 1:
        return "全部为同一个字符，是占位用的代码"
    expected = check_character(text[:-1])
    if text[-1] != expected:
        return f"校验位（第 18 位）应为“{expected}”，现为“{text[-1]}”"
    return None


def check_character(first17: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters of a code."""
    total = sum(map(operator.mul, map(_CODE_VALUES.__getitem__, first17), CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def code_key(code: str) -> str:
    """A credit code for matching, or "" when it is no real code (not trusted to match on)."""
    if not code:
        return ""
    text = credit_code_text(code)
    return text if _normalised_code_problem(text) is None else ""


def text_of(value: Value) -> str:
    """A cover value as display text: whole floats lose their ``.0``; blanks and errors are empty."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if isinstance(value, (str, int, float)) else ""


def year_of(value: Value) -> int | None:
    """The report year as a whole number, when the cell holds one (2025, 2025.0, "2025", "2025年")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{4})\s*年?(度)?\s*", unicodedata.normalize("NFKC", value))
        return int(match.group(1)) if match else None
    return None
