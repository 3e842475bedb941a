"""import_report: a published report file to figures, findings and remarks."""
from __future__ import annotations

from pathlib import Path

from ..errors import XxgkError
from ..formats import FORMATS, UnknownFormat, get_format
from .detect import choose_format, find_title
from .document import Document
from .narrative import check_narrative, narrative_text
from .result import ImportResult
from .sources import read_document
from .tables import place_tables
from .tokens import label_stream, tokenize

COVER_KEYS = ("cover.agency", "cover.year")


def import_report(path: str | Path, *, format_id: str | None = None) -> ImportResult:
    """Read a report (.txt, .docx, .html, .pdf) and place every figure it prints.

    Raises ReadError when the file cannot be read at all; anything less (a table or
    row not found, a row with the wrong count of figures) is reported in the result.
    """
    return import_document(read_document(path), format_id=format_id)


def import_document(document: Document, *, format_id: str | None = None) -> ImportResult:
    tokens = tokenize(document)
    stream = label_stream(tokens)
    title = find_title(document)
    problems: list[str] = []
    if format_id is None:
        choice = choose_format(stream.text, title.year)
        fmt, problems = choice.format, choice.problems
    else:
        fmt = _given_format(format_id)
    placement = place_tables(tokens, stream, fmt, document.lines, exact_cells=document.kind in ("docx", "html"))
    values = dict(placement.values)
    table_lines = _lines_of(tokens, placement.table_tokens)
    text = narrative_text(document, table_lines)
    result = ImportResult(
        source=document.source,
        format_id=fmt.id,
        agency=title.agency,
        year=title.year,
        values=values,
        blanks=list(placement.blanks),
        problems=problems + placement.problems,
        where=dict(placement.where),
    )
    _cover(result)
    result.missing = [k for k in (*COVER_KEYS, *fmt.cells) if k not in values]
    result.narrative = check_narrative(text, fmt, values, title.year)
    return result


def _given_format(format_id: str):
    try:
        return get_format(format_id)
    except UnknownFormat:
        known = "、".join(FORMATS)
        raise XxgkError(f"未知的格式“{format_id}”，可选：{known}。") from None


def _cover(result: ImportResult) -> None:
    if result.agency:
        result.values["cover.agency"] = result.agency
    else:
        result.problems.append("未能从标题中找到单位名称。")
    if result.year:
        result.values["cover.year"] = result.year
    else:
        result.problems.append("未能从标题中找到报告年度。")


def _lines_of(tokens, span: tuple[int, int] | None) -> range | None:
    if span is None or not tokens:
        return None
    return range(tokens[span[0]].line, tokens[span[1]].line + 1)
