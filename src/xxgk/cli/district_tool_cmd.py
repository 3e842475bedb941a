"""``xxgk district-tool``: the district office's macro workbook with one 汇总 button."""
from __future__ import annotations

import click

from .common import friendly_errors

DEFAULT_OUTPUT = "区汇总工具.xlsm"


@click.command("district-tool")
@click.option("-o", "--output", default=DEFAULT_OUTPUT, show_default=True, metavar="FILE",
              help="输出的区汇总工具（.xlsm）。")
@friendly_errors
def command(output: str) -> None:
    """生成区汇总工具：填写报送文件夹、单位名单和年度，点击“汇总”即可汇总（需本机安装 Python、xxgk 和 xlwings）。"""
    from ..excel.workbooks import build_district_tool

    build_district_tool(output)
    click.echo(f"已生成区汇总工具：{output}")
