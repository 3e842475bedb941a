"""A .pdf report: ruled tables row by row (pdfplumber), text lines elsewhere, in page order.

PDFium (pypdfium2, C) reads every page's text layer first, a few milliseconds a page,
and counts the line segments drawn on it. Only pages whose text holds table labels,
at most MAX_TABLE_PAGES of them and none ruled beyond MAX_RULING_SEGMENTS, go to
pdfplumber's table finder, whose cost grows with the ruling lines (seconds a page).
The other pages are read as their text layer.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from ..catalogue import ReadErrorKind, ReadMessage
from ..errors import ReadError
from ..formats import FORMATS
from .budget import check_time
from .document import Document, Line, clean_text, is_page_number, label_key

MAX_PDF_BYTES = 100 * 1024 * 1024
MAX_PDF_PAGES = 100
MAX_TABLE_PAGES = 6  # a report's three tables fill two to four pages
MAX_PAGE_OBJECTS = 20_000  # drawing objects looked at on a page
MAX_RULING_SEGMENTS = 3_000  # path segments of a page sent to the table finder (a real table page: a few hundred)
_LABELS_ON_A_TABLE_PAGE = 3


def read_pdf(path: Path, *, use_tables: bool = True) -> Document:
    """``use_tables=False`` reads the text layer only, as a copy from a PDF viewer would."""
    if path.stat().st_size > MAX_PDF_BYTES:
        raise ReadMessage.PDF_TOO_LARGE.error(path, megabytes=100)
    pages = _text_layer(path)
    if not any(text.strip() for text, _ in pages):
        raise ReadErrorKind.NO_TEXT.error(path)
    ruled = _table_pages(pages) if use_tables else []
    tables = _ruled_pages(path, ruled) if ruled else {}
    lines: list[Line] = []
    for number, (text, _) in enumerate(pages, 1):
        lines.extend(tables[number] if number in tables else _text_lines(text, number))
    return Document(str(path), "pdf", tuple(lines))


def _text_layer(path: Path) -> list[tuple[str, int]]:
    """(text, ruling segments) of every page, by PDFium."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        reason = "已加密" if "password" in str(err).lower() else "已损坏或不是 PDF"
        raise ReadMessage.PDF_DAMAGED.error(path, reason=reason) from None
    try:
        if len(pdf) > MAX_PDF_PAGES:
            raise ReadMessage.PDF_PAGES.error(path, pages=len(pdf), limit=MAX_PDF_PAGES)
        pages = []
        for index in range(len(pdf)):
            check_time(f"PDF 第{index + 1}页")
            page = pdf[index]
            textpage = page.get_textpage()
            pages.append((textpage.get_text_range(), _ruling_segments(page.raw, pdfium_c)))
            textpage.close()
            page.close()
        return pages
    except pdfium.PdfiumError:
        raise ReadMessage.PDF_CONTENT.error(path) from None
    finally:
        pdf.close()


def _ruling_segments(page, pdfium_c) -> int:
    """Path segments drawn on the page (inside form objects too); MAX_RULING_SEGMENTS + 1 past the
    object limit, so a page stuffed with objects is never sent to the table finder."""
    stack = [(page, pdfium_c.FPDFPage_CountObjects(page), pdfium_c.FPDFPage_GetObject)]
    segments = seen = 0
    while stack:
        owner, count, get = stack.pop()
        for index in range(count):
            seen += 1
            if seen > MAX_PAGE_OBJECTS:
                return MAX_RULING_SEGMENTS + 1
            obj = get(owner, index)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                segments += max(pdfium_c.FPDFPath_CountSegments(obj), 0)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                stack.append((obj, pdfium_c.FPDFFormObj_CountObjects(obj), pdfium_c.FPDFFormObj_GetObject))
    return segments


@cache
def _table_label_keys() -> frozenset[str]:
    keys = set()
    for fmt in FORMATS.values():
        for table in fmt.tables:
            for block in table.blocks:
                keys.update(label_key(r.label) for r in block.rows)
                keys.update(label_key(c.label) for c in block.columns)
    return frozenset(k for k in keys if len(k) >= 4)


def _table_pages(pages: list[tuple[str, int]]) -> list[int]:
    """Page numbers (from 1) whose text holds table labels and whose ruling is not excessive."""
    wanted = []
    for number, (text, segments) in enumerate(pages, 1):
        key = label_key(clean_text(text))
        if segments <= MAX_RULING_SEGMENTS and sum(k in key for k in _table_label_keys()) >= _LABELS_ON_A_TABLE_PAGE:
            wanted.append(number)
    return wanted[:MAX_TABLE_PAGES]


def _text_lines(text: str, number: int) -> list[Line]:
    where = f"第{number}页"
    lines = []
    for raw in text.splitlines():
        line = clean_text(raw).strip()
        if line and not is_page_number(line):
            lines.append(Line((line,), where, False))
    return lines


def _ruled_pages(path: Path, numbers: list[int]) -> dict[int, list[Line]]:
    import pdfplumber

    found = {}
    try:
        with pdfplumber.open(str(path)) as pdf:
            for number in numbers:
                check_time(f"PDF 第{number}页的表格")
                found[number] = _page_lines(pdf.pages[number - 1], number)
    except ReadError:
        raise
    except Exception as err:  # pdfminer raises many kinds for broken files
        raise ReadMessage.PDF_TABLES.error(path, error=type(err).__name__) from None
    return found


def _page_lines(page, number: int) -> list[Line]:
    where = f"第{number}页"
    tables = page.find_tables()
    placed: list[tuple[float, Line]] = []
    for table in tables:
        for row, cells in zip(table.rows, _grid_cells(table)):
            placed.append((row.bbox[1], _row_line(cells, where)))
    boxes = [t.bbox for t in tables]
    outside = page.filter(lambda obj: not any(_inside(obj, box) for box in boxes)) if boxes else page
    for text_line in outside.extract_text_lines(strip=True, return_chars=False):
        text = clean_text(text_line["text"])
        if text.strip() and not is_page_number(text):
            placed.append((text_line["top"], Line((text,), where, False)))
    placed.sort(key=lambda item: item[0])
    return [line for _, line in placed if line.cells]


def _grid_cells(table) -> list[list[str | None]]:
    """extract() with the slots a merged blank cell covers given as "" (see grid.py), others None."""
    texts = table.extract()
    origin = {}
    for row, row_texts in zip(table.rows, texts):
        for bbox, text in zip(row.cells, row_texts):
            if bbox is not None:
                origin[bbox] = text or ""
    columns = [column.bbox for column in table.columns]
    grid = []
    for row, row_texts in zip(table.rows, texts):
        cells = list(row_texts)
        for j, (bbox, text) in enumerate(zip(row.cells, row_texts)):
            if bbox is None and j < len(columns):
                x = (columns[j][0] + columns[j][2]) / 2
                y = (row.bbox[1] + row.bbox[3]) / 2
                cover = next((b for b in origin if b[0] <= x <= b[2] and b[1] <= y <= b[3]), None)
                if cover is not None and not origin[cover].strip():
                    cells[j] = ""
        grid.append(cells)
    return grid


def _row_line(cells: list[str | None], where: str) -> Line:
    """A table row; a row with one filled cell (a heading, or prose caught in a box) is plain text."""
    present = [clean_text(c) for c in cells if c is not None]
    filled = [c for c in present if c.strip()]
    if len(filled) <= 1:
        return Line(tuple(filled), where, False)
    return Line(tuple(present), where, True, exact=True)


def _inside(obj, box) -> bool:
    x0, top, x1, bottom = box
    mid_x = (obj["x0"] + obj["x1"]) / 2
    mid_y = (obj["top"] + obj["bottom"]) / 2
    return x0 <= mid_x <= x1 and top <= mid_y <= bottom
