"""A .pdf report: ruled tables row by row (pdfplumber), text lines elsewhere, in page order."""
from __future__ import annotations

from pathlib import Path

from ..errors import ReadError
from .document import Document, Line, clean_text, is_page_number

MAX_PDF_BYTES = 100 * 1024 * 1024
MAX_PDF_PAGES = 300


def read_pdf(path: Path, *, use_tables: bool = True) -> Document:
    """``use_tables=False`` reads the text layer only, as a copy from a PDF viewer would."""
    import pdfplumber

    if path.stat().st_size > MAX_PDF_BYTES:
        raise ReadError(str(path), "too_large", "PDF 文件过大，不像一份年度报告。")
    try:
        with pdfplumber.open(str(path)) as pdf:
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise ReadError(str(path), "too_large", f"PDF 超过 {MAX_PDF_PAGES} 页，不像一份年度报告。")
            lines: list[Line] = []
            for number, page in enumerate(pdf.pages, 1):
                lines.extend(_page_lines(page, number, use_tables))
    except ReadError:
        raise
    except Exception as err:  # pdfminer raises many kinds for broken or encrypted files
        raise ReadError(str(path), "damaged", f"无法读取 PDF（{type(err).__name__}），文件可能已损坏或加密。") from None
    if not any(line.cells for line in lines):
        raise ReadError(str(path), "no_text", "PDF 中没有文字层（可能是扫描件），无法导入，请先做文字识别。")
    return Document(str(path), "pdf", tuple(lines))


def _page_lines(page, number: int, use_tables: bool) -> list[Line]:
    where = f"第{number}页"
    tables = page.find_tables() if use_tables else []
    placed: list[tuple[float, Line]] = []
    for table in tables:
        for row, cells in zip(table.rows, table.extract()):
            placed.append((row.bbox[1], _row_line(cells, where)))
    boxes = [t.bbox for t in tables]
    outside = page.filter(lambda obj: not any(_inside(obj, box) for box in boxes)) if boxes else page
    for text_line in outside.extract_text_lines(strip=True, return_chars=False):
        text = clean_text(text_line["text"])
        if text.strip() and not is_page_number(text):
            placed.append((text_line["top"], Line((text,), where, False)))
    placed.sort(key=lambda item: item[0])
    return [line for _, line in placed if line.cells]


def _row_line(cells: list[str | None], where: str) -> Line:
    """A table row; a row with one filled cell (a heading, or prose caught in a box) is plain text."""
    present = [clean_text(c) for c in cells if c is not None]
    filled = [c for c in present if c.strip()]
    if len(filled) <= 1:
        return Line(tuple(filled), where, False)
    return Line(tuple(present), where, True)


def _inside(obj, box) -> bool:
    x0, top, x1, bottom = box
    mid_x = (obj["x0"] + obj["x1"]) / 2
    mid_y = (obj["top"] + obj["bottom"]) / 2
    return x0 <= mid_x <= x1 and top <= mid_y <= bottom
