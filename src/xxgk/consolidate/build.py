"""Writing the district summary: the template filled with the sums, plus the summary's own sheets.

One XlsxWriter workbook, built in memory by the template builder and written
atomically by it: an interrupted run leaves no half-written summary, and a
previous summary stays untouched until the new one is complete.
"""
from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Sequence

from ..formats import Format
from ..model import Finding, LiveCheck
from ..readers import read_workbook
from ..rules import RuleSet
from ..template import build_workbook
from .charts import ChartWriter
from .compare_sheet import CompareWriter
from .assemble import splice
from .detail_stream import detail_part
from .members import sheet_member
from .labels import SHEET_DETAIL, SHEET_FINDINGS, SHEET_STATUS
from .result import ConsolidationResult, Entry
from .sheets import SheetWriter
from .sums import agencies_form


def cover_values(result: ConsolidationResult) -> dict:
    return {"cover.agency": result.district, "cover.year": result.year,
            "cover.date": dt.date.today().isoformat()}


def write_summary(result: ConsolidationResult, fmt: Format, sums: dict, top: Sequence[tuple[Entry, object]],
                  checks: Sequence[LiveCheck], roster_given: bool) -> bytes:
    """Write the summary; return it as it was before the streamed rows went in (for ``summary_problems``).

    ``top`` are the agencies with the most new applications, with that number (``gather.fold``).
    """
    included = [e for e in result.entries if e.included]
    title = f"{result.district} {result.year} 年度政府信息公开工作年度报告 汇总图表（{len(included)} 个单位）"

    written = {}

    def extend(workbook) -> None:
        ChartWriter(workbook, fmt, sums, top, title).write()
        if result.comparison is not None:
            CompareWriter(workbook, result.comparison, result.district).write()
        sheets = written["sheets"] = SheetWriter(workbook, result, fmt)
        sheets.status_sheet()
        sheets.missing_sheet(roster_given)
        sheets.detail_sheet()
        sheets.findings_sheet()

    def write(data: bytes, target: Path) -> None:  # the rows of 报送情况, 分单位明细, 问题清单 go straight in
        written["data"] = data
        sheets = written["sheets"]
        status = sheets.status_rows
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            member = {name: sheet_member(archive, name) for name in (SHEET_STATUS, SHEET_DETAIL, SHEET_FINDINGS)}
        rels = member[SHEET_STATUS].replace("worksheets/", "worksheets/_rels/", 1) + ".rels"
        parts = {member[SHEET_STATUS]: status.sheet, member[SHEET_DETAIL]: detail_part(sheets.detail_rows)}
        if sheets.finding_rows_part is not None:
            parts[member[SHEET_FINDINGS]] = sheets.finding_rows_part.sheet
        splice(data, target, parts,
               lambda: {rels: lambda _xml, out: status.relationships(out)} if status.linked else {},
               aside={member[SHEET_DETAIL], member[SHEET_FINDINGS]})  # made in a second process meanwhile

    build_workbook(result.output, fmt, live_checks=checks, values={**sums, **cover_values(result)}, extend=extend,
                   write=write)
    return written["data"]


def summary_problems(output: Path, fmt: Format, sums: dict, ruleset: RuleSet,
                     unstreamed: bytes | None = None) -> list[Finding]:
    """Read the written summary back and judge it against the sums of its agencies.

    Only findings that exist *because* the agencies' sums are given are returned
    (the rule set's summary rule, whatever it is called): the summary's other
    findings just repeat its agencies' errors.
    """
    if unstreamed is None:
        form = read_workbook(output)
    else:  # the same workbook without the detail rows: a province's 分单位明细 is beyond the reader's limits
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / output.name
            copy.write_bytes(unstreamed)
            form = read_workbook(copy)
            form.source = str(output)
    alone = {f.instance_id for f in ruleset.validate(form).findings}
    judged = ruleset.validate(form, agencies=agencies_form(fmt, sums, "各单位之和"))
    return [f for f in judged.findings if f.instance_id not in alone]
