"""xxgk demo: the district's whole year on sample data, in one command."""
from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from .. import speed
from ..consolidate import consolidate
from ..demo import DEMO_YEAR, DISTRICT, write_last_year, write_roster, write_sample_folder
from ..rules import RulesError, load_rules
from .common import fail, friendly_errors
from .consolidate_cmd import STATUS_COLOUR, print_result
from .template_cmd import build_template

TEMPLATE_NAME = "workbook_template.xlsx"
SUBMISSIONS = "报送"
ROSTER_NAME = "名单.csv"
SUMMARY_NAME = "汇总.xlsx"
LAST_YEAR = "上年"
LAST_SUMMARY = "上年汇总.xlsx"
HANDOUT = "下发"
FEEDBACK = "退回"
DETAIL_CSV = "明细.csv"


@click.command("demo")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@friendly_errors
def command(folder: Path) -> None:
    """生成示例并走一遍区政务公开办的一年：下发、收集、校验、退回、汇总、同比。

    \b
    在 FOLDER 中生成：
      workbook_template.xlsx  空白填报模板（2021 版，带实时校验）
      名单.csv                应报送单位名单（其中两个单位没有报送）
      上年/  上年汇总.xlsx     上一年度各单位报表及其汇总表
      下发/  下发.zip          按名单预填的工作簿（单位名称、信用代码、年度、上年结转）
      报送/                   示例单位报送的工作簿（带实时校验）：多数无误，有的有错误或警告，
                              一个单位报了两份，一份年度不符，一份用了旧格式，一份已损坏
      汇总.xlsx               区汇总表（含“同比”工作表）
      退回/                   退回通知、标记副本和退回清单.xlsx
      明细.csv                各单位数字的长表，供分析
    示例数据本身就带有问题，所以本命令总以退出码 0 结束。
    """
    try:
        ruleset = load_rules()
    except RulesError as err:
        fail("规则文件有误：\n" + "\n".join(err.problems))
    from ..feedback import LIST_NAME, write_feedback
    from ..handout import hand_out

    console = Console(highlight=False, soft_wrap=True)
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / TEMPLATE_NAME
    fmt, checks = build_template(template, "2021", ruleset)
    console.print(f"1. 填报模板：{escape(str(template))}（{fmt.id} 版格式，{checks} 项实时校验）")
    samples = write_sample_folder(folder / SUBMISSIONS, DEMO_YEAR, ruleset=ruleset)  # what comes back, made first: last year fits it
    roster = folder / ROSTER_NAME
    write_roster(roster, list(dict.fromkeys(s.agency for s in samples)))
    last = write_last_year(folder / LAST_YEAR, samples, DEMO_YEAR)
    previous = folder / LAST_SUMMARY
    consolidate([folder / LAST_YEAR], previous, year=DEMO_YEAR - 1, ruleset=ruleset, district=DISTRICT)
    console.print(f"2. 上年汇总：{escape(str(previous))}（{len(last)} 个单位）；单位名单：{escape(str(roster))}")
    handed = hand_out(roster, folder / HANDOUT, year=DEMO_YEAR, previous=previous, archive=True, force=True,
                      ruleset=ruleset)
    console.print(f"3. 下发（xxgk template --roster {ROSTER_NAME} --previous {LAST_SUMMARY} -o {HANDOUT} --zip）："
                  f"{len(handed.workbooks)} 个预填工作簿，{sum(1 for w in handed.workbooks if w.carried)} 个已预填"
                  f"上年结转；{escape(str(handed.archive))}")
    console.print(f"4. 收到报送：{escape(str(folder / SUBMISSIONS))}（{len(samples)} 个文件），逐个校验（xxgk validate）：")
    # the pipeline `xxgk validate` takes (the speed layer unless XXGK_CAREFUL is set), results in order
    for checked in speed.pipeline().check_files([s.path for s in samples], ruleset, None):
        colour = STATUS_COLOUR.get(checked.status, "magenta")
        console.print(f"   [{colour}]{checked.status}[/{colour}]  {escape(checked.path.name)}")
    summary = folder / SUMMARY_NAME
    console.print(f"5. 汇总（xxgk consolidate {SUBMISSIONS} -o {SUMMARY_NAME} --roster {ROSTER_NAME} "
                  f"--previous {LAST_SUMMARY} --feedback {FEEDBACK} --csv {DETAIL_CSV}）：")
    result = consolidate([folder / SUBMISSIONS], summary, year=DEMO_YEAR, roster=roster, previous=previous,
                         ruleset=ruleset, district=DISTRICT, csv=folder / DETAIL_CSV)
    print_result(result)
    returned = write_feedback(result, folder / FEEDBACK)
    console.print(f"6. 退回：{len(returned)} 个单位，通知和标记副本在 {escape(str(folder / FEEDBACK))}，"
                  f"清单 {escape(str(folder / FEEDBACK / LIST_NAME))}")
    console.print(f"请打开 {escape(str(summary))} 查看汇总表、同比、图表、报送情况、未报送单位和问题清单。")
