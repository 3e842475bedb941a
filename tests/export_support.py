"""Helpers for the export and audit tests: workbooks from the project's own code, plain text of exports.

The plain-text helpers imitate what a person gets by copying an exported table:
from Word each cell once (a merged cell is one cell), from a browser each row a
line of tab-separated cells.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Sequence

from xxgk.formats import get_format
from xxgk.model import FormData
from xxgk.samples import agency_values, fill_totals
from xxgk.template import build_workbook

import libreoffice as lo
from import_fixtures import report_parts, write_docx, write_html

YEARS = {"2021": 2024, "2019": 2020}
AGENCY = "区人民政府办公室"


def sample_values(format_id: str, seed: int = 7) -> dict:
    return agency_values(get_format(format_id), AGENCY, YEARS[format_id], seed)


def faulty_values(format_id: str, seed: int = 7) -> dict:
    """Sample figures with two published mistakes: 结转下年度 off by 3, 复议 总计 off by 1 (kept literal)."""
    fmt = get_format(format_id)
    values = sample_values(format_id, seed)
    values["t3.carry_next.natural"] += 3
    values = fill_totals(fmt, values)
    values["t4.review.total"] += 1
    return values


def write_report(path: Path, format_id: str = "2021", values: dict | None = None, narrative=()) -> Path:
    """A published report (.docx or .html) laid out as agencies publish it, from tests/import_fixtures.py."""
    values = values if values is not None else sample_values(format_id)
    parts = report_parts(get_format(format_id), values, AGENCY, YEARS[format_id], list(narrative))
    return (write_docx if path.suffix == ".docx" else write_html)(path, parts)


def make_workbook(path: Path, format_id: str, values: dict, literal_totals: bool = False) -> Path:
    build_workbook(path, get_format(format_id), values=values, literal_totals=literal_totals)
    return path


def form_of(format_id: str, values: dict, source: str = "内存") -> FormData:
    fmt = get_format(format_id)
    full = {key: values.get(key) for key in (*fmt.cover_fields, *fmt.cells)}
    return FormData(source, format_id, full)


def table_values_of(values: dict, format_id: str) -> dict:
    cells = get_format(format_id).cells
    return {key: values.get(key) for key in cells}


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def docx_text(path: Path, word_like: bool = True) -> str:
    """Paragraphs and table rows (cells joined with tabs), in document order.

    ``word_like``: every cell once, a vertically merged continuation as an empty
    cell, as Word copies a table. Otherwise python-docx's ``row.cells`` with a
    horizontally merged cell collapsed to one, and vertical merges repeated on
    every row they cover.
    """
    import docx
    from docx.table import Table, _Cell

    document = docx.Document(str(path))
    lines = []
    for item in document.iter_inner_content():
        if not isinstance(item, Table):
            lines.append(item.text)
            continue
        for row in item.rows:
            if word_like:
                texts = ["" if tc.vMerge == "continue" else _Cell(tc, item).text for tc in row._tr.tc_lst]
            else:
                cells = row.cells
                texts = [c.text for i, c in enumerate(cells) if i == 0 or c._tc is not cells[i - 1]._tc]
            lines.append("\t".join(texts))
    return "\n".join(lines)


def html_text(path: Path) -> str:
    """BeautifulSoup text: each table row a line of tab-separated cells, other blocks on lines of their own."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")
    for tr in soup.find_all("tr"):
        tr.replace_with("\t".join(cell.get_text(" ", strip=True) for cell in tr.find_all(["td", "th"])) + "\n")
    return soup.get_text("\n")


def html_to_xlsx(files: Sequence[Path], outdir: Path, profile: Path) -> list[Path]:
    """Web pages opened by LibreOffice Calc's HTML import and saved as .xlsx: one soffice call.

    Calc lays each <table> out on its grid honouring rowspan/colspan (merged cells),
    so it checks the export's geometry with an HTML reader that is not ours.
    """
    return lo.convert(files, "xlsx:Calc MS Excel 2007 XML", outdir, profile, infilter="calc_HTML_WebQuery")
