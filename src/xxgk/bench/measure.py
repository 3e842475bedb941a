"""Timing a whole command as the person runs it: a child process, wall clock, memory, CPU.

``run`` starts the command and samples the resident memory of its whole
process tree (the command and its worker processes, from /proc, every 50 ms):
the largest single process and the largest total are both reported. (The
``ru_maxrss`` that ``wait4``/``getrusage`` give is no use here: on Linux a
child starts out with the high-water mark of the process that forked it.)
CPU time of the whole tree comes from ``wait4``.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

SAMPLE_SECONDS = 0.05  # often enough for runs of seconds, cheap enough not to slow them
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Run:
    seconds: float
    returncode: int
    peak_rss_mb: float  # largest single process of the tree (sampled)
    peak_tree_mb: float  # largest sampled sum over the process tree (0 where /proc is missing)
    cpu_seconds: float  # user + system of the whole tree


@dataclass
class Measured:
    name: str
    command: list[str]
    files: int
    runs: list[Run] = field(default_factory=list)
    counts: dict | None = None  # what the last run counted (speed.save_counts), if it could say

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def cpu_seconds(self) -> float:
        """Median CPU time of the whole process tree: steadier than wall time on a busy machine."""
        return statistics.median(r.cpu_seconds for r in self.runs)

    @property
    def per_second(self) -> float:
        return self.files / self.seconds if self.seconds else 0.0

    @property
    def peak_rss_mb(self) -> float:
        return max(r.peak_rss_mb for r in self.runs)

    @property
    def peak_tree_mb(self) -> float:
        return max(r.peak_tree_mb for r in self.runs)

    def as_dict(self) -> dict:
        return {"name": self.name, "command": self.command, "files": self.files,
                "median_seconds": round(self.seconds, 3), "workbooks_per_second": round(self.per_second, 1),
                "median_cpu_seconds": round(self.cpu_seconds, 3),
                "peak_rss_mb": round(self.peak_rss_mb, 1), "peak_tree_mb": round(self.peak_tree_mb, 1),
                "counts": self.counts, "runs": [asdict(r) for r in self.runs]}


def run(command: Sequence[str], cwd: Path | None = None, env: dict | None = None) -> Run:
    started = time.perf_counter()
    process = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    sampler = _TreeSampler(process.pid)
    sampler.start()
    stderr = _drain(process)
    cpu = _reap(process)
    seconds = time.perf_counter() - started
    sampler.stop()
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{command[:4]} failed ({process.returncode}): {stderr[-2000:]}")
    return Run(round(seconds, 4), process.returncode, round(sampler.single / 2**20, 1),
               round(sampler.peak / 2**20, 1), cpu)


def _reap(process: subprocess.Popen) -> float:
    """Wait for the process; the CPU seconds of its whole tree where ``wait4`` can tell (0 elsewhere)."""
    if not hasattr(os, "wait4"):  # Windows
        process.wait()
        return 0.0
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return round(usage.ru_utime + usage.ru_stime, 3)


def _drain(process: subprocess.Popen) -> str:
    """Read stderr to the end without waiting for the process (wait4 reaps it, for its usage)."""
    chunks = []
    while True:
        chunk = process.stderr.read(65536)
        if not chunk:
            break
        chunks.append(chunk)
    process.stderr.close()
    return b"".join(chunks).decode("utf-8", "replace")


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0  # bytes, the whole tree
        self.single = 0  # bytes, the largest process
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            sizes = tree_rss(self.pid)
            self.peak = max(self.peak, sum(sizes))
            self.single = max(self.single, max(sizes, default=0))
            self._halt.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def tree_rss(root: int) -> list[int]:
    """Resident bytes of ``root`` and of each of its descendants (Linux /proc; empty elsewhere)."""
    sizes, todo = [], [root]
    while todo:
        pid = todo.pop()
        try:
            sizes.append(int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE)
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError, IndexError):
            continue
    return sizes


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):  # no load average (Windows)
        return []

