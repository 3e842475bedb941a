"""``xxgk template``: build the locked, self-checking template workbook, or hand it out prefilled."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..formats import DEFAULT_FORMAT, FORMATS, Format, get_format
from ..model import LiveCheck
from .common import fail, friendly_errors

if TYPE_CHECKING:  # the rule engine is imported only when live checks are compiled
    from ..rules import RuleSet

DEFAULT_OUTPUT = "workbook_template.xlsx"
DEFAULT_FOLDER = "下发"


def live_checks(fmt: Format, ruleset: RuleSet | None = None) -> list[LiveCheck]:
    """The live checks compiled from ``ruleset`` (default: the project's rules.yaml)."""
    from ..rules import RulesError, live_checks_for, load_rules

    try:
        return list(live_checks_for(fmt, ruleset or load_rules(path=None)))
    except RulesError as err:
        fail("规则文件有误，无法生成实时校验：\n" + str(err))


def work_in(path: Path) -> str | None:
    """What replacing ``path`` would lose, in Chinese; None when it is absent or an untouched blank template."""
    if not os.path.lexists(path) or path.is_dir():  # a folder in the way is refused when written
        return None
    from ..errors import ReadError
    from ..readers import read_workbook

    try:
        form = read_workbook(path)
    except ReadError:
        return "而且不是本工具生成的空白模板"
    fmt = get_format(form.format_id)
    filled = [key for key, value in form.values.items()
              if value not in (None, "") and (key in fmt.cover_fields or value != 0)]
    if filled or form.explanations:
        return f"其中已填写了 {len(filled) + len(form.explanations)} 项内容"
    return "而且是一份汇总表或标记副本" if form.origin else None


def build_template(output: str | Path, format_id: str = DEFAULT_FORMAT,
                   ruleset: RuleSet | None = None) -> tuple[Format, int]:
    """Build the template of ``format_id`` into ``output``; returns the format and the live check count.

    ``ruleset`` (default: the project's rules.yaml) saves loading the rules again when the caller holds them.
    """
    from ..template import build_workbook

    fmt = get_format(format_id)
    checks = live_checks(fmt, ruleset)
    build_workbook(output, fmt, live_checks=checks)
    return fmt, len(checks)


@click.command("template")
@click.option("--format", "format_id", default=None, metavar="2021|2019",
              help="报告格式：2021（国办公开办函〔2021〕30号）或 2019（〔2019〕60号）。默认 2021；按名单生成时默认按年度选择。")
@click.option("-o", "--output", default=None, metavar="FILE|文件夹",
              help=f"输出的模板文件（默认 {DEFAULT_OUTPUT}；带 --macros 时为 .xlsm）；按名单生成时为文件夹（默认 {DEFAULT_FOLDER}）。")
@click.option("--macros", is_flag=True,
              help="生成带“校验/清除标记”按钮的 .xlsm 模板（填报人电脑需安装 Python、xxgk、xlwings）。")
@click.option("--roster", type=click.Path(dir_okay=False, path_type=Path), metavar="名单.xlsx|.csv",
              help="按单位名单下发：每个单位一个工作簿，已填好单位名称、统一社会信用代码和报告年度。")
@click.option("--previous", type=click.Path(path_type=Path), metavar="上年汇总.xlsx|文件夹",
              help="上年汇总表或上年各单位报表所在文件夹：按各单位上年“结转下年度继续办理”预填本年“上年结转”（仍可修改）。")
@click.option("--year", type=click.IntRange(2000, 2100), help="报告年度（按名单生成时）；默认为上一个日历年。")
@click.option("--zip", "archive", is_flag=True, help="另把生成的工作簿打包为“文件夹名.zip”，便于邮件发送。")
@click.option("--force", is_flag=True,
              help="输出位置已有文件时仍覆盖：单个模板已填写过数据、按名单生成时已有同名文件（名单和上年报表本身永不覆盖）。")
@friendly_errors
def command(format_id, output, macros, roster, previous, year, archive, force) -> None:
    """生成填报模板：锁定的表格、数据有效性和实时校验；或按单位名单逐个生成预填的工作簿。

    已存在的模板文件只有在是未填写的空白模板时才会被替换；填写过数据（或不是本工具的模板）时
    不覆盖，除非加 --force。

    \b
    例：xxgk template --roster 名单.xlsx --previous 上年汇总.xlsx -o 下发 --zip
    """
    if roster is not None:
        if macros:
            fail("--roster 生成的是不带宏的 .xlsx 工作簿，不能与 --macros 一起使用。")
        hand_out(roster, Path(output or DEFAULT_FOLDER), year, previous, format_id, archive, force)
        return
    if previous is not None or year is not None or archive:
        fail("--previous、--year、--zip 只在按名单生成（--roster）时使用。")
    format_id = format_id or DEFAULT_FORMAT
    if format_id not in FORMATS:
        fail(f"未知的报告格式“{format_id}”，可选：{'、'.join(FORMATS)}。")
    output = output or (str(Path(DEFAULT_OUTPUT).with_suffix(".xlsm")) if macros else DEFAULT_OUTPUT)
    suffix = ".xlsm" if macros else ".xlsx"
    if Path(output).suffix.lower() != suffix:
        fail(f"{output}：{'带按钮的' if macros else ''}模板文件名必须以 {suffix} 结尾。")
    why = None if force else work_in(Path(output))
    if why:
        fail(f"{output}：文件已存在，{why}，覆盖会丢失这些内容。请用 -o 另选文件名；确需覆盖请加 --force。")
    if macros:
        from ..excel.workbooks import build_macro_template

        fmt, count = get_format(format_id), build_macro_template(output, format_id)
    else:
        fmt, count = build_template(output, format_id)
    click.echo(f"已生成模板：{output}（格式 {fmt.id}，{fmt.document}，{count} 项实时校验）")


def hand_out(roster: Path, folder: Path, year, previous, format_id, archive: bool, force: bool) -> None:
    from ..handout import hand_out as write_all
    from ..rules import RulesError, load_rules

    if format_id is not None and format_id not in FORMATS:
        fail(f"未知的报告格式“{format_id}”，可选：{'、'.join(FORMATS)}。")
    try:
        ruleset = load_rules()
    except RulesError as err:
        fail("规则文件有误，无法生成实时校验：\n" + "\n".join(err.problems))
    with click.progressbar(length=0, label="生成工作簿", file=click.get_text_stream("stderr")) as bar:
        def advance(done: int, total: int, _agency: str) -> None:
            bar.length = total
            bar.update(1)

        result = write_all(roster, folder, year=year, previous=previous, format_id=format_id, archive=archive,
                           force=force, ruleset=ruleset, progress=advance)
    carried = sum(1 for w in result.workbooks if w.carried)
    for item in result.workbooks:
        click.echo(f"  {item.path.name}：{item.note}" if previous is not None else f"  {item.path.name}")
    if result.previous_years and result.previous_years != [result.year - 1]:
        years = "、".join(map(str, result.previous_years))
        click.echo(f"注意：上年报表的报告年度为 {years}，不是 {result.year - 1} 年度，请确认 --previous 是否选对。")
    if result.not_on_roster:
        click.echo(f"上年报送、但不在名单中的单位 {len(result.not_on_roster)} 个：{'、'.join(result.not_on_roster)}")
    click.echo(f"已在 {result.folder} 生成 {len(result.workbooks)} 个工作簿（{result.year} 年度，{result.format_id} 版格式"
               + (f"，{carried} 个已预填上年结转" if previous is not None else "") + "）")
    if result.archive is not None:
        click.echo(f"已打包：{result.archive}")
