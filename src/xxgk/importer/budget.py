"""A time budget for importing one report: every pass checks it between steps.

Each pass is linear and each step small (a page, a line, a sentence), so checking
between steps bounds the whole file without signals or threads, on any platform.
The budget travels in a context variable: readers deep in a pass need no extra
parameter, and two threads importing two files keep their own.
"""
from __future__ import annotations

import contextlib
import contextvars
import time
from typing import Iterator

from ..catalogue import ReadErrorKind

SECONDS = 20.0  # a clean report takes well under a second; a hostile one stops here
_deadline: contextvars.ContextVar[tuple[str, float, float] | None] = contextvars.ContextVar("deadline", default=None)


@contextlib.contextmanager
def time_budget(source: str, seconds: float = SECONDS) -> Iterator[None]:
    token = _deadline.set((source, time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def check_time(step: str = "") -> None:
    """Raise ReadError(kind="timeout") once the current file's budget is spent."""
    current = _deadline.get()
    if current is None:
        return
    source, deadline, seconds = current
    if time.monotonic() > deadline:
        where = f"（停在{step}）" if step else ""
        raise ReadErrorKind.TIMEOUT.error(source, seconds=seconds, where=where)
