"""Many workbooks at once: read and judge them in worker processes, results in input order.

``map_ordered`` runs a module-level function over many paths: in this process
when there are few (starting workers costs more than it saves), else in a pool
of one worker per core (ProcessPoolExecutor), in chunks, yielding results in
input order as they come so a caller can print or fold them without holding
them all.

Workers get the rule set by inheritance (fork, on Linux) or rebuild it from its
specs (spawn, on Windows and macOS). They ignore Ctrl-C: the parent alone
handles it and stops the pool.
"""
from __future__ import annotations

import copyreg
import itertools
import multiprocessing
import os
import pickle
import signal
import threading
import time
import traceback
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from .errors import ReadError
from .model import FormData
from .rules import RuleSet

T = TypeVar("T")
# Below this many files one process is quicker than starting workers.
MIN_PARALLEL = 48
CHUNK = 16
WINDOW = 4  # chunks in flight per worker: enough to keep each busy, few enough to hold
JOBS_VARIABLE = "XXGK_JOBS"  # 1 turns the workers off (for measuring, or a machine short of memory)

_STATE: dict = {}  # what a worker needs: the rule set and the caller's context (last year's figures)


def jobs_wanted(count: int) -> int:
    """Worker processes for ``count`` files: one per core, none for a handful of files."""
    configured = os.environ.get(JOBS_VARIABLE, "")
    wanted = int(configured) if configured.isdigit() and int(configured) > 0 else cores()
    return 1 if count < MIN_PARALLEL else max(1, min(wanted, count // CHUNK))


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_ordered(func: Callable[[Path], T], paths: Sequence[Path], ruleset: RuleSet,
                context: object = None) -> Iterator[T]:
    """``func(path)`` for every path, in order; ``func`` finds the rule set and ``context`` (whatever the
    caller's judging needs besides: last year's form or index) through ``worker_state``."""
    jobs = jobs_wanted(len(paths))
    if jobs == 1:
        _STATE.update(ruleset=ruleset, context=context)
        yield from map(func, paths)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    processes = multiprocessing.get_context(method)
    if method == "fork":
        _STATE.update(ruleset=ruleset, context=context)
        initargs = (None, None, None)
    else:
        initargs = (ruleset.specs, ruleset.path, context)
    # ProcessPoolExecutor, not Pool: a worker that dies breaks the run with an error, never a hang
    executor = ProcessPoolExecutor(jobs, mp_context=processes, initializer=_start_worker, initargs=initargs)
    try:
        yield from _in_order(executor, func, paths, jobs * WINDOW)
    finally:
        # Waiting costs at most the chunks already running. Not waiting lets the interpreter's exit
        # hook write to the pool's closed wake-up pipe, which prints a traceback (seen once here).
        executor.shutdown(wait=True, cancel_futures=True)


def _in_order(executor: ProcessPoolExecutor, func: Callable[[Path], T], paths: Sequence[Path],
              window: int) -> Iterator[T]:
    """Chunks submitted only ``window`` ahead of the one being read: however many files there are,
    and however slowly the caller folds results, at most that many chunks' results wait in memory
    (executor.map would submit every chunk at once and hold all results the caller has not taken)."""
    chunks = (paths[start:start + CHUNK] for start in range(0, len(paths), CHUNK))
    pending = deque(executor.submit(_packed_chunk, func, chunk) for chunk in itertools.islice(chunks, window))
    while pending:
        packed_results = pending.popleft().result()
        following = next(chunks, None)
        if following is not None:
            pending.append(executor.submit(_packed_chunk, func, following))
        for ok, value in pickle.loads(packed_results):
            if not ok:
                raise value
            yield value


def _packed_chunk(func: Callable[[Path], T], paths: Sequence[Path]) -> bytes:
    """A chunk's outcomes pickled by the worker itself in one go (strings and keys shared by the
    chunk's results travel once), so whatever each call returns or raises reaches the parent."""
    outcomes = [_outcome(func, path) for path in paths]
    try:
        return pickle.dumps(outcomes, pickle.HIGHEST_PROTOCOL)
    except Exception:  # one outcome does not pickle: the others still travel as they are
        return pickle.dumps([_picklable(outcome, path) for outcome, path in zip(outcomes, paths)],
                            pickle.HIGHEST_PROTOCOL)


def _outcome(func: Callable[[Path], T], path: Path) -> tuple[bool, object]:
    try:
        return True, func(path)
    except Exception as err:  # raised again in the parent, as a serial run would raise it
        return False, err


def _picklable(outcome: tuple[bool, object], path: Path) -> tuple[bool, object]:
    try:
        pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
        return outcome
    except Exception as err:
        ok, value = outcome
        cause = f"{value!r}" if ok else "".join(traceback.format_exception(value))
        return False, RuntimeError(f"{path}: {cause}\n({err})")


def _rebuild_read_error(path: str, kind: str, message: str) -> ReadError:
    return ReadError(path, kind, message)


# ReadError's arguments are not its args: teach pickle how to carry one between processes.
copyreg.pickle(ReadError, lambda err: (_rebuild_read_error, (err.path, err.kind, err.reason)))


def _start_worker(specs, path, context) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    if specs is not None:
        _STATE.update(ruleset=RuleSet(specs, path), context=context)


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent was killed (SIGKILL runs no clean-up) would wait for work for ever."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def worker_state() -> tuple[RuleSet, object]:
    return _STATE["ruleset"], _STATE.get("context")


def check_one(path: Path):
    """What ``validate.check_file`` gives, by the fast reader and the fast rules."""
    from .validate import check_file

    ruleset, previous = worker_state()
    return check_file(path, ruleset, previous, fast=True)


def check_files(paths: Iterable[Path], ruleset: RuleSet, previous: FormData | None = None):
    """FileResults for ``paths``, in order, as ``[check_file(p, ruleset, previous) for p in paths]`` gives."""
    return map_ordered(check_one, [Path(p) for p in paths], ruleset, previous)
