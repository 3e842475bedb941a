"""Many workbooks at once: read and judge them in worker processes, results in input order.

``map_ordered`` runs a module-level function over many paths: in this process
when there are few (starting workers costs more than it saves), else in a pool
of one worker per core (ProcessPoolExecutor), in chunks, yielding results in
input order as they come so a caller can print or fold them without holding
them all.

Workers are forked only where that is safe (``fork_is_safe``: where Python forks
by default, on Linux, and while this process runs no other thread); they get the
rule set by inheritance then. Elsewhere (Windows, macOS, a process with a
progress thread) they are started by the platform's method (spawn) and rebuild
the rule set from its specs. They ignore Ctrl-C: the parent alone handles it and
stops the pool. A worker that dies stops the run with a Chinese sentence, its
story in a log file (``speed.report_failure``): its files are not silently read
again here, where whatever killed it could kill the run.
"""
from __future__ import annotations

import contextlib
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
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from . import speed
from .errors import ReadError, XxgkError
from .model import FormData
from .rules import RuleSet

T = TypeVar("T")
# Below this many files one process is quicker than starting workers.
MIN_PARALLEL = 48
CHUNK = 16
WINDOW = 4  # chunks in flight per worker: enough to keep each busy, few enough to hold
JOBS_VARIABLE = "XXGK_JOBS"  # 1 turns the workers off (for measuring, or a machine short of memory)
WORKER_DIED = ("读取报表的工作进程意外退出（可能是内存不足），已停止；错误详情已写入 {log}。"
               "可设置环境变量 XXGK_JOBS=1 改为单进程运行后重试")

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


def fork_is_safe() -> bool:
    """Whether a child may be forked here: only where Python itself starts processes by forking (Linux;
    never macOS, whose system libraries break in a forked child, nor Windows, which has no fork), and only
    while this process runs no other thread (the child would inherit a copy of any lock one holds)."""
    return (hasattr(os, "fork") and multiprocessing.get_start_method() == "fork"
            and threading.active_count() == 1)


def start_method() -> str:
    """How workers are started: forked where that is safe, else the platform's way (never fork)."""
    if fork_is_safe():
        return "fork"
    default = multiprocessing.get_start_method()
    return "spawn" if default == "fork" else default


def map_ordered(func: Callable[[Path], T], paths: Sequence[Path], ruleset: RuleSet,
                context: object = None) -> Iterator[T]:
    """``func(path)`` for every path, in order; ``func`` finds the rule set and ``context`` (whatever the
    caller's judging needs besides: last year's form or index) through ``worker_state``."""
    jobs = jobs_wanted(len(paths))
    if jobs == 1:
        _STATE.update(ruleset=ruleset, context=context)
        yield from map(func, paths)
        return
    method = start_method()
    speed.COUNTS[f"workers:{method}"] += jobs
    if method == "fork":
        _STATE.update(ruleset=ruleset, context=context)
        initargs = (None, None, None)
    else:
        initargs = (ruleset.specs, ruleset.path, context)
    # ProcessPoolExecutor, not Pool: a worker that dies breaks the run with an error, never a hang
    executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method), initializer=_start_worker,
                                   initargs=initargs)
    try:
        yield from _in_order(executor, func, paths, jobs * WINDOW)
    except BrokenProcessPool:
        raise XxgkError(speed.report_failure(WORKER_DIED, traceback.format_exc())) from None
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
    with _interrupt_held():  # the first submissions start the workers
        pending = deque(executor.submit(_packed_chunk, func, chunk) for chunk in itertools.islice(chunks, window))
    while pending:
        packed_results = pending.popleft().result()
        following = next(chunks, None)
        if following is not None:
            pending.append(executor.submit(_packed_chunk, func, following))
        outcomes, counts = pickle.loads(packed_results)
        speed.COUNTS.update(counts)
        for ok, value in outcomes:
            if not ok:
                raise value
            yield value


def _packed_chunk(func: Callable[[Path], T], paths: Sequence[Path]) -> bytes:
    """A chunk's outcomes pickled by the worker itself in one go (strings and keys shared by the
    chunk's results travel once), so whatever each call returns or raises reaches the parent,
    with the counts the chunk added (fast reads, fallbacks)."""
    outcomes = [_outcome(func, path) for path in paths]
    counts = dict(speed.COUNTS)
    speed.COUNTS.clear()
    try:
        return pickle.dumps((outcomes, counts), pickle.HIGHEST_PROTOCOL)
    except Exception:  # one outcome does not pickle: the others still travel as they are
        return pickle.dumps(([_picklable(outcome, path) for outcome, path in zip(outcomes, paths)], counts),
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


@contextlib.contextmanager
def _interrupt_held() -> Iterator[None]:
    """Ctrl-C held back, not lost, while worker processes start: a forked worker begins with it blocked
    and ignores it before letting it through; this process gets one pressed meanwhile right after."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: workers ignore it from their first line
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _start_worker(specs, path, context) -> None:
    speed.COUNTS.clear()  # a forked worker's copy holds the parent's counts so far
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
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
    from .readers.fast import read_form_fast
    from .rules.fastpath import validate_fast
    from .validate import check_with

    ruleset, previous = worker_state()
    return check_with(path, read_form_fast, partial(validate_fast, ruleset), previous)


def check_files(paths: Iterable[Path], ruleset: RuleSet, previous: FormData | None = None):
    """FileResults for ``paths``, in order, as ``[check_file(p, ruleset, previous) for p in paths]`` gives."""
    return map_ordered(check_one, [Path(p) for p in paths], ruleset, previous)
