"""The one seam between xxgk and its speed layer, and the layer's off switch.

The speed layer — the fast reader (``readers/fast*``), the generated rules
(``rules/fastpath``), worker processes (``parallel``), the spooled and streamed
summary (``consolidate/gather``, ``spool``, ``streamed``, ``detail_stream``,
``status_stream``, ``assemble``, ``zipout``) — only makes things faster. Nothing
outside it imports it except this module (tests/test_architecture.py): a run
asks ``pipeline()`` for the way to go and gets either the careful pipeline
(``careful``: the careful reader, the rule engine, the plain XlsxWriter sheets, in
this process) or the fast one (``fastpipeline``), which gives the same findings
and the same summary (tests/test_modes.py). ``XXGK_CAREFUL=1`` or ``--careful``
turns the layer off; deleting its modules turns it off too.

What the layer has to tell — how often the fast reader declined a file, how
workers were started, a child or worker that failed — is kept here: counts for
``xxgk bench`` (written where ``XXGK_STATS`` says), failures in a log file with
a Chinese notice for the person at the keyboard.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Protocol, Sequence

if TYPE_CHECKING:
    from .consolidate.result import ConsolidationResult, Entry
    from .formats import Format
    from .model import FormData, LiveCheck
    from .rules import Report, RuleSet
    from .validate import FileResult

CAREFUL_VARIABLE = "XXGK_CAREFUL"  # 1: everything through the careful path
STATS_VARIABLE = "XXGK_STATS"  # a file: the run's counts are written there as JSON (xxgk bench reads them)
LOG_VARIABLE = "XXGK_LOG_DIR"  # where failure logs go; the system's temporary folder by default
FAST_MODULE = "xxgk.fastpipeline"

COUNTS: Counter = Counter()  # this run's counts, workers' included (parallel adds theirs)
NOTICES: list[str] = []  # Chinese lines for the person: what went wrong and where it is logged

Progress = Callable[[int, int, Path], None]


class Pipeline(Protocol):
    """One way through validation and consolidation; both ways give the same results."""

    name: str

    def check_files(self, paths: Sequence[Path], ruleset: "RuleSet",
                    previous: "FormData | None") -> Iterator["FileResult"]:
        """``validate.check_file`` for every path, in order."""

    def read_entries(self, files: Sequence[Path], ruleset: "RuleSet", progress: Progress | None,
                     last_year, final: bool) -> list["Entry"]:
        """One read and judged Entry per file, in order (``consolidate.read_judged``); an Entry's form
        may read its values from where the pipeline keeps them, for as long as the Entry lives."""

    def validate(self, ruleset: "RuleSet", form: "FormData", previous: "FormData | None" = None) -> "Report":
        """``ruleset.validate(form, previous=previous)``."""

    def fold(self, fmt: "Format", included: Sequence["Entry"], top: int) -> tuple[dict, list[tuple[int, object]]]:
        """The sums of the included forms, and the ``top`` by new applications (``consolidate.sums_and_top``)."""

    def write_summary(self, result: "ConsolidationResult", fmt: "Format", sums: dict, top: Sequence,
                      checks: Sequence["LiveCheck"], roster_given: bool) -> bytes | None:
        """``build.write_summary``; the workbook before streamed rows went in, if any."""


def careful_wanted(careful: bool | None = None) -> bool:
    """``careful`` when given (``--careful``), else what ``XXGK_CAREFUL`` says (anything but 0 or empty is on)."""
    if careful:
        return True
    return os.environ.get(CAREFUL_VARIABLE, "").strip() not in ("", "0")


def pipeline(careful: bool | None = None) -> Pipeline:
    """The careful pipeline when asked for (or when the speed layer is not installed), else the fast one."""
    chosen = _careful() if careful_wanted(careful) else _fast() or _careful()
    COUNTS[f"pipeline:{chosen.name}"] += 1
    return chosen


def _careful() -> Pipeline:
    from .careful import CarefulPipeline

    return CarefulPipeline()


def _fast() -> Pipeline | None:
    try:
        from .fastpipeline import FastPipeline
    except ModuleNotFoundError as err:  # the layer was deleted: the careful path is the whole tool
        if err.name != FAST_MODULE:
            raise
        return None
    return FastPipeline()


def report_failure(template: str, details: str, **fields: str) -> str:
    """Log a failed child or worker (``details``: its traceback) and keep the Chinese notice ``template``
    (with ``{log}`` for the log file's path and ``fields``) for the person; the notice is returned."""
    notice = template.format(log=write_log(details), **fields)
    NOTICES.append(notice)
    COUNTS["failures"] += 1
    return notice


def write_log(details: str) -> str:
    """Append ``details`` (a traceback) to this process's log file; where it went, or why it could not."""
    log = _log_path()
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{dt.datetime.now().isoformat(timespec='seconds')} pid {os.getpid()}\n{details}\n")
    except OSError as err:  # no log to be had: say so, the run goes on
        return f"（日志无法写入：{err.strerror or err}）"
    return str(log)


def _log_path() -> Path:
    folder = os.environ.get(LOG_VARIABLE) or os.path.join(tempfile.gettempdir(), "xxgk-logs")
    return Path(folder) / f"xxgk-{dt.date.today().isoformat()}-{os.getpid()}.log"


def take_notices(since: int = 0) -> list[str]:
    """The notices kept since there were ``since`` of them (a run's own: ``len(NOTICES)`` at its start),
    then forgotten, so each is reported once."""
    taken = NOTICES[since:]
    del NOTICES[since:]
    return taken


def save_counts() -> None:
    """Write this run's counts where ``XXGK_STATS`` says (for ``xxgk bench``); nothing when it is unset."""
    target = os.environ.get(STATS_VARIABLE)
    if target:
        Path(target).write_text(json.dumps(dict(COUNTS), ensure_ascii=False, indent=1), encoding="utf-8")
