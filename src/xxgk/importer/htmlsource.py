"""An .html report: data tables row by row on their grid, the rest as text lines.

lxml (libxml2) parses in linear time and stops at 256 levels of nesting, which we
refuse in Chinese; the tree is then walked without recursion. A table holding
another table is page layout: its cells are read as text blocks. A data table's
rows keep every column of the grid (see grid.py), so a blank cell keeps its place.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..catalogue import ReadErrorKind, ReadMessage
from .budget import check_time
from .document import Document, Line, clean_text, is_page_number
from .grid import Cell, grid_rows

_BLOCKS = frozenset(("p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
                     "section", "article", "header", "footer", "main", "blockquote", "pre", "center",
                     "table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "form", "hr", "body"))
_SKIP = frozenset(("script", "style", "noscript", "head", "template", "svg", "math", "iframe", "object", "select"))
_SPACES = re.compile(r"\s+")
_MAX_SPAN = 100  # a colspan/rowspan beyond any real report table: capped, not trusted
_STEP = 2000  # nodes walked between two looks at the time budget


def read_html(path: Path, html: str) -> Document:
    root = _parse(path, html)
    if root is None:
        return Document(str(path), "html", ())
    return Document(str(path), "html", tuple(_Walker(_layout_tables(root)).walk(root)))


def _parse(path: Path, html: str):
    from lxml import etree

    parser = etree.HTMLParser(recover=True, no_network=True, remove_comments=True, remove_pis=True,
                              huge_tree=False)
    try:
        root = etree.fromstring(html, parser) if html.strip() else None
    except (etree.LxmlError, ValueError):
        raise ReadMessage.HTML_DAMAGED.error(path) from None
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        raise ReadErrorKind.TOO_DEEP.error(path)
    return root


def _layout_tables(root) -> set:
    """Tables that hold other tables: page layout, not data."""
    layout = set()
    for table in root.iter("table"):
        layout.update(table.iterancestors("table"))
    return layout


class _Walker:
    def __init__(self, layout: set):
        self.layout = layout
        self.lines: list[Line] = []
        self.words: list[str] = []
        self.line_no = 0
        self.tables = 0

    def walk(self, root) -> list[Line]:
        stack = [(root, False)]
        seen = 0
        while stack:
            node, closing = stack.pop()
            seen += 1
            if seen % _STEP == 0:
                check_time("读取网页")
            if closing:
                self._close(node)
                continue
            tag = node.tag if isinstance(node.tag, str) else None
            if tag is None or tag in _SKIP:
                self._text(node.tail, node)
            elif tag == "table" and node not in self.layout:
                self._flush()
                self._table(node)
                self._text(node.tail, node)
            elif tag == "br":
                self._flush()
                self._text(node.tail, node)
            else:
                if tag in _BLOCKS:
                    self._flush()
                self._text(node.text, node)
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(node))
        self._flush()
        return self.lines

    def _close(self, node) -> None:
        if node.tag in _BLOCKS:
            self._flush()
        self._text(node.tail, node)

    def _text(self, text: str | None, node) -> None:
        if text and text.strip():
            if not self.words:
                self.line_no = node.sourceline or 0
            self.words.append(text)

    def _flush(self) -> None:
        text = clean_text(_SPACES.sub(" ", "".join(self.words))).strip()
        self.words = []
        if text and not is_page_number(text):
            self.lines.append(Line((text,), f"第{self.line_no}行文字", False))

    def _table(self, table) -> None:
        self.tables += 1
        rows = [[_cell(td) for td in tr if isinstance(td.tag, str) and td.tag in ("td", "th")]
                for tr in table.iter("tr")]
        for index, cells in enumerate(grid_rows(rows), 1):
            if len(cells) > 1 or any(c.strip() for c in cells):  # a row of blanks is a row of the table
                self.lines.append(Line(cells, f"第{self.tables}个表格第{index}行", True, exact=True))


def _cell(td) -> Cell:
    return Cell(clean_text(cell_text(td)), _span(td.get("colspan")), _span(td.get("rowspan")))


def cell_text(td) -> str:
    """Inline pieces joined as the page shows them (“<span>2</span><span>6</span>” is 26); a line
    per block (paragraph, line break) inside the cell."""
    from lxml import etree

    parts = []
    for event, element in etree.iterwalk(td, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else None
        if event == "start":
            if tag in _BLOCKS or tag == "br":
                parts.append("\n")
            if element.text and tag not in _SKIP and tag is not None:
                parts.append(element.text)
        else:
            if tag in _BLOCKS:
                parts.append("\n")
            if element is not td and element.tail:
                parts.append(element.tail)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _span(value: str | None) -> int:
    digits = re.match(r"\s*(\d{1,4})", value or "")
    return min(max(int(digits.group(1)), 1), _MAX_SPAN) if digits else 1
