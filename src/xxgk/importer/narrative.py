"""Checking what the text of a report says against its tables (warnings only).

Each ``N件`` in a sentence is attributed by the words right before it (or, for a few
phrasings, right after it) to the cells whose sum it states; terms joined by 及/和/、
state the sum of all their cells. A figure that no term claims is skipped: a sentence
we cannot attribute is never a finding. Each figure looks at a bounded window of text,
so a sentence of any length costs time in proportion to its length.
"""
from __future__ import annotations

import bisect
import fnmatch
import re
from dataclasses import dataclass
from functools import cache

from ..catalogue import FindingKind
from ..formats import Format, get_format
from ..model import Finding
from .budget import check_time
from .document import Document, for_display, join_cjk
from .narrative_patterns import AFTER_TERMS, CONNECTOR, FILLER, TERMS, TOPICS

RULE_FIGURE = FindingKind.NARRATIVE_FIGURE
_SENTENCE_END = re.compile(r"(?<=[。；;！？!?\n])")
_FIGURE = re.compile(r"(?<![\d.])(?P<n>\d{1,9})件")
_BREAK = re.compile(r"[，,；;：:。]")
_LOOK = 40  # characters of text a figure is attributed by
_SHOWN = 60  # characters of a sentence quoted in a message
_PROSE_MIN = 30


def narrative_text(document: Document, table_lines: range | None) -> str:
    """Text outside the tables (and prose that sits between them), as the reader would read it."""
    parts = []
    for index, line in enumerate(document.lines):
        text = " ".join(c for c in line.cells if c.strip())
        in_tables = table_lines is not None and index in table_lines
        if in_tables and not (len(text) >= _PROSE_MIN and "。" in text):
            continue
        parts.append(text)
    return ("" if document.soft_wrapped else "\n").join(parts)


def sentences(text: str) -> list[str]:
    """Sentences with whitespace removed: figures are compared, not layout."""
    flat = [re.sub(r"\s+", "", join_cjk(s)) for s in _SENTENCE_END.split(text)]
    return [s for s in flat if s]


@dataclass(frozen=True)
class Statement:
    """A figure the text states: ``stated`` is the sum of ``cells`` by the words of ``sentence``."""

    stated: int
    cells: tuple[str, ...]
    what: str
    ids: tuple[str, ...]
    also: tuple[str, ...]  # cells the figure may include as well (Term.also)
    sentence: str


def statements(text: str, fmt: Format) -> list[Statement]:
    found = []
    for number, sentence in enumerate(sentences(text)):
        if number % 200 == 0:
            check_time("核对正文")
        found += [Statement(*claim, sentence) for claim in stated_figures(sentence, fmt.id)]
    return found


def check_statements(stated: list[Statement], fmt: Format, values: dict) -> list[Finding]:
    """A warning for each statement whose figure differs from the sum of its cells (a blank counts 0);
    none where a cell was not imported."""
    found: dict[str, Finding] = {}
    for item in stated:
        if any(key not in values for key in item.cells + item.also):
            continue
        table = _sum(values, item.cells)
        if item.stated not in (table, table + _sum(values, item.also)):
            finding = _figure_finding(item, table, fmt)
            found.setdefault(finding.instance_id, finding)
    return list(found.values())


def _sum(values: dict, keys: tuple[str, ...]):
    return sum(v for key in keys if isinstance(v := values[key], (int, float)))


def check_narrative(text: str, fmt: Format, values: dict) -> list[Finding]:
    return check_statements(statements(text, fmt), fmt, values)


def stated_figures(sentence: str, format_id: str) -> list[tuple]:
    """(figure, cells, what, term ids, cells it may also include) for every figure a term claims."""
    terms, after_terms = _compiled(format_id)
    topics = [(m.start(), topic) for m in _TOPIC.finditer(sentence) for topic, word in TOPICS if m.group() == word]
    positions = [p for p, _ in topics]
    stated, previous_end = [], 0
    for match in _FIGURE.finditer(sentence):
        before = sentence[max(previous_end, match.start() - _LOOK):match.start()]
        before = before[_last_break(before):]
        at = bisect.bisect_left(positions, match.start())
        topic = topics[at - 1][1] if at else ""
        claim = _claim_before(before, terms, topic) or _claim_after(sentence[match.end():match.end() + _LOOK],
                                                                      after_terms)
        if claim:
            also = claim[3] if claim[3] and re.search(claim[4], sentence) else ()
            stated.append((int(match.group("n")), *claim[:3], also))
        previous_end = match.end()
    return stated


_TOPIC = re.compile("|".join(word for _, word in TOPICS))
_JOINED = re.compile(CONNECTOR + "$")


def _last_break(text: str) -> int:
    ends = [m.end() for m in _BREAK.finditer(text)]
    return ends[-1] if ends else 0


def _claim_before(before: str, terms, topic: str):
    """(cells, what, ids) of the term ending ``before``, with the terms joined to it by 及/和/、."""
    for term, pattern, _, cells, also in terms:
        if term.topic and term.topic != topic:
            continue
        match = pattern.search(before)
        if match is None:
            continue
        claimed = [(term, cells)]
        rest = before[:match.start()]
        while (joined := _JOINED.search(rest)) and (other := _term_at_end(rest[:joined.start()], terms)):
            claimed.insert(0, other[:2])
            rest = rest[:other[2]]
        keys = tuple(dict.fromkeys(k for _, c in claimed for k in c))
        also = also if len(claimed) == 1 else ()
        return keys, "及".join(t.what for t, _ in claimed), tuple(t.id for t, _ in claimed), also, term.also_when
    return None


def _term_at_end(text: str, terms):
    """(term, cells, start) of a term (not one bound to a topic) that ends ``text``."""
    for term, _, bare, cells, _ in terms:
        if not term.topic and (match := bare.search(text)):
            return term, cells, match.start()
    return None


def _claim_after(after: str, after_terms):
    for term, pattern, cells in after_terms:
        if pattern.match(after):
            return cells, term.what, (term.id,), (), ""
    return None


@cache
def _compiled(format_id: str):
    fmt = get_format(format_id)
    terms = [(t, re.compile(f"(?:{t.regex}){FILLER}$"), re.compile(f"(?:{t.regex})$"), _cells(t.cells, fmt),
              _cells(t.also, fmt)) for t in TERMS]
    after = [(t, re.compile(t.regex), _cells(t.cells, fmt)) for t in AFTER_TERMS]
    return [t for t in terms if t[3]], [t for t in after if t[2]]


def _cells(patterns: tuple[str, ...], fmt: Format) -> tuple[str, ...]:
    """Cell keys of ``fmt`` matching the patterns; empty when any pattern matches none (another format)."""
    keys = []
    for pattern in patterns:
        matched = [k for k in fmt.cells if fnmatch.fnmatchcase(k, pattern)]
        if not matched:
            return ()
        keys += matched
    return tuple(keys)


def _figure_finding(item: Statement, table, fmt: Format) -> Finding:
    cells = item.cells
    location = fmt.cells[cells[0]].label
    where = location if len(cells) == 1 else f"{location} 等{len(cells)}格之和"
    table_text = f"{table:g}" if isinstance(table, float) else str(table)
    return Finding(
        rule_id=RULE_FIGURE,
        severity="warning",
        instance_id=f"{RULE_FIGURE}:{'+'.join(item.ids)}:{cells[0]}:{item.stated}",
        message=RULE_FIGURE.message(quote=_quote(item.sentence), what=item.what, stated=item.stated, where=where,
                                    table=table_text),
        cells=cells,
        location=where,
        expected=table_text,
        actual=str(item.stated),
    )


def _quote(sentence: str) -> str:
    sentence = for_display(sentence)
    return sentence if len(sentence) <= _SHOWN else sentence[:_SHOWN] + "…"
