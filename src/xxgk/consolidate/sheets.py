"""The summary's own sheets: 报送情况, 未报送, 分单位明细, 问题清单 (XlsxWriter).

Everything copied from an agency's workbook — names, file names, messages that
quote values, explanations — is written with ``write_string``: a name such as
``=HYPERLINK(...)`` stays inert text. Links to the files are relationships
(``write_url``), never a formula.

This is the plain writer, every row through XlsxWriter's public calls: the
careful path's, and the authority the speed layer's streamed rows
(``streamed.StreamedSheets``) must equal.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..catalogue import Level, Status
from ..formats import Format
from ..model import CellError, Value
from ..pathtext import link_target, readable
from ..xmltext import cell_safe, xml_safe
from .identity import NO_NAME
from .labels import (COL_AGENCY, COL_CODE, COL_DISTRICT, COL_FILE, COL_STATUS, COL_YEAR, DETAIL_FIXED, FINDING_LEVEL,
                     FINDING_LOCATION, FINDING_NOTE, FINDING_RULE, SHEET_DETAIL, SHEET_FINDINGS, SHEET_MISSING,
                     SHEET_STATUS)
from ..template.sizing import LINE_PT, MIN_ROW_PT, wrapped_lines
from .style import Styles
from .result import ConsolidationResult, Entry, MissingAgency

MAX_TEXT = 32000  # Excel keeps at most 32767 characters in a cell
# 文件名 is itself the hyperlink to the file (its folder shows in the link's tip)
STATUS_COLUMNS = (("序号", 6), ("文件名", 32), (COL_AGENCY, 26), (COL_YEAR, 9), ("格式", 7), (COL_STATUS, 16),
                  (Level.ERROR.label, 6), (Level.WARNING.label, 6), (Level.EXPLAINED.label, 7), ("主要问题", 60),
                  ("备注", 44))
FINDING_COLUMNS = ((COL_AGENCY, 26), (COL_FILE, 30), (COL_STATUS, 10), (FINDING_RULE, 12), (FINDING_LEVEL, 7),
                   (FINDING_LOCATION, 40), ("单元格", 11), ("实为", 9), ("应为", 9), ("说明", 70), (FINDING_NOTE, 30))
MISSING_COLUMNS = (("序号", 6), (COL_AGENCY, 34), (COL_CODE, 22), ("情况", 70))
DETAIL_WIDTHS = {COL_AGENCY: 28, COL_DISTRICT: 14, COL_CODE: 21, COL_YEAR: 9, COL_STATUS: 9, COL_FILE: 30}
NO_FINDINGS = "纳入汇总的报表没有发现问题。"
STATUS_COLOURS = {  # fill, font
    Status.PASSED: ("#C6EFCE", "#006100"), Status.ERRORS: ("#FFC7CE", "#9C0006"),
    Status.UNREADABLE: ("#FFC7CE", "#9C0006"), Status.WARNINGS: ("#FFEB9C", "#7F6000"),
    Status.EXPLAINED: ("#DDEBF7", "#1F4E78"), Status.WRONG_YEAR: ("#F8CBAD", "#833C0B"),
    Status.WRONG_FORMAT: ("#F8CBAD", "#833C0B"), Status.EXCLUDED: ("#F8CBAD", "#833C0B"),
    Status.REPLACED: ("#EDEDED", "#595959"), Status.SUMMARY_LEFT_OUT: ("#EDEDED", "#595959"),
    Status.MARKED_COPY: ("#EDEDED", "#595959"),
}


MAX_LINKS = 65530  # Excel's limit of hyperlinks per sheet: XlsxWriter drops the cell beyond it
MAX_LINK_TARGET = 2000


def clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def row_pixels(texts: Sequence[tuple[int, str]], columns: Sequence[tuple[str, float]]) -> int:
    """Height in whole pixels (Excel keeps row heights at 96 dpi) of a row of wrapped (col, text) cells.

    XlsxWriter cannot autofit: the wrapped lines are estimated so no text hides behind the next row.
    """
    lines = max((wrapped_lines(str(text), columns[col][1]) for col, text in texts if text), default=1)
    return int(max(MIN_ROW_PT, lines * LINE_PT + 4) * 4 / 3 + 0.5)


def link_of(target: str) -> tuple[str, str] | None:
    """(link target, tip) of a hyperlink to the file at ``target`` (relative to the summary), or None when
    the name stays plain text: ``#`` would be read as an anchor, ``%`` as an escape, and Excel refuses very
    long targets, and a control character or non-character (XML holds neither) is no link LibreOffice opens.
    A name in bytes that are no UTF-8 (a zip from Chinese Windows) links the very bytes."""
    shown = readable(target)
    if "#" in target or "%" in target or len(target) > MAX_LINK_TARGET or xml_safe(shown) != shown:
        return None
    return (target if shown == target else link_target(target)), shown[:250]


def status_texts(entry: Entry) -> tuple[tuple[int, str], ...]:
    """报送情况's text cells of an entry, (column, text), as both writers fill them."""
    agency = entry.agency or (NO_NAME if entry.form is not None else "")
    return ((1, entry.name), (2, agency), (4, entry.format_id), (9, "\n".join(entry.messages)),
            (10, entry.note))


def status_colours(status: str) -> tuple[str, str]:
    return STATUS_COLOURS.get(status, ("#FFFFFF", "#000000"))


class SheetWriter:
    """Writes the four list sheets of one summary into an open workbook."""

    def __init__(self, workbook: Workbook, result: ConsolidationResult, fmt: Format):
        self.workbook = workbook
        self.result = result
        self.fmt = fmt
        self.styles = Styles(workbook)
        self.base = Path(result.output).resolve().parent
        self._folders: dict[str, str] = {}  # folder -> its path relative to the summary's folder

    def string(self, sheet: Worksheet, row: int, col: int, text: str, style=None) -> None:
        sheet.write_string(row, col, clip(cell_safe(str(text))), style or self.styles.cell)

    def value(self, sheet: Worksheet, row: int, col: int, value: Value, style=None) -> None:
        style = style or self.styles.cell
        if isinstance(value, bool):
            self.string(sheet, row, col, "TRUE" if value else "FALSE", style)
        elif isinstance(value, (int, float)):
            sheet.write_number(row, col, value, style)
        elif isinstance(value, (str, CellError)):
            self.string(sheet, row, col, str(value), style)
        else:
            sheet.write_blank(row, col, None, style)

    def texts(self, sheet: Worksheet, row: int, texts: Sequence[tuple[int, str]],
              columns: Sequence[tuple[str, float]]) -> None:
        """Write (col, text) cells and make the row tall enough for the wrapped text."""
        for col, text in texts:
            self.string(sheet, row, col, text)
        self.fit_row(sheet, row, texts, columns)

    @staticmethod
    def fit_row(sheet: Worksheet, row: int, texts: Sequence[tuple[int, str]],
                columns: Sequence[tuple[str, float]]) -> None:
        sheet.set_row_pixels(row, row_pixels(texts, columns))

    def header(self, sheet: Worksheet, columns: Sequence[tuple[str, float]], height: float = 30) -> None:
        for col, (title, width) in enumerate(columns):
            sheet.set_column(col, col, width)
            self.string(sheet, 0, col, title, self.styles.header)
        sheet.set_row(0, height)
        sheet.freeze_panes(1, 0)

    def finish(self, sheet: Worksheet, rows: int, columns: int, landscape: bool = True) -> None:
        sheet.autofilter(0, 0, max(rows, 1), columns - 1)
        sheet.set_paper(9)
        if landscape:
            sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
        sheet.set_footer("&C第 &P 页，共 &N 页")

    # 报送情况 ----------------------------------------------------------------------------
    def status_sheet(self) -> None:
        sheet = self.workbook.add_worksheet(SHEET_STATUS)
        self.header(sheet, STATUS_COLUMNS)
        links = 0
        for row, entry in enumerate(self.result.entries, start=1):
            sheet.write_number(row, 0, row, self.styles.cell)
            texts = status_texts(entry)
            for col, text in texts:
                self.string(sheet, row, col, text)
            if links < MAX_LINKS and self.link(sheet, row, 1, entry.path):
                links += 1
            self.value(sheet, row, 3, entry.year)
            self.string(sheet, row, 5, entry.status, self.styles.status(*status_colours(entry.status)))
            for col, count in ((6, entry.errors), (7, entry.warnings), (8, entry.explained)):
                sheet.write_number(row, col, count, self.styles.cell)
            self.fit_row(sheet, row, texts, STATUS_COLUMNS)
        self.finish(sheet, len(self.result.entries), len(STATUS_COLUMNS))

    def link(self, sheet: Worksheet, row: int, col: int, path: Path) -> bool:
        """The file name as a hyperlink relationship to the file, relative to the summary's folder (so the
        summary and the submissions can be moved together); False when it stays plain text."""
        link = link_of(self.relative(path))
        if link is None:
            return False
        target, tip = link
        sheet.write_url(row, col, "external:" + target, self.styles.link, clip(cell_safe(readable(path.name))), tip)
        return True

    def relative(self, path: Path) -> str:
        """``relpath(path.resolve(), base)``, resolving each folder once: a province has 10,000 files in a few."""
        text = os.fspath(path)
        if os.path.islink(text):
            return self._relative(Path(os.path.realpath(text)))  # a link loop resolves as far as it goes
        folder, name = os.path.split(text)  # as path.parent and path.name, without making Paths
        inside = self._folders.get(folder)
        if inside is None:
            inside = self._folders[folder] = self._relative(Path(os.path.realpath(folder or ".")))
        return name if inside == "." else os.path.join(inside, name)

    def _relative(self, resolved: Path) -> str:
        try:
            return os.path.relpath(resolved, self.base)
        except ValueError:  # another drive on Windows
            return str(resolved)

    # 未报送 ------------------------------------------------------------------------------
    def missing_sheet(self, roster_given: bool) -> None:
        sheet = self.workbook.add_worksheet(SHEET_MISSING)
        self.header(sheet, MISSING_COLUMNS)
        missing: list[MissingAgency] = self.result.missing
        for row, agency in enumerate(missing, start=1):
            sheet.write_number(row, 0, row, self.styles.cell)
            self.texts(sheet, row, ((1, agency.name), (2, agency.credit_code), (3, agency.note)), MISSING_COLUMNS)
        if not missing:
            text = "名单上的单位均已报送并纳入汇总。" if roster_given else "未提供单位名单（--roster），无法列出未报送单位。"
            self.string(sheet, 1, 1, text, self.styles.remark)
        self.finish(sheet, len(missing), len(MISSING_COLUMNS), landscape=False)

    # 分单位明细 --------------------------------------------------------------------------
    def detail_sheet(self) -> None:
        sheet = self.workbook.add_worksheet(SHEET_DETAIL)
        cells = list(self.fmt.cells.values())
        fixed = tuple((title, DETAIL_WIDTHS[title]) for title in DETAIL_FIXED)
        self.header(sheet, (*fixed, *((cell.label, 16) for cell in cells)), height=150)
        sheet.freeze_panes(1, 1)
        included = self.included()
        if not any(e.district for e in included):  # agencies' own workbooks: the column stays, out of sight
            column = DETAIL_FIXED.index(COL_DISTRICT)
            sheet.set_column(column, column, DETAIL_WIDTHS[COL_DISTRICT], None, {"hidden": True})
        self.detail_rows(sheet, included, len(fixed))
        self.finish(sheet, len(included), len(fixed) + len(cells))

    def included(self) -> list[Entry]:
        return [e for e in self.result.entries if e.included]

    def detail_rows(self, sheet: Worksheet, included: list[Entry], fixed: int) -> None:
        number_style = self.styles.number
        for row, entry in enumerate(included, start=1):
            values = entry.form.values
            cells = (entry.agency or NO_NAME, entry.district, entry.credit_code, entry.year, entry.status,
                     entry.name)  # DETAIL_FIXED's columns
            for col, value in enumerate(cells):
                self.value(sheet, row, col, value)
            for col, key in enumerate(self.fmt.cells, start=fixed):
                self.value(sheet, row, col, values.get(key), number_style)

    # 问题清单 ----------------------------------------------------------------------------
    def findings_sheet(self) -> None:
        sheet = self.workbook.add_worksheet(SHEET_FINDINGS)
        self.header(sheet, FINDING_COLUMNS)
        row = 0
        for entry in self.listed():
            for cells in self.finding_rows(entry):
                row += 1
                self.texts(sheet, row, tuple(enumerate(cells)), FINDING_COLUMNS)
        if row == 0:
            self.string(sheet, 1, 0, NO_FINDINGS, self.styles.remark)
        self.finish(sheet, row, len(FINDING_COLUMNS))

    def listed(self) -> list[Entry]:
        """The entries whose findings 问题清单 lists: the included ones, and those excluded for errors."""
        return [e for e in self.result.entries if e.included or e.status == Status.EXCLUDED]

    def finding_rows(self, entry: Entry) -> list[tuple[str, ...]]:
        form, rows = entry.form, []
        who = (entry.agency or NO_NAME, entry.name, entry.status)
        for problem in form.problems:  # reader remarks (a missing name …): not a rule, but worth fixing
            rows.append((*who, "（读取）", "提示", "", "", "", "", problem, ""))
        for finding in entry.findings:
            main = finding.cells[0] if finding.cells else ""
            level = Level.of(finding).label
            rows.append((*who, finding.rule_id, level, finding.location, form.addresses.get(main, ""),
                         finding.actual, finding.expected, finding.message, finding.explanation))
        return rows
