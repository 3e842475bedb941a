"""The form sheets: 封面 and the tables 二, 三, 四."""
from __future__ import annotations

from typing import Mapping, Sequence

from xlsxwriter.worksheet import Worksheet

from ..formats import Format
from ..model import CellError, Value
from ..formats.totals import computed_totals
from .cells import cell_validation, cover_validation, total_formula, write_value
from .layout import COVER_FIRST_FIELD, COVER_WIDTHS, Layout, SheetLayout, Span
from .sizing import text_units
from .styles import Styles

PAPER_A4 = 9


def print_setup(sheet: Worksheet, landscape: bool = False, repeat: tuple[int, int] | None = None) -> None:
    """A4, one page wide, page numbers in the footer, titles repeated on every page."""
    sheet.set_paper(PAPER_A4)
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.center_horizontally()
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.set_footer("&C第 &P 页，共 &N 页")
    if repeat is not None:
        sheet.repeat_rows(*repeat)


def protect(sheet: Worksheet) -> None:
    """No password: the lock guards against slips, not against the clerk. Selecting stays allowed."""
    sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})


def write_span(sheet: Worksheet, span: Span, styles: Styles) -> None:
    style = styles.span(span.role, span.stacked)
    if span.merged:
        sheet.merge_range(span.row, span.col, span.last_row, span.last_col, "", style)
    sheet.write_string(span.row, span.col, span.text, style)


def write_table_sheet(sheet: Worksheet, layout: Layout, table_key: str, values: Mapping[str, Value],
                      styles: Styles, literal_totals: bool) -> None:
    fmt = layout.fmt
    grid: SheetLayout = layout.tables[table_key]
    totals = computed_totals(fmt, values)
    for col, width in enumerate(grid.widths):
        sheet.set_column(col, col, width)
    for row, height in grid.heights.items():
        sheet.set_row(row, height)
    for span in grid.spans:
        write_span(sheet, span, styles)
    for key in grid.cells:
        cell, pos = fmt.cells[key], layout[key]
        if not cell.is_total:
            write_value(sheet, pos, values.get(key, 0), styles.input(cell.kind))
            sheet.data_validation(pos.row, pos.col, pos.row, pos.col, cell_validation(cell))
        elif literal_totals:
            write_value(sheet, pos, values.get(key, 0), styles.total(cell.kind))
        else:
            formula = total_formula([layout[part] for part in cell.total_of])
            cached = totals[key]
            sheet.write_formula(pos.row, pos.col, formula, styles.total(cell.kind),
                                cached.code if isinstance(cached, CellError) else cached)
    if grid.freeze:
        sheet.freeze_panes(*grid.freeze)
    print_setup(sheet, grid.landscape, grid.repeat_rows)
    protect(sheet)


def write_cover(sheet: Worksheet, layout: Layout, values: Mapping[str, Value], styles: Styles,
                buttons: Sequence[tuple[str, str]]) -> None:
    fmt = layout.fmt
    for col, width in enumerate(COVER_WIDTHS):
        sheet.set_column(col, col, width)
    last_col = len(COVER_WIDTHS) - 1
    sheet.merge_range(0, 0, 0, last_col, "政府信息公开工作年度报告 统计表", styles.title)
    sheet.set_row(0, 32)
    sheet.merge_range(1, 0, 1, last_col, format_basis(fmt), styles.subtitle)
    sheet.set_row(1, 36)
    header_row = COVER_FIRST_FIELD - 1
    for col, text in enumerate(("项目", "填写内容", "说明")):
        sheet.write_string(header_row, col, text, styles.header)
    for cover_field in fmt.cover:
        pos = layout[cover_field.key]
        mark = "（必填）" if cover_field.required else "（选填）"
        sheet.write_string(pos.row, 0, cover_field.label, styles.label)
        write_value(sheet, pos, values.get(cover_field.key), styles.input(cover_field.kind))
        sheet.data_validation(pos.row, pos.col, pos.row, pos.col, cover_validation(cover_field))
        sheet.write_string(pos.row, pos.col + 1, mark + cover_field.prompt, styles.label)
        lines = max(1, -(-text_units(mark + cover_field.prompt) // int(COVER_WIDTHS[2] - 2)))
        sheet.set_row(pos.row, max(24, 15 * lines + 6))
    _write_buttons(sheet, layout.cover_button_row, buttons)
    sheet.activate()
    print_setup(sheet, False, (0, 1))
    protect(sheet)


def format_basis(fmt: Format) -> str:
    """Which national format and document this template follows."""
    return (f"依据{fmt.document}印发的《中华人民共和国政府信息公开工作年度报告格式》"
            f"（格式 {fmt.id}，适用于 {fmt.years_label}的年度报告）")


def _write_buttons(sheet: Worksheet, first_row: int, buttons: Sequence[tuple[str, str]]) -> None:
    for i, (caption, macro) in enumerate(buttons):
        row = first_row + i
        sheet.set_row(row, 34)
        sheet.insert_button(row, 1, {"caption": caption, "macro": macro, "width": 180, "height": 36,
                                     "y_offset": 4, "x_offset": 2})
