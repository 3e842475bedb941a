"""What validate and consolidate share about the speed layer: the --careful switch, and its notices."""
from __future__ import annotations

from typing import Iterable

import click

CAREFUL_HELP = "谨慎模式：不用加速层，逐个文件用严格读取器和规则引擎处理（结果相同，较慢）；也可设置环境变量 XXGK_CAREFUL=1。"


def print_notices(notices: Iterable[str]) -> None:
    """Each notice of a child or worker that failed (its log file named), on stderr."""
    for notice in notices:
        click.echo(f"注意：{notice}", err=True)
