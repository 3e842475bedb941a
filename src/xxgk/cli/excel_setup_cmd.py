"""``xxgk excel-setup``: tell xlwings which Python runs the buttons (the user's xlwings.conf)."""
from __future__ import annotations

import click

from .common import friendly_errors


@click.command("excel-setup")
@friendly_errors
def command() -> None:
    """设置 Excel 按钮使用本机的这个 Python：写入 %USERPROFILE%\\.xlwings\\xlwings.conf 的 INTERPRETER_WIN 一行（其他设置不变）。

    安装.bat 安装完成后自动运行；换了 Python 或按钮提示找不到 Python 时，再运行一次即可。
    """
    from ..excel.conf import ansi_encoding, button_interpreter, conf_path, conf_value, user_profile, write_interpreter

    profile = user_profile()
    conf, interpreter = conf_path(profile), button_interpreter()
    value = conf_value(interpreter, profile)
    write_interpreter(conf, value, ansi_encoding())
    click.echo(f"已写入 {conf}：Excel 按钮将使用 {interpreter}")
