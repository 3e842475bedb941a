"""The exported tables have the printed form's shape: merged headers, labels of the format, A4 pages.

Geometry is read back from the files themselves (Word's gridSpan/vMerge, HTML's
rowspan/colspan by the table slot algorithm, and LibreOffice Calc's own HTML
import) and compared with the printed grid.
"""
from __future__ import annotations

import pytest

from xxgk.errors import ReadError, WriteError
from xxgk.export import export_docx, export_html, export_workbook, printed_tables, render_html
from xxgk.formats import FORMATS, get_format

from export_support import digest, form_of, html_to_xlsx, make_workbook, sample_values

FORMAT_IDS = sorted(FORMATS)
A4_SHORT_EMU, A4_LONG_EMU = 7560000, 10692000  # 21.0 cm and 29.7 cm
TOLERANCE_EMU = 36000  # 1 mm


@pytest.fixture(scope="module")
def files(artifacts_dir):
    """Exports of sample figures, kept in tests/artifacts/ for a person to open in Word or a browser."""
    folder = artifacts_dir
    out = {}
    for format_id in FORMAT_IDS:
        form = form_of(format_id, sample_values(format_id), f"{format_id}.xlsx")
        docx, html = folder / f"tables_{format_id}.docx", folder / f"tables_{format_id}.html"
        export_docx(form, docx)
        export_html(form, html)
        out[format_id] = (form, docx, html)
    return out


def expected_grid(form) -> list[set]:
    """Per table: (row, col, rowspan, colspan, text) of every printed cell."""
    return [{(c.row, c.col, c.rowspan, c.colspan, c.text) for row in t.rows for c in row}
            for t in printed_tables(form)]


def docx_grid(table) -> set:
    """The same tuples read from a Word table's XML: gridSpan across, vMerge down."""
    from docx.table import _Cell

    cells, open_cells = {}, {}  # (row, col) -> [rowspan, colspan, text]; col -> origin of a vertical merge
    for r, tr in enumerate(table._tbl.tr_lst):
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            if tc.vMerge == "continue":
                cells[open_cells[col]][0] += 1
            else:
                cells[r, col] = [1, span, _Cell(tc, table).text]
                open_cells[col] = (r, col)
            col += span
    return {(r, c, rs, cs, text) for (r, c), (rs, cs, text) in cells.items()}


def html_grid(table) -> set:
    """The HTML table slot algorithm: each cell takes the first free slot of its row."""
    taken, cells = set(), set()
    for r, tr in enumerate(table.find_all("tr")):
        col = 0
        for cell in tr.find_all(["td", "th"]):
            while (r, col) in taken:
                col += 1
            rs, cs = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            taken.update((r + i, col + j) for i in range(rs) for j in range(cs))
            cells.add((r, col, rs, cs, cell.get_text()))
            col += cs
    return cells


def format_labels(fmt) -> set[str]:
    """Every label the national form prints, straight from the format description."""
    labels = set()
    for table in fmt.tables:
        labels.update({table.title, table.note} - {""})
        for block in table.blocks:
            labels.update({block.label, block.corner, block.header} - {""})
            for row in block.rows:
                labels.update((row.label, *row.path))
            for column in block.columns:
                labels.update((column.label, *column.path))
    return labels


@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_docx_tables_have_the_printed_geometry(files, format_id):
    import docx

    form, path, _ = files[format_id]
    document = docx.Document(str(path))
    assert len(document.tables) == 3
    for table, expected in zip(document.tables, expected_grid(form)):
        assert table.style.name == "Table Grid"  # ruled: borders on every cell
        assert docx_grid(table) == expected


@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_html_tables_have_the_printed_geometry(files, format_id):
    from bs4 import BeautifulSoup

    form, _, path = files[format_id]
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    tables = soup.find_all("table")
    assert [html_grid(t) for t in tables] == expected_grid(form)


def test_table2_blocks_with_fewer_columns_fill_the_row(files):
    """第二十条第（五）项 has one column: its header and figure span the three columns, as printed."""
    form, _, _ = files["2021"]
    table2 = printed_tables(form)[0]
    license_row = next(row for row in table2.rows if row[0].text == "行政许可")
    assert [(c.col, c.colspan) for c in license_row] == [(0, 1), (1, 3)]
    assert license_row[1].text == str(form.values["t2.license.decisions"])


@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_every_label_of_the_format_is_printed(files, format_id):
    import docx

    form, docx_path, html_path = files[format_id]
    document = docx.Document(str(docx_path))
    docx_texts = {p.text for p in document.paragraphs}
    docx_texts |= {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    html_texts = {element.get_text() for element in soup.find_all(["th", "td", "p", "h1", "h2"])}
    labels = format_labels(get_format(format_id))
    assert labels - docx_texts == set()
    assert labels - html_texts == set()


def test_note_is_printed_above_table3(files):
    import docx

    _, path, _ = files["2021"]
    body = docx.Document(str(path)).iter_inner_content()
    texts = [item.text if hasattr(item, "text") else "<table>" for item in body]
    note = get_format("2021").table("t3").note
    at = texts.index(note)
    assert texts[at - 1] == get_format("2021").table("t3").title and texts[at + 1] == "<table>"


def test_docx_pages_are_a4_with_table4_in_landscape(files):
    import docx
    from docx.enum.section import WD_ORIENT

    _, path, _ = files["2021"]
    document = docx.Document(str(path))
    portrait, landscape = document.sections
    assert abs(portrait.page_width - A4_SHORT_EMU) < TOLERANCE_EMU
    assert abs(portrait.page_height - A4_LONG_EMU) < TOLERANCE_EMU
    assert landscape.orientation == WD_ORIENT.LANDSCAPE
    assert abs(landscape.page_width - A4_LONG_EMU) < TOLERANCE_EMU
    body = list(document.element.body.iterchildren())
    section_break = next(i for i, el in enumerate(body) if el.find(".//" + _w("sectPr")) is not None)
    table_positions = [i for i, el in enumerate(body) if el.tag == _w("tbl")]
    assert table_positions[0] < table_positions[1] < section_break < table_positions[2]


def test_docx_header_rows_repeat_and_group_label_is_vertical(files):
    import docx

    _, path, _ = files["2021"]
    table2, table3, table4 = docx.Document(str(path)).tables
    repeated = [[tr.trPr is not None and tr.trPr.find(_w("tblHeader")) is not None for tr in t._tbl.tr_lst]
                for t in (table2, table3, table4)]
    assert not any(repeated[0])  # table 二 starts with a block label: nothing to repeat
    assert repeated[1][:4] == [True, True, True, False]
    assert repeated[2] == [True, True, True, False]
    directions = [el.get(_w("val")) for el in table3._tbl.iter(_w("textDirection"))]
    assert directions == ["tbRlV"]


def test_text_is_escaped_and_never_markup(tmp_path):
    from bs4 import BeautifulSoup

    values = sample_values("2021")
    values["cover.agency"] = '<script>alert("x")</script>&局'
    values["t3.new.natural"] = "=1+2<b>件</b>"
    form = form_of("2021", values)
    page = render_html(form)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("script") is None and soup.find("b") is None
    assert values["cover.agency"] in soup.h1.get_text()
    assert any(td.get_text() == values["t3.new.natural"] for td in soup.find_all("td"))
    export_docx(form, tmp_path / "escaped.docx")
    import docx
    texts = {c.text for t in docx.Document(str(tmp_path / "escaped.docx")).tables for r in t.rows for c in r.cells}
    assert values["t3.new.natural"] in texts


def test_html_is_self_contained(files):
    from bs4 import BeautifulSoup

    _, _, path = files["2019"]
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    assert soup.find("meta", charset="utf-8") is not None and soup.find("style") is not None
    assert soup.find_all(["script", "link", "img", "iframe"]) == []
    assert not [el for el in soup.find_all(True) if el.get("src") or el.get("href")]


def test_failures_leave_no_file_behind(tmp_path):
    workbook = make_workbook(tmp_path / "ok.xlsx", "2021", sample_values("2021"))
    before = digest(workbook)
    with pytest.raises(WriteError) as err:
        export_workbook(workbook, html=tmp_path / "no-such-folder" / "t.html")
    assert "不存在" in str(err.value) and "t.html" in str(err.value)
    (tmp_path / "keep.html").write_text("old", encoding="utf-8")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ReadError) as err:
        export_workbook(broken, html=tmp_path / "keep.html")
    assert "broken.xlsx" in str(err.value)
    assert (tmp_path / "keep.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.xlsx", "keep.html", "ok.xlsx"]
    assert digest(workbook) == before


@pytest.mark.libreoffice
def test_libreoffice_lays_out_the_html_tables_as_printed(files, libreoffice, tmp_path):
    """Calc's HTML import (not our parser) puts every figure and label in the expected grid slot."""
    import openpyxl

    pages = [files[f][2] for f in FORMAT_IDS]
    outputs = html_to_xlsx(pages, tmp_path / "calc", libreoffice.profile)
    for format_id, output in zip(FORMAT_IDS, outputs):
        form = files[format_id][0]
        sheet = openpyxl.load_workbook(output).active
        merged = {(m.min_row, m.min_col, m.max_row - m.min_row + 1, m.max_col - m.min_col + 1)
                  for m in sheet.merged_cells.ranges}
        start = 1
        for table in printed_tables(form):
            top = _first_row_of(sheet, table, start)
            for row in table.rows:
                for cell in row:
                    shown = sheet.cell(top + cell.row, 1 + cell.col).value
                    assert _same(shown, cell.text), (table.number, cell)
                    if cell.rowspan > 1 or cell.colspan > 1:
                        assert (top + cell.row, 1 + cell.col, cell.rowspan, cell.colspan) in merged
            start = top + len(table.rows)


def _first_row_of(sheet, table, start: int) -> int:
    anchor = next(c for c in table.rows[0] if c.text)
    for row in range(start, sheet.max_row + 1):
        if sheet.cell(row, 1 + anchor.col).value == anchor.text:
            return row - anchor.row
    raise AssertionError(f"table {table.number} not found")


def _same(shown, text: str) -> bool:
    if shown is None:
        return text == ""
    if isinstance(shown, (int, float)):
        return float(text) == shown  # Calc reads figures as numbers
    return str(shown) == text


def _w(tag: str) -> str:
    from docx.oxml.ns import qn
    return qn(f"w:{tag}")
