"""The summary's own sheets: 报送情况, 未报送, 分单位明细, 问题清单 (XlsxWriter).

Everything copied from an agency's workbook — names, file names, messages that
quote values, explanations — is written with ``write_string``: a name such as
``=HYPERLINK(...)`` stays inert text. Links to the files are relationships
(``write_url``), never a formula.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..formats import Format
from ..model import CellError, Value
from .detail_stream import DetailRows, write_probe
from .status_stream import FindingRows, StatusRows, probe_statuses
from .identity import NO_NAME
from .labels import (COL_AGENCY, COL_CODE, COL_DISTRICT, COL_FILE, COL_STATUS, COL_YEAR, DETAIL_FIXED, FINDING_LEVEL,
                     FINDING_LOCATION, FINDING_NOTE, FINDING_RULE, SHEET_DETAIL, SHEET_FINDINGS, SHEET_MISSING,
                     SHEET_STATUS)
from ..template.sizing import LINE_PT, MIN_ROW_PT, wrapped_lines
from .style import Styles
from .result import (ERRORS, EXCLUDED, EXPLAINED, PASSED, REPLACED, SUMMARY_LEFT_OUT, UNREADABLE, WARNINGS,
                     WRONG_FORMAT, WRONG_YEAR, ConsolidationResult, Entry, MissingAgency)

MAX_TEXT = 32000  # Excel keeps at most 32767 characters in a cell
# 文件名 is itself the hyperlink to the file (its folder shows in the link's tip)
STATUS_COLUMNS = (("序号", 6), ("文件名", 32), (COL_AGENCY, 26), (COL_YEAR, 9), ("格式", 7), (COL_STATUS, 16),
                  ("错误", 6), ("警告", 6), ("已说明", 7), ("主要问题", 60), ("备注", 44))
FINDING_COLUMNS = ((COL_AGENCY, 26), (COL_FILE, 30), (COL_STATUS, 10), (FINDING_RULE, 12), (FINDING_LEVEL, 7),
                   (FINDING_LOCATION, 40), ("单元格", 11), ("实为", 9), ("应为", 9), ("说明", 70), (FINDING_NOTE, 30))
MISSING_COLUMNS = (("序号", 6), (COL_AGENCY, 34), (COL_CODE, 22), ("情况", 70))
DETAIL_WIDTHS = {COL_AGENCY: 28, COL_DISTRICT: 14, COL_CODE: 21, COL_YEAR: 9, COL_STATUS: 9, COL_FILE: 30}
SEVERITY = {"error": "错误", "warning": "警告"}
STATUS_COLOURS = {  # fill, font
    PASSED: ("#C6EFCE", "#006100"), ERRORS: ("#FFC7CE", "#9C0006"), UNREADABLE: ("#FFC7CE", "#9C0006"),
    WARNINGS: ("#FFEB9C", "#7F6000"), EXPLAINED: ("#DDEBF7", "#1F4E78"), WRONG_YEAR: ("#F8CBAD", "#833C0B"),
    WRONG_FORMAT: ("#F8CBAD", "#833C0B"), EXCLUDED: ("#F8CBAD", "#833C0B"), REPLACED: ("#EDEDED", "#595959"),
    SUMMARY_LEFT_OUT: ("#EDEDED", "#595959"),
}


def clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


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
        sheet.write_string(row, col, clip(str(text)), style or self.styles.cell)

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
        """XlsxWriter cannot autofit: estimate the wrapped lines so no text hides behind the next row."""
        lines = max((wrapped_lines(str(text), columns[col][1]) for col, text in texts if text), default=1)
        sheet.set_row(row, max(MIN_ROW_PT, lines * LINE_PT + 4))

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
        """The header, and a probe row per status style: the rows are streamed in (status_stream)."""
        sheet = self.workbook.add_worksheet(SHEET_STATUS)
        self.header(sheet, STATUS_COLUMNS)
        entries = self.result.entries
        for row, status in enumerate(probe_statuses(entries), start=1):
            fill, font = STATUS_COLOURS.get(status, ("#FFFFFF", "#000000"))
            if row == 1:
                sheet.write_number(row, 0, 0, self.styles.cell)
            sheet.write_string(row, 5, "probe", self.styles.status(fill, font))
        self.status_rows = StatusRows(self.relative, entries, STATUS_COLUMNS)
        self.finish(sheet, len(entries), len(STATUS_COLUMNS))

    def relative(self, path: Path) -> str:
        """``relpath(path.resolve(), base)``, resolving each folder once: a province has 10,000 files in a few."""
        text = os.fspath(path)
        if os.path.islink(text):
            return self._relative(Path(text).resolve())
        folder, name = os.path.split(text)  # as path.parent and path.name, without making Paths
        inside = self._folders.get(folder)
        if inside is None:
            inside = self._folders[folder] = self._relative(Path(folder or ".").resolve())
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
        included = [e for e in self.result.entries if e.included]
        if not any(e.district for e in included):  # agencies' own workbooks: the column stays, out of sight
            column = DETAIL_FIXED.index(COL_DISTRICT)
            sheet.set_column(column, column, DETAIL_WIDTHS[COL_DISTRICT], None, {"hidden": True})
        # the rows themselves are streamed into the file afterwards (detail_stream): millions of cells
        write_probe(sheet, self.styles.cell, self.styles.number, len(fixed))
        self.detail_rows = DetailRows(included, self.fmt, len(fixed))
        self.finish(sheet, len(included), len(fixed) + len(cells))

    # 问题清单 ----------------------------------------------------------------------------
    def findings_sheet(self) -> None:
        """The header and a probe row: the rows are streamed in (status_stream.FindingRows), if any."""
        sheet = self.workbook.add_worksheet(SHEET_FINDINGS)
        self.header(sheet, FINDING_COLUMNS)
        listed = [e for e in self.result.entries if e.included or e.status == EXCLUDED]
        rows = FindingRows(listed, self.finding_rows, FINDING_COLUMNS)
        self.finding_rows_part = rows if rows.count else None
        if rows.count:
            self.string(sheet, 1, 0, "probe")
        else:
            self.string(sheet, 1, 0, "纳入汇总的报表没有发现问题。", self.styles.remark)
        self.finish(sheet, rows.count, len(FINDING_COLUMNS))

    def finding_rows(self, entry: Entry) -> list[tuple[str, ...]]:
        form, rows = entry.form, []
        who = (entry.agency or NO_NAME, entry.name, entry.status)
        for problem in form.problems:  # reader remarks (a missing name …): not a rule, but worth fixing
            rows.append((*who, "（读取）", "提示", "", "", "", "", problem, ""))
        for finding in entry.findings:
            main = finding.cells[0] if finding.cells else ""
            level = "已说明" if finding.explained else SEVERITY.get(finding.severity, finding.severity)
            rows.append((*who, finding.rule_id, level, finding.location, form.addresses.get(main, ""),
                         finding.actual, finding.expected, finding.message, finding.explanation))
        return rows
