"""The summary's three long sheets streamed into the file (speed layer): what ``sheets.SheetWriter``
writes row by row through XlsxWriter, made as XML after the workbook is done.

XlsxWriter writes each sheet's header and *probe* rows (one cell per style the
rows use, so the style ids are XlsxWriter's own and styles.xml numbers them as
the plain writer would); ``write_streamed`` then copies the workbook into the
output with the probes replaced by the real rows (``assemble.splice``), 分单位明细
in a child process meanwhile (made and parsed, it is about half the work). The
rows are those the plain writer writes, cell for cell (tests/test_modes.py
compares the two files).
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from xlsxwriter.worksheet import Worksheet

from .assemble import splice
from .detail_stream import DetailRows, detail_part, write_probe
from .labels import SHEET_DETAIL, SHEET_FINDINGS, SHEET_STATUS
from .members import sheet_member
from .sheets import (FINDING_COLUMNS, NO_FINDINGS, STATUS_COLUMNS, SheetWriter, status_colours)
from .status_stream import FindingRows, StatusRows, probe_statuses

ASIDE = SHEET_DETAIL  # what the child makes, in words


class StreamedSheets(SheetWriter):
    """SheetWriter whose 报送情况, 分单位明细 and 问题清单 hold probe rows, their real rows made later."""

    status_rows: StatusRows
    detail_stream: DetailRows
    finding_stream: FindingRows | None = None

    def status_sheet(self) -> None:
        sheet = self.workbook.add_worksheet(SHEET_STATUS)
        self.header(sheet, STATUS_COLUMNS)
        entries = self.result.entries
        for row, status in enumerate(probe_statuses(entries), start=1):
            if row == 1:
                sheet.write_number(row, 0, 0, self.styles.cell)
                sheet.write_string(row, 1, "probe", self.styles.link)
            sheet.write_string(row, 5, "probe", self.styles.status(*status_colours(status)))
        self.status_rows = StatusRows(self.relative, entries, STATUS_COLUMNS)
        self.finish(sheet, len(entries), len(STATUS_COLUMNS))

    def detail_rows(self, sheet: Worksheet, included: list, fixed: int) -> None:
        write_probe(sheet, self.styles.cell, self.styles.number, fixed)
        self.detail_stream = DetailRows(included, self.fmt, fixed)

    def findings_sheet(self) -> None:
        sheet = self.workbook.add_worksheet(SHEET_FINDINGS)
        self.header(sheet, FINDING_COLUMNS)
        rows = FindingRows(self.listed(), self.finding_rows, FINDING_COLUMNS)
        if rows.count:
            self.finding_stream = rows
            self.string(sheet, 1, 0, "probe")
        else:
            self.string(sheet, 1, 0, NO_FINDINGS, self.styles.remark)
        self.finish(sheet, rows.count, len(FINDING_COLUMNS))


def write_streamed(sheets: StreamedSheets, data: bytes, target: Path) -> dict[str, int]:
    """Write workbook ``data`` to ``target`` with the probe rows of ``sheets`` replaced by the real rows;
    the members parsed on the way, with their CRC-32 (``assemble.splice``)."""
    status = sheets.status_rows
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        member = {name: sheet_member(archive, name) for name in (SHEET_STATUS, SHEET_DETAIL, SHEET_FINDINGS)}
    rels = member[SHEET_STATUS].replace("worksheets/", "worksheets/_rels/", 1) + ".rels"
    parts = {member[SHEET_STATUS]: status.sheet, member[SHEET_DETAIL]: detail_part(sheets.detail_stream)}
    if sheets.finding_stream is not None:
        parts[member[SHEET_FINDINGS]] = sheets.finding_stream.sheet
    return splice(data, target, parts,
                  lambda: {rels: lambda _xml, out: status.relationships(out)} if status.linked else {},
                  aside={member[SHEET_DETAIL]}, what=ASIDE)  # made in a second process meanwhile
