"""Checking what the text of a report says against its tables (warnings only)."""
from __future__ import annotations

import re

from ..formats import Format
from ..model import Finding
from .document import Document, for_display, join_cjk
from .narrative_patterns import FIGURE_PATTERNS, YEAR_PATTERNS

RULE_FIGURE = "叙述-一致"
RULE_YEAR = "叙述-年度"
_SENTENCE_END = re.compile(r"(?<=[。；;！？!?\n])")
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


def check_narrative(text: str, fmt: Format, values: dict, year: int | None) -> list[Finding]:
    found: dict[str, Finding] = {}
    for sentence in sentences(text):
        for finding in _figures(sentence, fmt, values) + _years(sentence, year):
            found.setdefault(finding.instance_id, finding)
    return list(found.values())


def _figures(sentence: str, fmt: Format, values: dict) -> list[Finding]:
    findings = []
    for pattern in FIGURE_PATTERNS:
        if not all(key in fmt.cells for key in pattern.cells):
            continue
        cells = [values.get(key) for key in pattern.cells]
        if not all(isinstance(v, (int, float)) for v in cells):
            continue  # a cell not imported or printed blank: nothing to compare with
        table = sum(cells)
        for match in re.finditer(pattern.regex, sentence):
            stated = int(match.group("n"))
            if stated != table:
                findings.append(_figure_finding(pattern, sentence, stated, table, fmt))
    return findings


def _figure_finding(pattern, sentence: str, stated: int, table, fmt: Format) -> Finding:
    location = fmt.cells[pattern.cells[0]].label
    where = location if len(pattern.cells) == 1 else f"{location} 等{len(pattern.cells)}格之和"
    table_text = f"{table:g}" if isinstance(table, float) else str(table)
    return Finding(
        rule_id=RULE_FIGURE,
        severity="warning",
        instance_id=f"{RULE_FIGURE}:{pattern.id}:{pattern.cells[0]}:{stated}",
        message=f"正文“{_quote(sentence)}”中{pattern.what}为{stated}件，但表格中{where}为{table_text}。",
        cells=pattern.cells,
        location=where,
        expected=table_text,
        actual=str(stated),
    )


def _years(sentence: str, year: int | None) -> list[Finding]:
    if year is None:
        return []
    findings = []
    for pattern in YEAR_PATTERNS:
        for match in re.finditer(pattern.regex, sentence):
            stated = int(match.group("y"))
            if stated != year:
                findings.append(Finding(
                    rule_id=RULE_YEAR,
                    severity="warning",
                    instance_id=f"{RULE_YEAR}:{pattern.id}:{stated}",
                    message=f"正文“{_quote(sentence)}”中{pattern.what}为{stated}年，与报告年度{year}年不一致。",
                    cells=("cover.year",),
                    location="封面 · 报告年度",
                    expected=str(year),
                    actual=str(stated),
                ))
    return findings


def _quote(sentence: str) -> str:
    sentence = for_display(sentence)
    return sentence if len(sentence) <= _SHOWN else sentence[:_SHOWN] + "…"
