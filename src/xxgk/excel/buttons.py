"""The button entry points: 校验 and 清除标记 on the calling workbook, through xlwings.

Bounded work per click, whatever the number of cells: one bulk value read per
sheet, one colour call per colour and sheet (multi-area ranges), one
Unprotect and one Protect per sheet touched, one write of the 校验报告 rows,
one message box — plus one call per note written or removed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import xlwings as xw

from ..errors import XxgkError
from ..model import Finding, FormData
from ..readers.refs import column_letters
from .live import LiveWorkbook, form_from_grids, open_live
from .marks import (
    REPORT_SHEET, SheetMarks, address_groups, empty_report, padded, plan_clear, plan_marks, previous_marks,
    report_rows, summary_message,
)
from .protection import (SheetProtection, add_note, lock_structure, protect_sheet, unlock_structure,
                         unprotect_sheet)

TITLE = "xxgk 校验"
_UNPROTECTED = SheetProtection(False)
UNEXPECTED = "处理时出现意外错误（{kind}：{detail}）。请把本工作簿发给区政务公开办，或用 xxgk validate 检查。"


def validate_button() -> None:
    """校验: check the calling workbook with rules.yaml, mark faulty cells, list them in 校验报告."""
    run_on_caller(validate_book)


def clear_marks_button() -> None:
    """清除标记: remove exactly the marks 校验 made."""
    run_on_caller(clear_book)


def run_on_caller(action: Callable[[Any], str]) -> None:
    book = xw.Book.caller()
    tell(book, guarded(action, book))


def guarded(action: Callable[[Any], str], book: Any) -> str:
    """The action's message, or a Chinese sentence instead of a traceback."""
    try:
        return action(book)
    except XxgkError as err:
        return str(err)
    except Exception as err:  # a button must never end in a Python traceback dialog
        return UNEXPECTED.format(kind=type(err).__name__, detail=str(err)[:200])


def tell(book: Any, message: str) -> None:
    book.app.alert(message, title=TITLE)


def validate_book(book: Any, rules_path: str | None = None) -> str:
    check = check_book(book, rules_path)
    sheets = check.sheets
    apply_marks(sheets, check.live, plan_marks(check.live, check.findings, previous_marks(check.old_report)))
    rows = report_rows(check.form, check.findings, check.live)
    write_report(book, sheets, check.live, rows, len(check.old_report or ()))
    return summary_message(check.findings)


@dataclass
class Check:
    live: LiveWorkbook
    sheets: Any
    form: FormData
    findings: list[Finding]
    old_report: list[list[Any]] | None


def check_book(book: Any, rules_path: str | None = None) -> Check:
    """Read the calling workbook (one bulk read per sheet) and run the rules `xxgk validate` runs."""
    from ..rules import RulesError, load_rules

    live = open_live(book.fullname)
    try:
        ruleset = load_rules(rules_path)
    except RulesError as err:
        raise XxgkError("规则文件有误，无法校验：\n" + "\n".join(err.problems[:5])) from None
    sheets = book.sheets
    grids = {name: read_grid(sheets[name], rows, cols) for name, (rows, cols) in live.read_areas().items()}
    old_report = read_report(sheets, live)
    form = form_from_grids(live, grids)
    return Check(live, sheets, form, ruleset.validate(form).findings, old_report)


def clear_book(book: Any) -> str:
    live = open_live(book.fullname)
    sheets = book.sheets
    old_report = read_report(sheets, live)
    previous = previous_marks(old_report)
    if not previous:
        return "没有需要清除的校验标记。"
    apply_marks(sheets, live, plan_clear(live, previous))
    write_report(book, sheets, live, empty_report(), len(old_report or ()))
    return f"已清除 {len(previous)} 个单元格上的校验标记。"


def read_grid(sheet: Any, rows: int, cols: int) -> list[list[Any]]:
    """One bulk read from A1; error values come back as text (#REF!) so they are not lost as blanks."""
    block = sheet.range(f"A1:{column_letters(cols)}{rows}").options(ndim=2, err_to_str=True)
    return block.value


def read_report(sheets: Any, live: LiveWorkbook) -> list[list[Any]] | None:
    if REPORT_SHEET not in live.sheet_names:
        return None
    used = sheets[REPORT_SHEET].used_range.options(ndim=2)
    return used.value


def apply_marks(sheets: Any, live: LiveWorkbook, plans: dict[str, SheetMarks]) -> None:
    for name, plan in plans.items():
        sheet = sheets[name]
        native = unprotect_sheet(sheet, name, live.protection.get(name, _UNPROTECTED))
        try:
            for colour, cells in plan.colours.items():
                for group in address_groups(cells):
                    sheet.range(group).color = colour
            for cell in plan.unnotes:
                note = sheet.range(cell).note
                if note is not None:
                    note.delete()
            for cell, content in plan.notes.items():
                write_note(sheet.range(cell), content, cell in plan.renotes)
        finally:
            protect_sheet(native, live.protection.get(name, _UNPROTECTED))


def write_note(cell: Any, content: str, had_ours: bool) -> None:
    """One call for a new note; rewriting our own earlier note goes through the existing one."""
    if had_ours:
        note = cell.note
        if note is not None:
            note.text = content
            return
    add_note(cell, content)


def write_report(book: Any, sheets: Any, live: LiveWorkbook, rows: list[list[Any]], old_height: int) -> None:
    """Write the 校验报告 rows in one call, blanking what the last click left below them."""
    if REPORT_SHEET in live.sheet_names:
        sheet = sheets[REPORT_SHEET]
    else:  # a workbook made before the sheet existed: add it (the structure is locked)
        native = unlock_structure(book) if live.structure_locked else None
        try:
            sheet = sheets.add(REPORT_SHEET, after=sheets[live.sheet_names[-1]])
        finally:
            if native is not None:
                lock_structure(native)
    sheet.range("A1").value = padded(rows, old_height)



def consolidate_button() -> None:
    """汇总 (district tool): consolidate the folder named on the tool sheet, then open the result."""
    run_on_caller(consolidate_book)


def consolidate_book(book: Any) -> str:
    from .district import TOOL_SHEET, read_area, read_request

    grid = book.sheets[TOOL_SHEET].range(read_area()).options(ndim=2).value
    request = read_request(grid, book.fullname)
    from ..consolidate import consolidate  # imported late: the heavy part, and written separately

    consolidate([request.folder], request.output, year=request.year, roster=request.roster)
    xw.Book(str(request.output))
    return f"汇总完成，结果已保存并打开：{request.output}"
