"""xxgk consolidate: roll a district's agency workbooks into one summary workbook."""
from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .. import speed
from ..catalogue import NOT_RECEIVED, REJECTED_STATUSES, RosterStatus, Status
from ..consolidate import STATUSES, ConsolidationResult, consolidate
from ..pathtext import readable
from ..rules import RulesError, load_rules
from .common import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, fail, friendly_errors
from .notices import CAREFUL_HELP, print_notices

STATUS_COLOUR = {Status.PASSED: "green", Status.UNREADABLE: "red", Status.ERRORS: "red", Status.WARNINGS: "yellow",
                 Status.REPLACED: "dim", Status.SUMMARY_LEFT_OUT: "dim", Status.MARKED_COPY: "dim"}
REFRESH_SECONDS = 0.1


@click.command("consolidate")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="INPUT...")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              metavar="汇总.xlsx", help="汇总表文件（.xlsx）；先写临时文件，完成后才替换。")
@click.option("--year", type=click.IntRange(2000, 2100), help="汇总的报告年度；默认取报表中最常见的年度。")
@click.option("--roster", type=click.Path(dir_okay=False, path_type=Path), metavar="名单.xlsx|.csv",
              help="应报送单位名单（“单位名称”列或第一列），用于列出未报送单位。")
@click.option("--previous", type=click.Path(path_type=Path), metavar="上年汇总.xlsx|文件夹",
              help="上年汇总表或上年各单位报表所在文件夹，用于跨年核对（上年结转、数据突变）。")
@click.option("--exclude-invalid", is_flag=True, help="有错误的报表不纳入汇总（状态为“已排除”）。")
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False), help="规则文件，默认为 rules.yaml。")
@click.option("--district", help="汇总表封面上的单位名称，如“某某区”；默认为“汇总（N 个单位）”。")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), metavar="明细.csv",
              help="另存纳入汇总的各单位数字为“长表”CSV（每个单位每个数一行，UTF-8 带 BOM，Excel 可直接打开）。")
@click.option("--feedback", type=click.Path(file_okay=False, path_type=Path), metavar="退回/",
              help="为有错误、有待核实警告、无法读取或年度/格式不符的单位，在此文件夹生成退回通知（.txt）、"
                   "标记副本和“退回清单.xlsx”。")
@click.option("--due", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="退回通知中的重新报送期限；默认为 7 天后。")
@click.option("--careful", is_flag=True, help=CAREFUL_HELP)
@click.option("--force", is_flag=True, help="-o 已存在且不是本工具生成的汇总表时也覆盖（输入文件永远不会被覆盖）。")
@friendly_errors
def command(inputs, output, year, roster, previous, exclude_invalid, rules_file, district, csv_path, feedback,
            due, careful, force) -> None:
    """汇总各单位报送的工作簿，生成同样格式的区汇总表。

    \b
    INPUT 可以是文件和文件夹（含子文件夹）的任意组合。文件夹中取所有表格文件
    （.xlsx .xlsm .xls .xlsb .et .ett .ods .csv，不论真假，读不了的列为“无法读取”），
    以及扩展名不同但内容是工作簿的文件；其他文件（如报告正文 .docx、.pdf）跳过并计数；
    隐藏文件和 ~$ 开头的 Office 锁文件不计。命令行上直接给出的文件一律处理。
    断开或循环的链接、管道等不是普通文件的项列为“无法读取”。本工具的输出按内容认出：
    标记副本列为“标记副本（未计入）”；汇总表代表其各单位（市汇总），其单位都已另行报送时
    列为“汇总表（未计入）”。-o 是（或链接到）输入文件时拒绝执行；-o 已存在时只替换本工具
    生成的汇总表（或空文件），其他文件不覆盖，除非加 --force。

    \b
    汇总表含：封面和表二至表四（各单位之和）、图表、报送情况（每个文件一行）、
    未报送、分单位明细、问题清单。同一单位（名称相同，不计空格和看不见的字符；名称空白时
    看信用代码）报送多份时，取填报日期最新的一份（日期相同取修改时间较新的），其余列为
    “重复（已被替代）”。同一信用代码出现在名称不同的报表中时各自纳入，并给出警告。

    \b
    退出码：
      0  所有文件均可读取，纳入汇总的报表都没有错误，也没有因年度、格式或错误被排除的文件
         （重复而被替代的文件、未计入的汇总表和标记副本、警告、未报送单位不影响退出码）；
      1  纳入汇总的报表有错误，或有文件因年度不符、格式不符、已排除而未纳入；
      2  有文件无法读取，或参数、名单、规则文件、输出位置有误，或汇总表写入后自检未通过；
    130  按 Ctrl-C 中断。
    """
    if feedback is not None:
        from ..feedback import check_folder

        check_folder(feedback, inputs)
    try:
        ruleset = load_rules(rules_file)
    except RulesError as err:
        fail("规则文件有误：\n" + "\n".join(err.problems))
    with _progress() as bar:
        task = bar.add_task("读取报表", total=None, file="")
        shown = [0.0]

        def advance(done: int, total: int, path: Path) -> None:
            bar.update(task, completed=done, total=total, file=escape(readable(path.name)))
            now = time.monotonic()
            if now - shown[0] >= REFRESH_SECONDS or done == total:  # redrawn here: the bar has no thread
                shown[0] = now
                bar.refresh()

        result = consolidate(inputs, output, year=year, roster=roster, previous=previous,
                             exclude_invalid=exclude_invalid, ruleset=ruleset, district=district,
                             progress=advance, csv=csv_path, careful=careful, force=force)
    print_result(result)
    print_notices(result.notices)
    if feedback is not None:
        _send_back(result, feedback, due.date() if due else None)
    speed.save_counts()
    raise SystemExit(exit_code(result))


def _send_back(result: ConsolidationResult, folder: Path, due) -> None:
    from ..feedback import LIST_NAME, write_feedback

    returned = write_feedback(result, folder, due=due)
    console = Console(highlight=False, soft_wrap=True)
    if not returned:
        console.print(f"没有需要退回的报表；已写入 {escape(str(folder / LIST_NAME))}。")
        return
    marked = sum(1 for item in returned if item.marked is not None)
    console.print(f"退回 {len(returned)} 个单位：通知 {len(returned)} 份、标记副本 {marked} 份，"
                  f"清单 {escape(str(folder / LIST_NAME))}")


def exit_code(result: ConsolidationResult) -> int:
    if any(e.status == Status.UNREADABLE for e in result.entries):
        return EXIT_UNREADABLE
    rejected = any(e.status in REJECTED_STATUSES for e in result.entries)
    if result.errors or rejected or result.summary_problems:
        return EXIT_FINDINGS
    return EXIT_OK


def _progress() -> Progress:
    """A progress bar redrawn by ``advance`` alone: no refresh thread, so worker processes may be forked
    (a child forked beside a running thread may inherit a lock it holds; see parallel.fork_is_safe)."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("{task.fields[file]}"), console=Console(stderr=True), transient=True,
                    auto_refresh=False)


def print_result(result: ConsolidationResult) -> None:
    console = Console(highlight=False, soft_wrap=True)
    for entry in result.entries:
        if entry.status == Status.PASSED:
            continue
        colour = STATUS_COLOUR.get(entry.status, "magenta")
        # an excluded file's note says why; an included one's first message says what is wrong
        detail = "；".join(([] if entry.note and not entry.included else entry.messages[:1])
                          + ([entry.note] if entry.note else []))
        agency = f"（{escape(entry.agency)}）" if entry.agency else ""
        console.print(f"  [{colour}]{entry.status}[/{colour}]  {escape(entry.name)}{agency}"
                      f"{'：' + escape(detail) if detail else ''}")
    for agency in result.missing:
        label = RosterStatus.NOT_SENT if agency.note == NOT_RECEIVED else RosterStatus.LEFT_OUT
        console.print(f"  [magenta]{label}[/magenta]  {escape(agency.name)}：{escape(agency.note)}")
    if result.skipped:
        console.print(f"跳过 {len(result.skipped)} 个不是表格的文件（如 {escape(readable(result.skipped[0].name))}）。")
    for problem in result.summary_problems[:5]:
        console.print(f"[red]汇总表自检未通过[/red]：{escape(problem)}")
    counts = Counter(e.status for e in result.entries)
    breakdown = "，".join(f"{s} {counts[s]}" for s in STATUSES if counts[s])
    console.print(f"报表状态：{breakdown}。" + (f"名单中未纳入汇总的单位 {len(result.missing)} 个。" if result.missing else ""))
    console.print(f"已写入汇总表：{escape(str(result.output))}（{result.year} 年度，{result.format_id} 版格式）")
    if result.csv is not None:
        console.print(f"已写入明细：{escape(str(result.csv))}")
    files = len({e.path for e in result.entries})
    shown = f"{files} 个文件" if files == len(result.entries) else f"{files} 个文件（含汇总表，共 {len(result.entries)} 份报表）"
    console.print(f"{shown}，纳入 {result.included}，排除 {result.excluded}，"
                  f"错误 {result.errors}，警告 {result.warnings}，用时 {result.seconds:.1f} 秒")
