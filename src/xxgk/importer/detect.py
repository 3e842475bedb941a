"""The report's format: from the labels its tables print, else from its year."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from ..formats import DEFAULT_FORMAT, FORMATS, Format, format_for_year
from .document import label_key


@dataclass
class FormatChoice:
    format: Format
    problems: list[str] = field(default_factory=list)
    source: str = ""  # 表格标签, 报告年度 or 默认


@cache
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
    source = "表格标签" if by_labels else "报告年度"
    if chosen is None:
        chosen, source = DEFAULT_FORMAT, "默认"
        problems.append(f"无法从表格标签或报告年度判断格式，按{DEFAULT_FORMAT}年格式导入。")
    return FormatChoice(FORMATS[chosen], problems, source)
