"""The report's agency and year (from its title) and its format (from table labels and year)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..formats import DEFAULT_FORMAT, FORMATS, Format, format_for_year
from .document import Document, join_cjk, label_key

_TITLE_WORDS = "政府信息公开工作年度报告"
_TITLE = re.compile(r"^(?P<before>.*?)(?P<year>(?:19|20)\d{2})\s*年\s*度?(?P<after>.*?)政府信息公开工作年度报告")
_HEAD_LINES = 40  # the title is among the first lines (web pages put navigation before it)
_AGENCY_MAX = 40
_AGENCY_NOISE = re.compile(r"^(?:关于|有关)|[《》“”\"]")


@dataclass
class Title:
    agency: str | None = None
    year: int | None = None
    line: int | None = None  # index of the title line in Document.lines


def find_title(document: Document) -> Title:
    texts = [join_cjk(" ".join(line.cells)).strip() for line in document.lines[:_HEAD_LINES]]
    for index, text in enumerate(texts):
        match = _TITLE.match(text.replace(" ", ""))
        if not match or len(text) > 80:
            continue
        agency = _agency(match.group("before")) or _agency(match.group("after"))
        if agency is None:
            agency = next((_agency(t) for t in reversed(texts[:index]) if t), None)
        return Title(agency, int(match.group("year")), index)
    return Title()


def _agency(text: str) -> str | None:
    text = text.strip(" ，,:：")
    if len(label_key(text)) < 2 or len(text) > _AGENCY_MAX or "。" in text or _AGENCY_NOISE.search(text):
        return None
    return text


@dataclass
class FormatChoice:
    format: Format
    problems: list[str] = field(default_factory=list)


def distinctive_labels() -> dict[str, set[str]]:
    """Per format, the label keys no other format prints (nor contains as part of a label)."""
    labels = {fid: _labels(fmt) for fid, fmt in FORMATS.items()}
    distinct = {}
    for fid, own in labels.items():
        others = set().union(*(labels[o] for o in labels if o != fid))
        distinct[fid] = {k for k in own if not any(k in other for other in others)}
    return distinct


def _labels(fmt: Format) -> set[str]:
    keys = set()
    for table in fmt.tables:
        for block in table.blocks:
            keys.add(label_key(block.label))
            keys.update(label_key(c.label) for c in block.columns)
            for row in block.rows:
                keys.add(label_key(row.label))
                keys.update(label_key(p) for p in row.path)
    keys.discard("")
    return keys


def choose_format(stream_text: str, year: int | None) -> FormatChoice:
    """Table labels say which form was printed; the year says which form was due."""
    scores = {fid: sum(k in stream_text for k in keys) for fid, keys in distinctive_labels().items()}
    best = max(scores.values())
    leaders = [fid for fid, score in scores.items() if score == best]
    by_labels = leaders[0] if best > 0 and len(leaders) == 1 else None
    due = format_for_year(year) if year else None
    problems = []
    if by_labels and due and by_labels != due.id:
        problems.append(
            f"表格标签属于{by_labels}年格式（{FORMATS[by_labels].document}），"
            f"但{year}年度报告应使用{due.id}年格式（{due.document}）；按表格标签导入。"
        )
    chosen = by_labels or (due.id if due else None)
    if chosen is None:
        chosen = DEFAULT_FORMAT
        problems.append(f"无法从表格标签或报告年度判断格式，按{DEFAULT_FORMAT}年格式导入。")
    return FormatChoice(FORMATS[chosen], problems)
