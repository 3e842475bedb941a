"""xxgk demo: the whole district workflow on sample data, in one command."""
from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from ..consolidate import consolidate
from ..demo import DEMO_YEAR, DISTRICT, write_roster, write_sample_folder
from ..rules import RulesError, load_rules
from ..validate import check_file
from .common import fail, friendly_errors
from .consolidate_cmd import STATUS_COLOUR, print_result
from .template_cmd import build_template

TEMPLATE_NAME = "workbook_template.xlsx"
SUBMISSIONS = "报送"
ROSTER_NAME = "名单.csv"
SUMMARY_NAME = "汇总.xlsx"


@click.command("demo")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@friendly_errors
def command(folder: Path) -> None:
    """生成示例并走一遍完整流程：模板、示例单位报表、校验、区汇总。

    \b
    在 FOLDER 中生成：
      workbook_template.xlsx  空白填报模板（2021 版，带实时校验）
      报送/                   示例单位报送的工作簿：多数无误，有的有错误或警告，
                              一个单位报了两份，一份年度不符，一份用了旧格式，一份已损坏
      名单.csv                应报送单位名单（其中两个单位没有报送）
      汇总.xlsx               区汇总表
    示例数据本身就带有问题，所以本命令总以退出码 0 结束。
    """
    try:
        ruleset = load_rules()
    except RulesError as err:
        fail("规则文件有误：\n" + "\n".join(err.problems))
    console = Console(highlight=False, soft_wrap=True)
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / TEMPLATE_NAME
    fmt, checks = build_template(template, "2021")
    console.print(f"1. 填报模板：{escape(str(template))}（{fmt.id} 版格式，{checks} 项实时校验）")
    samples = write_sample_folder(folder / SUBMISSIONS, DEMO_YEAR)
    roster = folder / ROSTER_NAME
    write_roster(roster, list(dict.fromkeys(s.agency for s in samples)))
    console.print(f"2. 示例报送：{escape(str(folder / SUBMISSIONS))}（{len(samples)} 个文件），"
                  f"单位名单：{escape(str(roster))}")
    console.print("3. 逐个校验（xxgk validate）：")
    for sample in samples:
        status = check_file(sample.path, ruleset).status
        colour = STATUS_COLOUR.get(status, "magenta")
        console.print(f"   [{colour}]{status}[/{colour}]  {escape(sample.path.name)}")
    summary = folder / SUMMARY_NAME
    console.print(f"4. 汇总（xxgk consolidate {SUBMISSIONS} -o {SUMMARY_NAME} --roster {ROSTER_NAME}）：")
    result = consolidate([folder / SUBMISSIONS], summary, year=DEMO_YEAR, roster=roster, ruleset=ruleset,
                         district=DISTRICT)
    print_result(result)
    console.print(f"请打开 {escape(str(summary))} 查看汇总表、图表、报送情况、未报送单位和问题清单。")
