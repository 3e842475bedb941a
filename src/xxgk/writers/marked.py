"""A marked copy of a report workbook: faulty cells coloured and commented, plus a 校验报告 sheet.

The copy is made with openpyxl, which keeps names, validation, conditional
formats and protection; the source file is only read, the target written atomically.
"""
from __future__ import annotations

import os
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Sequence

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from ..catalogue import ReadMessage
from ..errors import WriteError
from ..fileio import atomic_path
from ..model import Finding, FormData
from ..origin import MARKED, ORIGIN_NAME, origin_formula
from ..pathtext import readable
from ..readers import WORKBOOK_KINDS, detect_kind, workbook_origin
from ..readers.detect import SPREADSHEET_KINDS, refused
from ..readers.refs import quote_sheet
from ..readers.safezip import SafeArchive
from ..readers.package import verify_package
from ..xmltext import xml_safe
from .presentation import FILL_COLOURS, HEADERS, LEVELS, REPORT_SHEET, comment_line, level

AUTHOR = "xxgk"
MAX_TEXT = 32767  # Excel's limit for one cell
FILLS = {name: PatternFill("solid", fgColor="FF" + rgb) for name, rgb in FILL_COLOURS.items()}
WIDTHS = (6, 16, 8, 44, 14, 60, 12, 12, 30)


def write_marked_copy(source: str | os.PathLike, target: str | os.PathLike,
                      form: FormData, findings: Sequence[Finding]) -> None:
    """Write ``target``: a copy of ``source`` with every finding marked and listed."""
    source, target = Path(source), Path(target)
    if target.exists() and source.exists() and os.path.samefile(source, target):
        raise WriteError(f"{target}：标注副本不能覆盖原文件，请换一个输出文件名。")
    if target.exists() and detect_kind(target) in SPREADSHEET_KINDS and workbook_origin(target) != MARKED:
        raise WriteError(f"{target}：这里已有一份工作簿（不是本工具的标记副本），标记副本不能覆盖它，"
                         "请用 -o 另选位置。")
    book = _load(source, keep_vba=target.suffix.lower() == ".xlsm")
    _mark_cells(book, form, findings)
    _add_report(book, form, findings)
    # a marked copy left beside the inputs is told apart from the agency's own workbook by this
    book.defined_names[ORIGIN_NAME] = DefinedName(ORIGIN_NAME, attr_text=origin_formula(MARKED))
    book.calculation.fullCalcOnLoad = True  # openpyxl drops cached values; have them recomputed
    with atomic_path(target) as tmp:
        try:
            book.save(tmp)
        except OSError:
            raise  # atomic_path names the target
        except Exception as err:  # lxml reports a write that failed (a full disk) as its own error
            raise WriteError(f"{target}：无法写入（{type(err).__name__}：{err}），可能磁盘已满，文件未保存。") from None
        verify_package(tmp, target)


def _load(source: Path, keep_vba: bool) -> openpyxl.Workbook:
    kind = detect_kind(source)
    if kind not in WORKBOOK_KINDS:
        raise refused(source, kind)
    SafeArchive(source).close()  # zip limits before openpyxl decompresses anything
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not keep
            return openpyxl.load_workbook(source, keep_vba=keep_vba and kind == "xlsm", keep_links=True)
    except Exception as err:  # openpyxl raises many kinds on a broken file
        raise ReadMessage.MARK_SOURCE.error(source, error=type(err).__name__) from None


def _mark_cells(book: openpyxl.Workbook, form: FormData, findings: Sequence[Finding]) -> None:
    by_address: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        for key in dict.fromkeys(finding.cells):
            if key in form.addresses:
                by_address[form.addresses[key]].append(finding)
    for address, hits in by_address.items():
        cell = _cell(book, address)
        if cell is None:
            continue
        cell.fill = FILLS[min((level(f) for f in hits), key=list(FILLS).index)]
        lines = [comment_line(f) for f in dict.fromkeys(hits)]
        if cell.comment is not None and cell.comment.author != AUTHOR:
            lines.append("——原批注——\n" + cell.comment.text)
        text = _clean("\n".join(lines))
        cell.comment = Comment(text, AUTHOR, height=min(40 + 40 * len(lines), 600), width=360)


def _cell(book: openpyxl.Workbook, address: str):
    sheet, _, coordinate = address.rpartition("!")
    if sheet not in book.sheetnames:
        return None
    worksheet = book[sheet]
    cell = worksheet[coordinate]
    if isinstance(cell, MergedCell):  # only the top-left cell of a merged range can be styled
        merged = next((r for r in worksheet.merged_cells.ranges if coordinate in r), None)
        cell = worksheet.cell(merged.min_row, merged.min_col) if merged else None
    return cell


def _add_report(book: openpyxl.Workbook, form: FormData, findings: Sequence[Finding]) -> None:
    if REPORT_SHEET in book.sheetnames:
        book.remove(book[REPORT_SHEET])
    sheet = book.create_sheet(REPORT_SHEET)
    for worksheet in book.worksheets:
        worksheet.sheet_view.tabSelected = False  # else Excel opens with sheets grouped
    book.active = book.worksheets.index(sheet)
    sheet.sheet_view.tabSelected = True
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    row = _summary(sheet, form, findings)
    for col, header in enumerate(HEADERS, start=1):
        _put_text(sheet, row, col, header).font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row + 1, 1)
    sheet.page_setup.orientation = "landscape"  # printed for the file: one page wide
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    for number, finding in enumerate(findings, start=1):
        _finding_row(sheet, row + number, number, finding, form)


def _summary(sheet, form: FormData, findings: Sequence[Finding]) -> int:
    """Title, counts and reader problems; returns the row for the table header."""
    counts = defaultdict(int)
    for finding in findings:
        counts[level(finding)] += 1
    _put_text(sheet, 1, 1, f"校验报告：{readable(str(form.source))}").font = Font(bold=True, size=14)
    _put_text(sheet, 2, 1, f"错误 {counts['error']} 项，待核实警告 {counts['warning']} 项，"
                           f"已说明警告 {counts['explained']} 项。彩色单元格带有批注，点击“单元格”一列可跳转。")
    row = 3
    for problem in form.problems:
        _put_text(sheet, row, 1, "读取提示")
        _put_text(sheet, row, 2, problem)
        row += 1
    return row + 1


def _finding_row(sheet, row: int, number: int, finding: Finding, form: FormData) -> None:
    sheet.cell(row, 1, number)
    _put_text(sheet, row, 2, finding.rule_id)
    _put_text(sheet, row, 3, LEVELS[level(finding)]).fill = FILLS[level(finding)]
    _put_text(sheet, row, 4, finding.location)
    address = form.addresses.get(finding.cells[0]) if finding.cells else None
    if address:
        sheet_name, _, coordinate = address.rpartition("!")
        link = _put_text(sheet, row, 5, address)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheet(sheet_name)}!{coordinate}")
        link.font = Font(color="FF0563C1", underline="single")
    _put_text(sheet, row, 6, finding.message).alignment = Alignment(wrap_text=True, vertical="top")
    _put_text(sheet, row, 7, finding.expected)
    _put_text(sheet, row, 8, finding.actual)
    _put_text(sheet, row, 9, finding.explanation)


def _put_text(sheet, row: int, col: int, text: str):
    """Write text that can never become a formula, whatever it starts with."""
    cell = sheet.cell(row, col)
    cell.value = _clean(text)
    cell.data_type = "s"
    return cell


def _clean(text: object) -> str:
    """Text Excel accepts: nothing XML cannot hold, at most one cell's worth."""
    return xml_safe(str(text if text is not None else ""))[:MAX_TEXT]
