"""An .html report: <table> rows cell by cell, the rest as text lines."""
from __future__ import annotations

from pathlib import Path

from .document import Document, Line, clean_text, is_page_number

_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "tr", "table", "title")
_TABLE_MARK = "\x00table{}\x00"


def read_html(path: Path, html: str) -> Document:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for element in soup(["script", "style", "noscript", "head"]):
        element.decompose()
    tables = [t for t in soup.find_all("table") if t.find_parent("table") is None]
    rows = [_table_rows(t) for t in tables]
    for index, table in enumerate(tables):
        table.replace_with(f"\n{_TABLE_MARK.format(index)}\n")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for element in soup.find_all(_BLOCKS):
        element.insert_before("\n")
        element.insert_after("\n")
    lines: list[Line] = []
    for number, raw in enumerate(soup.get_text("").splitlines(), 1):
        text = clean_text(raw).strip()
        marks = [i for i in range(len(tables)) if text == _TABLE_MARK.format(i)]
        if marks:
            lines.extend(_lines_of(rows[marks[0]], marks[0] + 1))
        elif text and not is_page_number(text):
            lines.append(Line((text,), f"第{number}行文字", False))
    return Document(str(path), "html", tuple(lines))


def _table_rows(table) -> list[tuple[str, ...]]:
    """Each physical cell once, as the page shows it (spans are not repeated)."""
    rows = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        cells = tr.find_all(["td", "th"], recursive=False)
        rows.append(tuple(clean_text(c.get_text("\n", strip=True)) for c in cells))
    return rows


def _lines_of(rows: list[tuple[str, ...]], number: int) -> list[Line]:
    return [
        Line(cells, f"第{number}个表格第{index}行", True)
        for index, cells in enumerate(rows, 1)
        if any(c.strip() for c in cells)
    ]
