"""Printing file results for the person at the terminal, shared by validate and audit."""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..validate import FileResult

BATCH = 200  # one-line results printed per call
LEVEL = {"error": "[red]错误[/red]", "warning": "[yellow]警告[/yellow]"}


def make_console() -> Console:
    """Wide enough for the findings table when the output goes to a file or pipe."""
    return Console(highlight=False, width=160 if not Console().is_terminal else None)


def print_results(results: Iterable[FileResult], console: Console | None = None) -> None:
    """One pass, so ``results`` may be a stream (xxgk validate prints as workers deliver).

    Files with nothing to show but their one line are printed many lines per call:
    rich costs a third of a millisecond per call, which a province's 10,000 files feel.
    """
    console = console or make_console()
    counts: Counter = Counter()
    lines: list[str] = []
    for result in results:
        counts[result.status] += 1
        if result.report is not None and not result.report.findings and not result.report.form.problems:
            lines.append(head_line(result))
            if len(lines) < BATCH:
                continue
        if lines:
            console.print("\n".join(lines))
            lines = []
        if result.report is None or result.report.findings or result.report.form.problems:
            print_result(console, result)
    if lines:
        console.print("\n".join(lines))
    summary = "，".join(f"{status} {n}" for status, n in counts.items())
    console.print(f"共 {sum(counts.values())} 个文件：{summary}。")


def head_line(result: FileResult) -> str:
    """The first line about a file, as rich markup; what came from the file is escaped."""
    if result.error:
        return f"[bold]{escape(str(result.path))}[/bold]  [red]无法读取[/red]：{escape(result.error.reason)}"
    report, form = result.report, result.report.form
    agency = form.values.get("cover.agency") or "（未填单位名称）"
    year = form.values.get("cover.year") or "？"
    return (f"[bold]{escape(str(result.path))}[/bold]  {form.format_id} 版格式 · {escape(str(agency))} · "
            f"{escape(str(year))} 年度 · {report.status}（错误 {len(report.errors)}，警告 {len(report.warnings)}，"
            f"已说明 {len(report.explained)}）")


def print_result(console: Console, result: FileResult) -> None:
    console.print(head_line(result))
    if result.error:
        return
    report, form = result.report, result.report.form
    for problem in form.problems:
        console.print(f"  · {escape(problem)}")
    if not report.findings:
        return
    table = Table(show_lines=False, pad_edge=False)
    for header in ("规则", "级别", "位置", "单元格", "实为", "应为", "说明"):
        table.add_column(header, overflow="fold")
    for f in report.findings:
        level = "[cyan]已说明[/cyan]" if f.explained else LEVEL[f.severity]
        cell = form.addresses.get(f.cells[0], "") if f.cells else ""
        text = f.message + (f"（单位说明：{f.explanation}）" if f.explained else "")
        shown = [escape(t) for t in (f.rule_id, f.location, cell, f.actual, f.expected, text)]  # values are not markup
        table.add_row(*shown[:1], level, *shown[1:])
    console.print(table)
