"""Every command is documented in the README, and CI runs exactly the README's test command."""
from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from xxgk.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def all_commands(group: click.Group, prefix: str = "xxgk"):
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None and command.name == name, f"{prefix} {name} is not wired to its module"
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from all_commands(command, f"{prefix} {name}")


@pytest.mark.parametrize("name,command", list(all_commands(main)), ids=lambda v: v if isinstance(v, str) else "")
def test_command_is_documented(name, command):
    assert f"`{name}" in README, f"README does not document `{name}`"
    assert command.help and re.search(r"[\u4e00-\u9fff]", command.help), f"{name} has no Chinese help text"


def test_ci_runs_the_readme_test_command():
    blocks = re.findall(r"```bash\n(.*?)```", README, re.S)
    commands = [line for block in blocks for line in block.splitlines() if line and not line.startswith("#")]
    test_command = next(c for c in commands if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci
    assert any("apt-get install" in line and "libreoffice-calc" in line for line in ci)


@pytest.mark.parametrize("name,command", list(all_commands(main)), ids=lambda v: v if isinstance(v, str) else "")
def test_every_option_is_documented(name, command):
    for param in command.params:
        spellings = [opt for opt in getattr(param, "opts", []) if opt.startswith("-")]
        if spellings:
            assert any(re.search(rf"{re.escape(opt)}(?![\w-])", README) for opt in spellings), \
                f"README does not mention {name} {spellings[0]}"
