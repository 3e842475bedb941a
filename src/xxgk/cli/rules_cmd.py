"""xxgk rules: inspect and check a rules file."""
from __future__ import annotations

import click

from ..catalogue import Level
from ..rules import RulesError, default_rules_path, load_rules
from .common import EXIT_UNREADABLE


@click.group("rules")
def command() -> None:
    """校验规则文件（rules.yaml）的检查与查看。"""


@command.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
def check(file: str | None) -> None:
    """检查规则文件 FILE（默认为项目的 rules.yaml）：语法、字段、单元格引用、重复编号。"""
    path = file or str(default_rules_path())
    try:
        ruleset = load_rules(path)
    except RulesError as err:
        for line in err.problems:
            click.echo(line, err=True)
        click.echo(f"规则文件有 {len(err.problems)} 处问题。", err=True)
        raise SystemExit(EXIT_UNREADABLE) from None
    counts = {fid: len(ruleset.instances(fid)) for fid in ("2021", "2019")}
    click.echo(f"{path}：{len(ruleset.specs)} 条规则均有效（2021 格式展开为 {counts['2021']} 项检查，"
               f"2019 格式 {counts['2019']} 项）。")


@command.command("list")
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False), help="规则文件，默认为 rules.yaml。")
def list_rules(rules_file: str | None) -> None:
    """列出全部规则：编号、级别、适用格式、检查内容。"""
    try:
        ruleset = load_rules(rules_file)
    except RulesError as err:
        click.echo("\n".join(err.problems), err=True)
        raise SystemExit(EXIT_UNREADABLE) from None
    for spec in ruleset.specs:
        level = Level(spec.severity).label
        click.echo(f"{spec.id}\t{level}\t{'/'.join(spec.formats)}\t{spec.title}")
