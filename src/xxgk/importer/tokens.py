"""Lines to tokens: label text, values (numbers or printed blanks) and empty cells.

The label text of all tokens, reduced to label keys and concatenated, forms one
searchable stream: labels are found in it however the source split them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from .budget import check_time
from .document import Document, label_key

# A figure as printed: 1,234 / 12 / 12.5 / -3 (本年增/减), with a unit word. Longer digit strings
# are not figures of a report (and int() of thousands of digits is refused by Python).
_NUMBER = re.compile(r"^\+?(?P<n>-?(?:\d{1,3}(?:,\d{3}){1,4}|\d{1,15})(?:\.\d{1,6})?)(?P<unit>件|个|条|项|次|万元|元)?$")
# Printed instead of a figure. 无 only counts when it stands for a cell (see _blank_words).
_BLANK_MARKS = {"/", "-", "—", "——", "–", "\\", "－"}
_NONE_WORD = "无"
# "1. 属于…" and "1、申请人…": the enumeration belongs to the label, not a figure.
_ENUMERATION = re.compile(r"(?<![\d.])(\d{1,2})\s*[.、]\s*(?=[^\d\s])")
# Remarks printed with a figure: “22（其中修订16件）”, “55（含自然失效29件）”, “208件（17.46%）”.
_REMARK = re.compile(r"[(（]\s*(?:(?:其中|含|包括|包含|另有|注)[^()（）]{0,40}|\d{1,3}(?:\.\d{1,4})?\s*%)\s*[)）]")
# A figure glued to the label before it: “行政许可0”.
_GLUED = re.compile(r"(?<=[\u4e00-\u9fff:：])(?=[-+]?\d[\d,]*(?:\.\d+)?(?:件|万元|元)?(?:\s|$))")


_LONGEST_WORD = 120  # label characters a single word adds to the stream


class TokenKind(Enum):
    TEXT = "text"
    VALUE = "value"
    EMPTY = "empty"  # an empty cell of a structured row


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    text: str
    value: int | float | None  # None: a printed blank ("/", "—", "无") or not a value
    line: int  # index into Document.lines
    unit: str = ""  # the unit printed with the figure (元, 万元, 件 …)


@dataclass(frozen=True)
class Stream:
    """The label keys of all TEXT tokens, concatenated, with the token owning each character."""

    text: str
    owner: tuple[int, ...]

    def token_at(self, position: int) -> int:
        return self.owner[position]


def tokenize(document: Document) -> list[Token]:
    tokens: list[Token] = []
    for index, line in enumerate(document.lines):
        if index % 500 == 0:
            check_time("切分表格文字")
        several = line.structured and len(line.cells) > 1
        for cell in line.cells:
            words = cell_words(cell)
            if not words:
                if several:
                    tokens.append(Token(TokenKind.EMPTY, "", None, index))
                continue
            tokens.extend(_word_tokens(words, index, cell_alone=several))
    return tokens


def cell_words(cell: str) -> list[str]:
    text = _REMARK.sub(" ", _ENUMERATION.sub(r"\1.", cell))
    return _GLUED.sub(" ", text).split()


def _word_tokens(words: list[str], line: int, cell_alone: bool) -> list[Token]:
    kinds = [_word_kind(w) for w in words]
    for i, word in enumerate(words):
        if word == _NONE_WORD and _stands_for_cell(kinds, i, cell_alone and len(words) == 1):
            kinds[i] = TokenKind.VALUE
    tokens = []
    for word, kind in zip(words, kinds):
        value, unit = _number(word) if kind is TokenKind.VALUE else (None, "")
        tokens.append(Token(kind, word, value, line, unit))
    return tokens


def _stands_for_cell(kinds: list[TokenKind], i: int, whole_cell: bool) -> bool:
    neighbours = kinds[max(i - 1, 0):i] + kinds[i + 1:i + 2]
    return whole_cell or TokenKind.VALUE in neighbours or i == len(kinds) - 1 and i > 0


def _word_kind(word: str) -> TokenKind:
    return TokenKind.VALUE if _NUMBER.match(word) or word in _BLANK_MARKS else TokenKind.TEXT


def _number(word: str) -> tuple[int | float | None, str]:
    match = _NUMBER.match(word)
    if match is None:  # a printed blank
        return None, ""
    digits = match.group("n").replace(",", "")
    return (float(digits) if "." in digits else int(digits)), match.group("unit") or ""


def label_stream(tokens: list[Token]) -> Stream:
    """Long words are cut: no label is that long, and a 5,000-digit “word” must not push the
    labels after it out of the search window."""
    parts, owner = [], []
    for index, token in enumerate(tokens):
        if token.kind is TokenKind.TEXT:
            key = label_key(token.text[:_LONGEST_WORD * 4])[:_LONGEST_WORD]
            parts.append(key)
            owner.extend([index] * len(key))
    return Stream("".join(parts), tuple(owner))
