"""The three tables as a Word document (python-docx): A4, ruled tables, merged headers.

Table 四 (15 columns side by side) gets a landscape section of its own; the
others are portrait. Header rows of tables 三 and 四 repeat on every page.
"""
from __future__ import annotations


from pathlib import Path

from ..model import FormData
from ..xmltext import xml_safe
from .grid import GridCell, PrintedTable, document_title, printed_tables

A4_SHORT_CM, A4_LONG_CM = 21.0, 29.7
MARGIN_CM = 2.0
FONT_EAST_ASIA = "宋体"
FONT_LATIN = "Times New Roman"
TABLE_PT, TEXT_PT, TITLE_PT, HEADING_PT = 9, 10.5, 16, 12
TABLE_STYLE = "Table Grid"  # single black borders on every cell, in python-docx's default template
_REPEAT_ROLES = {"corner", "header"}  # leading rows made only of these repeat on each page


def write_docx(form: FormData, target: Path) -> None:
    """Save the tables of ``form`` as .docx at ``target`` (a path the caller made atomic)."""
    import docx

    document = docx.Document()
    _base_font(document)
    section = document.sections[0]
    _page(section, landscape=False)
    _paragraph(document, document_title(form), TITLE_PT, bold=True, center=True)
    for table in printed_tables(form):
        if table.landscape:
            section = _new_section(document, landscape=True)
        _paragraph(document, table.title, HEADING_PT, bold=True)
        if table.note:
            _paragraph(document, table.note, TEXT_PT)
        _table(document, table, _usable_width(section))
    document.save(str(target))


def _base_font(document) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = document.styles["Normal"]
    normal.font.name = FONT_LATIN
    normal.font.size = Pt(TEXT_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT_EAST_ASIA)  # Chinese text in 宋体, as reports are printed


def _page(section, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    short, long_ = Cm(A4_SHORT_CM), Cm(A4_LONG_CM)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_, short) if landscape else (short, long_)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))


def _new_section(document, landscape: bool):
    from docx.enum.section import WD_SECTION

    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape)
    return section


def _usable_width(section) -> int:
    return section.page_width - section.left_margin - section.right_margin


def _paragraph(document, text: str, size: float, bold: bool = False, center: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(_xml_safe(text))
    run.font.size, run.font.bold = Pt(size), bold


def _table(document, printed: PrintedTable, width: int) -> None:
    table = document.add_table(rows=len(printed.rows), cols=printed.columns)
    table.style = document.styles[TABLE_STYLE]
    table.autofit = False
    _column_widths(table, printed, width)
    # One snapshot of the unmerged grid: table.cell() rescans the whole table on every call.
    # Spans never overlap, so every corner cell of a span stays in the table until it is merged.
    flat = table._cells
    grid = [flat[r * printed.columns:(r + 1) * printed.columns] for r in range(len(printed.rows))]
    for row in printed.rows:
        for item in row:
            _fill(grid, item)
    _repeat_header_rows(table, printed)


def _column_widths(table, printed: PrintedTable, width: int) -> None:
    """Widths in proportion to the template's columns, set on every cell as Word expects."""
    from docx.shared import Emu

    total = sum(printed.widths)
    widths = [Emu(int(width * w / total)) for w in printed.widths]
    for index, column in enumerate(table.columns):
        column.width = widths[index]
        for cell in column.cells:
            cell.width = widths[index]


def _fill(grid, item: GridCell) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    cell = grid[item.row][item.col]
    if item.rowspan > 1 or item.colspan > 1:
        cell = cell.merge(grid[item.row + item.rowspan - 1][item.col + item.colspan - 1])
    if item.stacked:
        _vertical_text(cell)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    left = item.role in ("label", "block")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(_xml_safe(item.text))
    run.font.size = Pt(TABLE_PT)
    run.font.bold = item.role in ("block", "total")


def _vertical_text(cell) -> None:
    """Top-to-bottom CJK text (the long group label of table 三 in its narrow column)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    direction = OxmlElement("w:textDirection")
    direction.set(qn("w:val"), "tbRlV")
    properties = cell._tc.get_or_add_tcPr()
    v_align = properties.find(qn("w:vAlign"))  # schema order: textDirection comes before vAlign
    if v_align is not None:
        v_align.addprevious(direction)
    else:
        properties.append(direction)


def _repeat_header_rows(table, printed: PrintedTable) -> None:
    from docx.oxml import OxmlElement

    for index, row in enumerate(printed.rows):
        if not row or any(item.role not in _REPEAT_ROLES for item in row):
            break
        marker = OxmlElement("w:tblHeader")
        table.rows[index]._tr.get_or_add_trPr().append(marker)




def _xml_safe(text: str) -> str:
    """Word's XML cannot hold control characters (an agency name pasted from elsewhere may)."""
    return xml_safe(text, "")
