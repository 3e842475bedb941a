"""Writing the district summary: the template filled with the sums, plus the summary's own sheets.

One XlsxWriter workbook, built in memory by the template builder and written
atomically by it: an interrupted run leaves no half-written summary, and a
previous summary stays untouched until the new one is complete.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Sequence

from ..formats import Format
from ..model import Finding, LiveCheck
from ..readers import read_workbook
from ..rules import RuleSet
from ..template import build_workbook
from .charts import ChartWriter
from .detail_stream import splice
from .labels import SHEET_DETAIL
from .result import ConsolidationResult
from .sheets import SheetWriter
from .sums import agencies_form


def cover_values(result: ConsolidationResult) -> dict:
    return {"cover.agency": result.district, "cover.year": result.year,
            "cover.date": dt.date.today().isoformat()}


def write_summary(result: ConsolidationResult, fmt: Format, sums: dict, checks: Sequence[LiveCheck],
                  roster_given: bool) -> bytes:
    """Write the summary; return it as it was before 分单位明细's rows went in (for ``summary_problems``)."""
    included = [e for e in result.entries if e.included]
    title = f"{result.district} {result.year} 年度政府信息公开工作年度报告 汇总图表（{len(included)} 个单位）"

    written = {}

    def extend(workbook) -> None:
        ChartWriter(workbook, fmt, sums, included, title).write()
        sheets = written["sheets"] = SheetWriter(workbook, result, fmt)
        sheets.status_sheet()
        sheets.missing_sheet(roster_given)
        sheets.detail_sheet()
        sheets.findings_sheet()

    def write(data: bytes, target: Path) -> None:  # 分单位明细's rows go straight into the file
        written["data"] = data
        splice(data, target, SHEET_DETAIL, written["sheets"].detail_rows)

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
