"""A .docx report: paragraphs as text lines, each table row as a line of its grid cells.

word/document.xml is parsed once, by defusedxml (no DTD, no entities), and walked
without recursion: body paragraphs, tables (their merged cells on the grid, see
grid.py) and content controls around them. A table holding another table is
layout: its paragraphs are read as text.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..catalogue import ReadErrorKind, ReadMessage
from .budget import check_time
from .document import Document, Line, clean_text, is_page_number
from .grid import Cell, grid_rows

_MAIN_PART = "word/document.xml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BREAKS = {W + "br": "\n", W + "cr": "\n", W + "tab": "\t"}
_STEP = 500
MAX_MAIN_PART = 50 * 1024 * 1024  # word/document.xml of a real report is a few MB; pictures are other parts


def read_docx(path: Path) -> Document:
    root = _parse(path)
    body = root.find(f"{W}body")
    walker = _Walker(_layout_tables(body) if body is not None else set())
    if body is not None:
        walker.walk(body)
    return Document(str(path), "docx", tuple(walker.lines))


def _layout_tables(body) -> set:
    """Tables holding another table, found in one pass: each table marks the nearest one around it."""
    layout = set()
    stack = [(body, None)]
    while stack:
        node, around = stack.pop()
        if node.tag == W + "tbl":
            if around is not None:
                layout.add(around)
            around = node
        stack.extend((child, around) for child in node)
    return layout


class _Walker:
    def __init__(self, layout: set):
        self.layout = layout
        self.lines: list[Line] = []
        self.paragraphs = 0
        self.tables = 0

    def walk(self, body) -> None:
        stack = list(reversed(body))
        seen = 0
        while stack:
            node = stack.pop()
            seen += 1
            if seen % _STEP == 0:
                check_time("读取 Word 文档")
            if node.tag == W + "p":
                self._paragraph(node)
            elif node.tag == W + "tbl" and node not in self.layout:
                self._table(node)
            elif node.tag in (W + "tbl", W + "tr", W + "tc", W + "sdt", W + "sdtContent", W + "customXml"):
                stack.extend(reversed(node))  # layout table or a wrapper: its paragraphs in order

    def _paragraph(self, p) -> None:
        self.paragraphs += 1
        text = clean_text(paragraph_text(p))
        if text.strip() and not is_page_number(text):
            self.lines.append(Line((text,), f"第{self.paragraphs}段", False))

    def _table(self, tbl) -> None:
        self.tables += 1
        rows = [[_cell(tc) for tc in tr.iter(f"{W}tc")] for tr in tbl.iter(f"{W}tr")]
        for index, cells in enumerate(grid_rows(rows), 1):
            if len(cells) > 1 or any(c.strip() for c in cells):  # a row of blanks is a row of the table
                self.lines.append(Line(cells, f"第{self.tables}个表格第{index}行", True, exact=True))


def paragraph_text(p) -> str:
    parts = []
    for node in p.iter():
        if node.tag == W + "t" and node.text:
            parts.append(node.text)
        elif node.tag in _BREAKS:
            parts.append(_BREAKS[node.tag])
    return "".join(parts)


def _cell(tc) -> Cell:
    text = "\n".join(paragraph_text(p) for p in tc.iter(f"{W}p"))
    props = tc.find(f"{W}tcPr")
    span, continued = 1, False
    if props is not None:
        grid_span = props.find(f"{W}gridSpan")
        if grid_span is not None and (grid_span.get(f"{W}val") or "").isdigit():
            span = min(max(int(grid_span.get(f"{W}val")), 1), 100)
        merge = props.find(f"{W}vMerge")
        continued = merge is not None and merge.get(f"{W}val", "continue") == "continue"
    return Cell(clean_text(text), span, merged_above=continued)


def _parse(path: Path):
    """The main part, parsed by defusedxml: no DTD, no entities, well formed."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        with zipfile.ZipFile(path) as archive:
            if archive.getinfo(_MAIN_PART).file_size > MAX_MAIN_PART:
                raise ReadMessage.DOCX_BODY_TOO_LARGE.error(path, megabytes=50)
            data = archive.read(_MAIN_PART)
    except KeyError:
        raise ReadMessage.NOT_WORD.error(path) from None
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        raise ReadMessage.DOCX_UNZIP.error(path) from None
    except zipfile.LargeZipFile:
        raise ReadMessage.UNPACKED_TOO_LARGE.error(path) from None
    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise ReadErrorKind.UNSAFE.error(path) from None
    except ParseError:
        raise ReadMessage.DOCX_XML.error(path) from None
