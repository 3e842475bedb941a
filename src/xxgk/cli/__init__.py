"""Command line: the only layer that prints, exits or talks to the person."""
from __future__ import annotations

import importlib
import io
import sys

import click

from .. import __version__
from ..pathtext import CONSOLE_ERRORS

# Each command lives in its own module and exposes ``command``; a module is imported only when its
# command runs (or help lists it), so `xxgk validate` does not pay for the importer or the bench.
COMMAND_MODULES: dict[str, str] = {
    "rules": "rules_cmd",
    "template": "template_cmd",
    "validate": "validate_cmd",
    "consolidate": "consolidate_cmd",
    "demo": "demo_cmd",
    "import": "import_cmd",
    "audit": "audit_cmd",
    "export": "export_cmd",
    "district-tool": "district_tool_cmd",
    "excel-setup": "excel_setup_cmd",
    "bench": "bench_cmd",
}


class _LazyGroup(click.Group):
    def invoke(self, ctx: click.Context):
        """Ctrl-C while a command loads or runs ends in 已中断 and exit 130 (click would say Aborted!, exit 1)."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            from .common import interrupted

            interrupted()

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(name)
        return importlib.import_module(f"{__name__}.{module}").command if module else None


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xxgk")
def main() -> None:
    """xxgk：政府信息公开工作年度报告的模板、校验与汇总工具。"""
    readable_streams()


def readable_streams() -> None:
    """No character stops the output: a redirected console on Chinese Windows is GBK, which has
    no emoji or rare Ext-B characters, and a name in GBK bytes from a zip is no UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=CONSOLE_ERRORS)
