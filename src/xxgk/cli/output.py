"""Printing file results for the person at the terminal, shared by validate and audit."""
from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from ..validate import FileResult

LEVEL = {"error": "[red]错误[/red]", "warning": "[yellow]警告[/yellow]"}


def make_console() -> Console:
    """Wide enough for the findings table when the output goes to a file or pipe."""
    return Console(highlight=False, width=160 if not Console().is_terminal else None)


def print_results(results: list[FileResult], console: Console | None = None) -> None:
    console = console or make_console()
    for result in results:
        print_result(console, result)
    counts = Counter(r.status for r in results)
    summary = "，".join(f"{status} {n}" for status, n in counts.items())
    console.print(f"共 {len(results)} 个文件：{summary}。")


def print_result(console: Console, result: FileResult) -> None:
    if result.error:
        console.print(f"[bold]{result.path}[/bold]  [red]无法读取[/red]：{result.error.reason}")
        return
    report, form = result.report, result.report.form
    agency = form.values.get("cover.agency") or "（未填单位名称）"
    year = form.values.get("cover.year") or "？"
    console.print(f"[bold]{result.path}[/bold]  {form.format_id} 版格式 · {agency} · {year} 年度 · "
                  f"{report.status}（错误 {len(report.errors)}，警告 {len(report.warnings)}，"
                  f"已说明 {len(report.explained)}）")
    for problem in form.problems:
        console.print(f"  · {problem}")
    if not report.findings:
        return
    table = Table(show_lines=False, pad_edge=False)
    for header in ("规则", "级别", "位置", "单元格", "实为", "应为", "说明"):
        table.add_column(header, overflow="fold")
    for f in report.findings:
        level = "[cyan]已说明[/cyan]" if f.explained else LEVEL[f.severity]
        cell = form.addresses.get(f.cells[0], "") if f.cells else ""
        text = f.message + (f"（单位说明：{f.explanation}）" if f.explained else "")
        table.add_row(f.rule_id, level, f.location, cell, f.actual, f.expected, text)
    console.print(table)
