"""Published-report inputs that are cheap to make and were costly to read (issue 17, items 11 and 13):
deeply nested HTML, one long clause repeating 行政复议, a 5,000-digit figure, PDFs of many ruled pages.

Each must end in findings or a Chinese refusal within the importer's time budget, never a traceback.
"""
from __future__ import annotations

import io
from pathlib import Path

from .base import ANY, READ, REFUSE, Case, write

NESTED_DIVS = 20_000  # 220 KB of HTML
REPEATS = 62_500  # “行政复议” repeated: 250 KB in one clause
DIGITS = 5_000
TABLE_LABELS = "一、本年新收政府信息公开申请数量 二、上年结转政府信息公开申请数量 四、结转下年度继续办理 行政复议"


def ruled_pdf(pages: int, grid: int, text: str = TABLE_LABELS) -> bytes:
    """A PDF of ``pages`` pages, each ruled with a grid of (grid + 1)² lines and carrying ``text`` in a
    standard CJK font (STSong-Light, not embedded): PDFium and pdfplumber read its text."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>",
        4: b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
           b"/Ordering (GB1) /Supplement 4 >> /FontDescriptor 5 0 R >>",
        5: b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
           b"/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    }
    step = 500 / grid
    rules = " ".join(f"50 {50 + i * step:.1f} m 550 {50 + i * step:.1f} l S {50 + i * step:.1f} 50 m "
                     f"{50 + i * step:.1f} 550 l S" for i in range(grid + 1))
    body = f"0.5 w {rules} BT /F1 10 Tf 60 700 Td <{text.encode('utf-16-be').hex().upper()}> Tj ET".encode()
    kids = []
    for page in range(pages):
        number = 6 + 2 * page
        objects[number] = b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream"
        objects[number + 1] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font "
                               f"<< /F1 3 0 R >> >> /Contents {number} 0 R >>").encode()
        kids.append(f"{number + 1} 0 R")
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {pages} >>".encode()
    return _pdf(objects)


def _pdf(objects: dict[int, bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n")
    xref, size = out.tell(), max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    out.write(b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, size)))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


def generate(folder: Path, report_text: str) -> list[Case]:
    """``report_text``: a readable report (tab-separated tables) to hide the costly parts in."""
    nested = "<html><body>" + "<div>" * NESTED_DIVS + "二、主动公开政府信息情况" + "</div>" * NESTED_DIVS + "</body></html>"
    clause = "\n" + "行政复议" * REPEATS + "结果维持3件。\n"
    huge = "9" * DIGITS
    first_figure = next(line for line in report_text.split("\n") if line.startswith("一、本年新收"))
    digits = report_text.replace(first_figure, first_figure.replace("\t", f"\t{huge}", 1), 1)
    made = [
        ("嵌套网页.html", nested.encode("utf-8"), "deep_nesting", REFUSE, ("嵌套",)),
        ("复议长句.txt", (report_text + clause).encode("utf-8"), "long_clause", READ, ()),
        ("五千位数字.txt", (digits + f"\n全年收到申请{huge}件。\n").encode("utf-8"), "huge_figure", READ, ()),
        ("三百页.pdf", ruled_pdf(300, 4), "many_pages", REFUSE, ("页",)),
        ("六十页表格.pdf", ruled_pdf(60, 6), "ruled_pages", ANY, ()),
    ]
    return [Case(write(folder, name, data), "report", variant, expect, words)
            for name, data, variant, expect, words in made]
