"""``xxgk template``: build the locked, self-checking template workbook."""
from __future__ import annotations

from pathlib import Path

import click

from ..formats import DEFAULT_FORMAT, FORMATS, Format, get_format
from ..model import LiveCheck
from .common import fail, friendly_errors

DEFAULT_OUTPUT = "workbook_template.xlsx"


def live_checks(fmt: Format) -> list[LiveCheck]:
    """The live checks compiled from the project's rules.yaml."""
    from ..rules import RulesError, live_checks_for, load_rules

    try:
        return list(live_checks_for(fmt, load_rules(path=None)))
    except RulesError as err:
        fail("规则文件有误，无法生成实时校验：\n" + str(err))


def build_template(output: str | Path, format_id: str = DEFAULT_FORMAT) -> tuple[Format, int]:
    """Build the template of ``format_id`` into ``output``; returns the format and the live check count."""
    from ..template import build_workbook

    fmt = get_format(format_id)
    checks = live_checks(fmt)
    build_workbook(output, fmt, live_checks=checks)
    return fmt, len(checks)


@click.command("template")
@click.option("--format", "format_id", default=DEFAULT_FORMAT, show_default=True, metavar="2021|2019",
              help="报告格式：2021（国办公开办函〔2021〕30号）或 2019（〔2019〕60号）。")
@click.option("-o", "--output", default=DEFAULT_OUTPUT, show_default=True, metavar="FILE",
              help="输出的模板文件（.xlsx；带 --macros 时为 .xlsm）。")
@click.option("--macros", is_flag=True,
              help="生成带“校验/清除标记”按钮的 .xlsm 模板（填报人电脑需安装 Python、xxgk、xlwings）。")
@friendly_errors
def command(format_id: str, output: str, macros: bool) -> None:
    """生成填报模板：锁定的表格、数据有效性和实时校验。"""
    if format_id not in FORMATS:
        fail(f"未知的报告格式“{format_id}”，可选：{'、'.join(FORMATS)}。")
    if macros and output == DEFAULT_OUTPUT:
        output = str(Path(DEFAULT_OUTPUT).with_suffix(".xlsm"))
    suffix = ".xlsm" if macros else ".xlsx"
    if Path(output).suffix.lower() != suffix:
        fail(f"{output}：{'带按钮的' if macros else ''}模板文件名必须以 {suffix} 结尾。")
    if macros:
        from ..excel.workbooks import build_macro_template

        fmt, count = get_format(format_id), build_macro_template(output, format_id)
    else:
        fmt, count = build_template(output, format_id)
    click.echo(f"已生成模板：{output}（格式 {fmt.id}，{fmt.document}，{count} 项实时校验）")
