"""Command line: the only layer that prints, exits or talks to the person."""
from __future__ import annotations

import importlib

import click

from .. import __version__

# Each command lives in its own module and exposes ``command``.
COMMAND_MODULES: list[str] = [
    "rules_cmd",
    "template_cmd",
    "validate_cmd",
    "consolidate_cmd",
    "demo_cmd",
    "import_cmd",
    "audit_cmd",
    "export_cmd",
    "district_tool_cmd",
    "bench_cmd",
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xxgk")
def main() -> None:
    """xxgk：政府信息公开工作年度报告的模板、校验与汇总工具。"""


for _name in COMMAND_MODULES:
    main.add_command(importlib.import_module(f"{__name__}.{_name}").command)
