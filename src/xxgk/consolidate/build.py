"""Writing the district summary: the template filled with the sums, plus the summary's own sheets.

One XlsxWriter workbook, built in memory by the template builder and written
atomically by it: an interrupted run leaves no half-written summary, and a
previous summary stays untouched until the new one is complete.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Callable, Mapping, Sequence

from ..formats import Format
from ..model import Finding, LiveCheck
from ..origin import SUMMARY
from ..readers import read_workbook
from ..rules import RuleSet
from ..template import build_workbook
from .charts import ChartWriter
from .compare_sheet import CompareWriter
from .result import ConsolidationResult, Entry
from .sheets import SheetWriter
from .sums import agencies_form


def cover_values(result: ConsolidationResult) -> dict:
    return {"cover.agency": result.district, "cover.year": result.year,
            "cover.date": dt.date.today().isoformat()}


def write_summary(result: ConsolidationResult, fmt: Format, sums: dict, top: Sequence[tuple[Entry, object]],
                  checks: Sequence[LiveCheck], roster_given: bool, sheet_writer: type[SheetWriter] = SheetWriter,
                  write: Callable[[SheetWriter, bytes, Path], Mapping[str, int]] | None = None) -> bytes | None:
    """Write the summary with ``sheet_writer``'s sheets (the plain writer's, unless the speed layer gives its own).

    ``top`` are the agencies with the most new applications, with that number.
    ``write(sheets, data, temporary_path)``, when given, writes the finished workbook
    itself (the speed layer streams its long sheets in there) and returns the parts
    it parsed on the way (``readers.package``); then the workbook as it was before
    that is returned, for ``summary_problems``.
    """
    included = [e for e in result.entries if e.included]
    title = f"{result.district} {result.year} 年度政府信息公开工作年度报告 汇总图表（{len(included)} 个单位）"

    written = {}

    def extend(workbook) -> None:
        ChartWriter(workbook, fmt, sums, top, title).write()
        if result.comparison is not None:
            CompareWriter(workbook, result.comparison, result.district).write()
        sheets = written["sheets"] = sheet_writer(workbook, result, fmt)
        sheets.status_sheet()
        sheets.missing_sheet(roster_given)
        sheets.detail_sheet()
        sheets.findings_sheet()

    def write_workbook(data: bytes, target: Path) -> Mapping[str, int]:
        written["data"] = data
        return write(written["sheets"], data, target)

    build_workbook(result.output, fmt, live_checks=checks, values={**sums, **cover_values(result)}, extend=extend,
                   write=write_workbook if write is not None else None, origin=SUMMARY)
    return written.get("data")


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
