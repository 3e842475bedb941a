"""Macro-enabled workbooks built on Linux: the .xlsm template and the district tool.

Both are XlsxWriter workbooks around the VBA project of macros/ (xxgk.vba);
the buttons call the macros of XxgkButtons.bas, which call xxgk.excel through
xlwings' RunPython. No xlwings here.
"""
from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Mapping

import xlsxwriter

from ..errors import WriteError, XxgkError
from ..fileio import atomic_path
from ..formats import DEFAULT_FORMAT, get_format
from ..model import Value
from ..readers.package import verify_package
from ..template import Layout, build_workbook
from ..vba import build_xxgk_vba_project, xlsxwriter_sheet_codenames
from .district import FIELDS, INSTRUCTIONS, TOOL_SHEET, TOOL_TITLE, field_cell
from .marks import EMPTY_REPORT, REPORT_HEADERS, REPORT_SHEET

TEMPLATE_BUTTONS = (("校验", "XxgkValidate"), ("清除标记", "XxgkClearMarks"))
DISTRICT_BUTTON = ("汇总", "XxgkConsolidate")
REPORT_WIDTHS = (6, 16, 8, 44, 14, 60, 12, 12, 30, 24)  # the marked copy's widths + 标记单元格
assert len(REPORT_WIDTHS) == len(REPORT_HEADERS)


def build_macro_template(output: str | os.PathLike, format_id: str = DEFAULT_FORMAT,
                         values: Mapping[str, Value] | None = None) -> int:
    """``xxgk template --macros``: the template plus buttons 校验 / 清除标记; returns the live check count.

    ``values`` (key -> value) pre-fill the form, as for ``build_workbook``.
    """
    from ..rules import RulesError, live_checks_for, load_rules

    output = Path(output)
    if output.suffix.lower() != ".xlsm":
        raise WriteError(f"{output}：带按钮的模板文件名必须以 .xlsm 结尾。")
    fmt = get_format(format_id)
    try:
        checks = live_checks_for(fmt, load_rules(None))
    except RulesError as err:
        raise XxgkError("规则文件有误，无法生成实时校验：\n" + str(err)) from None
    # The report sheet comes after the template's own sheets, so it takes the last code name.
    sheet_count = len(Layout(fmt).sheet_names) + 1
    project = build_xxgk_vba_project(xlsxwriter_sheet_codenames(sheet_count))
    build_workbook(output, fmt, live_checks=checks, values=values, vba_project=project, buttons=TEMPLATE_BUTTONS,
                   extend=add_report_sheet)
    return len(checks)


def add_report_sheet(workbook: xlsxwriter.Workbook) -> None:
    """An empty 校验报告 sheet, so a click never has to unlock the workbook structure to add one."""
    sheet = workbook.add_worksheet(REPORT_SHEET)
    for col, width in enumerate(REPORT_WIDTHS):
        sheet.set_column(col, col, width)
    for row, (line,) in enumerate(EMPTY_REPORT):
        sheet.write_string(row, 0, line)


def build_district_tool(output: str | os.PathLike) -> None:
    """``xxgk district-tool``: one sheet with the inputs of 汇总 and its button."""
    output = Path(output)
    if output.suffix.lower() != ".xlsm":
        raise WriteError(f"{output}：区汇总工具的文件名必须以 .xlsm 结尾。")
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False})
    workbook.set_properties({"title": "政府信息公开工作年度报告 区汇总工具", "author": "xxgk"})
    workbook.add_vba_project(io.BytesIO(build_xxgk_vba_project(xlsxwriter_sheet_codenames(1))), is_stream=True)
    _write_tool_sheet(workbook, workbook.add_worksheet(TOOL_SHEET))
    workbook.close()
    with atomic_path(output) as tmp:
        tmp.write_bytes(buffer.getvalue())
        verify_package(tmp, output)


def _write_tool_sheet(workbook: xlsxwriter.Workbook, sheet) -> None:
    base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
    title = workbook.add_format({**base, "bold": True, "font_size": 16})
    label = workbook.add_format({**base, "bold": True, "border": 1})
    entry = workbook.add_format({**base, "border": 1, "bg_color": "#FFF2CC", "locked": False})
    hint = workbook.add_format({**base, "font_color": "#808080", "text_wrap": True})
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 60)
    sheet.set_column(2, 2, 50)
    sheet.write_string(0, 0, TOOL_TITLE, title)
    for field in FIELDS:
        row, col = field_cell(field)
        sheet.write_string(row - 1, col - 2, field.label, label)
        sheet.write_blank(row - 1, col - 1, None, entry)
        sheet.write_string(row - 1, col, field.hint, hint)
        workbook.define_name(f"xxgk_tool_{field.key}", f"='{TOOL_SHEET}'!${chr(64 + col)}${row}")
    button_row = max(field_cell(f)[0] for f in FIELDS) + 1
    sheet.set_row(button_row, 34)
    sheet.insert_button(button_row, 1, {"caption": DISTRICT_BUTTON[0], "macro": DISTRICT_BUTTON[1],
                                        "width": 180, "height": 36, "y_offset": 4})
    for offset, line in enumerate(INSTRUCTIONS):
        sheet.write_string(button_row + 2 + offset, 0, line, hint if offset else label)
    sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    sheet.activate()
