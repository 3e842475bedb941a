"""Helpers shared by the commands: Chinese errors without tracebacks, exit codes."""
from __future__ import annotations

import functools
import sys
from typing import NoReturn

import click

from ..errors import XxgkError

EXIT_OK = 0
EXIT_FINDINGS = 1  # errors found in the data
EXIT_UNREADABLE = 2  # a file or argument could not be used
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report a process ended by SIGINT
INTERRUPTED = "已中断。"


def fail(message: str, code: int = EXIT_UNREADABLE) -> NoReturn:
    click.echo(f"错误：{message}", err=True)
    sys.exit(code)


def interrupted() -> NoReturn:
    """Ctrl-C, wherever it came: one Chinese line, exit 130, never a traceback."""
    click.echo(INTERRUPTED, err=True)
    sys.exit(EXIT_INTERRUPTED)


def friendly_errors(func):
    """Turn expected failures into one Chinese line and exit code 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except XxgkError as err:
            fail(str(err))
        except OSError as err:
            fail(f"{err.filename or ''}：无法读写文件（{err.strerror or err}）")
        except KeyboardInterrupt:
            interrupted()

    return wrapper
