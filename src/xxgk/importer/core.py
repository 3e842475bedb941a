"""import_report: a published report file to figures, findings and remarks."""
from __future__ import annotations

from pathlib import Path

from ..catalogue import FindingKind
from ..errors import XxgkError
from ..formats import FORMATS, UnknownFormat, get_format
from ..model import Finding
from . import budget
from .budget import check_time, time_budget
from .cover import Cover, find_cover
from .detect import choose_format
from .document import Document, for_display
from .narrative import check_statements, narrative_text, statements
from .result import ImportResult, Source
from .script import simplified
from .sources import read_document
from .tables import place_tables
from .tokens import label_stream, tokenize

COVER_KEYS = ("cover.agency", "cover.year")
RULE_YEAR = FindingKind.NARRATIVE_YEAR


def import_report(path: str | Path, *, format_id: str | None = None, seconds: float | None = None) -> ImportResult:
    """Read a report (.txt, .docx, .html, .pdf) and place every figure it prints.

    Raises ReadError when the file cannot be read at all, or not within ``seconds``;
    anything less (a table or row not found, a row with the wrong count of figures)
    is reported in the result.
    """
    with time_budget(str(path), budget.SECONDS if seconds is None else seconds):
        return import_document(read_document(path), format_id=format_id)


def import_document(document: Document, *, format_id: str | None = None) -> ImportResult:
    document, converted = simplified(document)
    tokens = tokenize(document)
    stream = label_stream(tokens)
    cover = find_cover(document)
    year = cover.year.value if cover.year else None
    if format_id is None:
        choice = choose_format(stream.text, year)
        fmt, problems, format_source = choice.format, choice.problems, choice.source
    else:
        fmt, problems, format_source = _given_format(format_id), [], "指定"
    placement = place_tables(tokens, stream, fmt, document.lines, exact_cells=document.kind in ("docx", "html", "pdf"))
    check_time("核对正文")
    result = ImportResult(
        source=document.source, format_id=fmt.id, agency=cover.agency.value if cover.agency else None, year=year,
        values=dict(placement.values), blanks=list(placement.blanks), problems=problems + placement.problems,
        notes=(["原文为繁体字，已转换为简体后导入。"] if converted else []) + placement.notes,
        derived=list(placement.derived), where=dict(placement.where),
    )
    result.found = _found(cover, format_source)
    result.tables = [t.key for t in fmt.tables if any(k.startswith(t.key + ".") for k in placement.values)]
    _cover(result)
    result.missing = [k for k in (*COVER_KEYS, *fmt.cells) if k not in result.values]
    text = narrative_text(document, _lines_of(tokens, placement.table_tokens))
    result.statements = statements(text, fmt)
    result.year_findings = _year_findings(cover)
    result.narrative = result.year_findings + check_statements(result.statements, fmt, result.values)
    return result


def _given_format(format_id: str):
    try:
        return get_format(format_id)
    except UnknownFormat:
        known = "、".join(FORMATS)
        raise XxgkError(f"未知的格式“{format_id}”，可选：{known}。") from None


def _found(cover: Cover, format_source: str) -> dict[str, Source]:
    found = {"format": Source(format_source)}
    for key, item in (("agency", cover.agency), ("year", cover.year)):
        if item is not None:
            found[key] = Source(item.source, item.where, for_display(item.text))
    return found


def _cover(result: ImportResult) -> None:
    if result.agency:
        result.values["cover.agency"] = result.agency
    else:
        result.problems.append("未能从标题、首段、网页信息表或落款中找到单位名称。")
    if result.year:
        result.values["cover.year"] = result.year
    else:
        result.problems.append("未能从标题、首段或统计期限中找到报告年度。")


def _year_findings(cover: Cover) -> list[Finding]:
    """A year stated elsewhere (统计期限, 首段, 标题) that differs from the report's year: a warning."""
    findings = []
    for stated in cover.disagreeing():
        chosen = cover.year
        quote = for_display(stated.text if len(stated.text) <= 60 else stated.text[:60] + "…")
        findings.append(Finding(
            rule_id=RULE_YEAR, severity="warning", instance_id=f"{RULE_YEAR}:{stated.source}:{stated.value}",
            message=RULE_YEAR.message(source=stated.source, quote=quote, stated=stated.value,
                                      chosen_source=chosen.source, chosen=chosen.value),
            cells=("cover.year",), location="封面 · 报告年度", expected=str(chosen.value), actual=str(stated.value),
        ))
    return list({f.instance_id: f for f in findings}.values())


def _lines_of(tokens, span: tuple[int, int] | None) -> range | None:
    if span is None or not tokens:
        return None
    return range(tokens[span[0]].line, tokens[span[1]].line + 1)
