"""The 校验结果 sheet: one row of formulas per LiveCheck, and the red/amber marks on the form.

The template knows no rule: it receives LiveChecks whose formulas already
refer to cells by defined name, and only arranges them. Conditional formats
reach the status cells through defined names too, since Excel 2007 refuses
direct references to other sheets in a conditional format.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Sequence

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..catalogue import CheckStatus, Level
from ..formats import Kind, defined_name
from ..model import LiveCheck
from .formulas import Placeholders
from .layout import SHEET_CHECKS, Layout, Pos
from .sizing import LINE_PT, wrapped_lines
from .sheets import print_setup, protect
from .styles import MUTED_FONT, PASS_FONT, Styles

# Columns of the results table, in order; 编号 sits just left of 说明 so the
# pair is one two-column range (the defined name xxgk_checks).
COLUMNS = (("序号", 6), ("规则", 13), ("级别", 6), ("位置", 32), ("检查内容", 36), ("状态", 8),
           ("详情", 52), ("编号", 12), ("说明", 32))
COL = {title: i for i, (title, _) in enumerate(COLUMNS)}
HEADER_ROW = 4
FIRST_ROW = HEADER_ROW + 1
CHECKS_NAME = "xxgk_checks"
_LITERAL = re.compile(r'"((?:[^"]|"")*)"')
FAILED, PASSED, EXPLAINED, PENDING = CheckStatus.FAILED, CheckStatus.PASSED, CheckStatus.EXPLAINED, CheckStatus.PENDING
ERROR, WARNING = Level.ERROR.label, Level.WARNING.label  # the 级别 column's words, which formulas count


def status_name(index: int) -> str:
    """Defined name of the status cell of the ``index``-th check (1-based)."""
    return f"xxgk_chk_{index}"


def write_checks_sheet(workbook: Workbook, sheet: Worksheet, checks: Sequence[LiveCheck], layout: Layout,
                       styles: Styles, formulas: Placeholders) -> None:
    for col, (_, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
    last = len(COLUMNS) - 1
    sheet.merge_range(0, 0, 0, last, "校验结果", styles.title)
    sheet.set_row(0, 30)
    rows = max(1, len(checks))
    _write_summary(sheet, styles, rows, formulas)
    for col, (title, _) in enumerate(COLUMNS):
        sheet.write_string(HEADER_ROW, col, title, styles.header)
    for index, check in enumerate(checks, start=1):
        _write_check_row(workbook, sheet, index, check, layout, styles, formulas)
    if not checks:
        sheet.merge_range(FIRST_ROW, 0, FIRST_ROW, COL["编号"] - 1, "", styles.cell)
        sheet.write_string(FIRST_ROW, 0, "本模板没有内置实时校验，请用 xxgk validate 检查。", styles.cell)
        sheet.write_blank(FIRST_ROW, COL["编号"], None, styles.muted)
        sheet.write_blank(FIRST_ROW, COL["说明"], None, styles.explanation)
    first, last_row = FIRST_ROW, FIRST_ROW + rows - 1
    pair = f"${xl_col_to_name(COL['编号'])}${first + 1}:${xl_col_to_name(COL['说明'])}${last_row + 1}"
    workbook.define_name(CHECKS_NAME, f"='{SHEET_CHECKS}'!{pair}")
    _status_column_marks(sheet, styles, first, last_row, formulas)
    sheet.freeze_panes(FIRST_ROW, 0)
    print_setup(sheet, True, (HEADER_ROW, HEADER_ROW))
    protect(sheet)


def _column_range(title: str, rows: int) -> str:
    col = COL[title]
    return f"{xl_rowcol_to_cell(FIRST_ROW, col, True, True)}:{xl_rowcol_to_cell(FIRST_ROW + rows - 1, col, True, True)}"


def _write_summary(sheet: Worksheet, styles: Styles, rows: int, formulas: Placeholders) -> None:
    level, status = _column_range("级别", rows), _column_range("状态", rows)
    counts = (
        ("未通过的错误（必须改正）", f'=COUNTIFS({level},"{ERROR}",{status},"{FAILED}")'),
        ("未说明的警告（请核实或写明说明）", f'=COUNTIFS({level},"{WARNING}",{status},"{FAILED}")'),
        (PENDING.label, f'=COUNTIF({status},"{PENDING}")'),
    )
    for i, (label, formula) in enumerate(counts):
        row = 1 + i
        sheet.set_row(row, 22)
        sheet.merge_range(row, 0, row, 3, "", styles.label)
        sheet.write_string(row, 0, label, styles.label)
        sheet.write_formula(row, 4, formulas.formula(formula), styles.total(Kind.COUNT))
    sheet.merge_range(1, 5, 3, len(COLUMNS) - 1, "", styles.text)
    sheet.write_string(1, 5, "表格改动后本表自动更新。状态为“不通过”的错误必须改正（表格中相应单元格标红）；"
                             "“不通过”的警告（标黄）请核实，确认无误的在“说明”栏写明原因，状态即变为“已说明”。"
                             "点击“位置”可跳到对应单元格。", styles.text)


def _write_check_row(workbook: Workbook, sheet: Worksheet, index: int, check: LiveCheck, layout: Layout,
                     styles: Styles, formulas: Placeholders) -> None:
    row = FIRST_ROW + index - 1
    explanation = xl_rowcol_to_cell(row, COL["说明"])
    sheet.write_number(row, COL["序号"], index, styles.cell)
    sheet.write_string(row, COL["规则"], check.rule_id, styles.cell)
    sheet.write_string(row, COL["级别"], Level(check.severity).label, styles.cell)
    _write_location(sheet, row, check, layout, styles, formulas)
    sheet.write_string(row, COL["检查内容"], check.description, styles.cell)
    sheet.write_formula(row, COL["状态"], formulas.formula("=" + status_formula(check, explanation)), styles.cell)
    sheet.write_formula(row, COL["详情"], formulas.formula(f'=IFERROR({check.detail_formula},"")'), styles.cell)
    sheet.write_string(row, COL["编号"], check.instance_id, styles.muted)
    sheet.write_blank(row, COL["说明"], None, styles.explanation)
    status = xl_rowcol_to_cell(row, COL["状态"], True, True)
    workbook.define_name(status_name(index), f"='{SHEET_CHECKS}'!{status}")
    sheet.set_row(row, _row_height(check))


def _row_height(check: LiveCheck) -> float:
    """Tall enough for the wrapped texts; the detail is estimated from its literal text plus numbers."""
    detail = "".join(_LITERAL.findall(check.detail_formula)) + "0000" * check.detail_formula.count("&")
    texts = ((check.location, "位置"), (check.description, "检查内容"), (detail, "详情"), (check.rule_id, "规则"))
    lines = max(wrapped_lines(text, COLUMNS[COL[title]][1]) for text, title in texts)
    return max(20.0, lines * LINE_PT + 6)


def status_formula(check: LiveCheck, explanation: str) -> str:
    """通过 / 不通过 / 已说明 (an explained warning) / 待填写 (a required cell still blank).

    A fail formula that cannot be computed (text in a number cell) counts as failing.
    """
    failing = f"IFERROR({check.fail_formula},TRUE)"
    if check.severity == "warning":
        verdict = f'IF({failing},IF(LEN(TRIM({explanation}))>0,"{EXPLAINED}","{FAILED}"),"{PASSED}")'
    else:
        verdict = f'IF({failing},"{FAILED}","{PASSED}")'
    if not check.pending_if_blank:
        return verdict
    blanks = ",".join(f"ISBLANK({defined_name(key)})" for key in check.pending_if_blank)
    return f'IF(OR({blanks}),"{PENDING}",{verdict})'


def _write_location(sheet: Worksheet, row: int, check: LiveCheck, layout: Layout, styles: Styles,
                    formulas: Placeholders) -> None:
    col = COL["位置"]
    text = check.location[:250]
    target = layout.positions.get(check.cells[0]) if check.cells else None
    if target is None:
        sheet.write_string(row, col, text, styles.cell)
        return
    link = f"#'{target.sheet}'!{target.a1}"
    sheet.write_formula(row, col, formulas.formula(f'=HYPERLINK("{_quoted(link)}","{_quoted(text)}")'), styles.link, text)


def _quoted(text: str) -> str:
    """Text inside an Excel string literal: double the quotes."""
    return text.replace('"', '""')


def _status_column_marks(sheet: Worksheet, styles: Styles, first: int, last: int, formulas: Placeholders) -> None:
    col = COL["状态"]
    status = xl_rowcol_to_cell(first, col, row_abs=False, col_abs=True)
    level = xl_rowcol_to_cell(first, COL["级别"], row_abs=False, col_abs=True)
    rules = (
        (f'=AND({status}="{FAILED}",{level}="{ERROR}")', styles.mark("error")),
        (f'=AND({status}="{FAILED}",{level}="{WARNING}")', styles.mark("warning")),
        (f'={status}="{PASSED}"', styles.font_mark(PASS_FONT)),
        (f'={status}="{EXPLAINED}"', styles.font_mark(PASS_FONT)),
        (f'={status}="{PENDING}"', styles.font_mark(MUTED_FONT)),
    )
    for formula, style in rules:
        sheet.conditional_format(first, col, last, col, {"type": "formula", "criteria": formulas.criteria(formula),
                                                         "format": style, "stop_if_true": True})


def mark_form_cells(sheets: dict[str, Worksheet], checks: Sequence[LiveCheck], layout: Layout,
                    styles: Styles, formulas: Placeholders) -> None:
    """Colour every cell of a failing check: errors first and stopping, so red wins over amber."""
    ordered = sorted(enumerate(checks, start=1), key=lambda item: item[1].severity != "error")
    for index, check in ordered:
        by_sheet: dict[str, list[Pos]] = defaultdict(list)
        for key in check.cells:
            if key in layout.positions:
                by_sheet[layout[key].sheet].append(layout[key])
        for sheet_name, cells in by_sheet.items():
            first = cells[0]
            options = {"type": "formula", "criteria": formulas.criteria(f'={status_name(index)}="{FAILED}"'),
                       "format": styles.mark(check.severity), "stop_if_true": True}
            if len(cells) > 1:
                options["multi_range"] = " ".join(dict.fromkeys(p.a1 for p in cells))
            sheets[sheet_name].conditional_format(first.row, first.col, first.row, first.col, options)
