"""A Windows-like Python on this machine: what the tests and ``xxgk bench --windows-like`` run xxgk in.

Windows has no ``os.fork``, ``os.pread``, ``os.pwrite``, ``os.sched_getaffinity``
or ``os.getloadavg``, and starts processes by spawning them. A ``sitecustomize``
module on PYTHONPATH takes those away from every Python started with it (worker
processes included) before xxgk is imported, so the paths Windows users take are
run here.
"""
from __future__ import annotations

import os
from pathlib import Path

MISSING = ("fork", "forkpty", "pread", "pwrite", "sched_getaffinity", "getloadavg", "register_at_fork")
SITECUSTOMIZE = f'''"""Written by xxgk.bench.windows_like: this Python lacks what Windows lacks."""
import multiprocessing
import os

for _name in {MISSING!r}:
    if hasattr(os, _name):
        delattr(os, _name)
multiprocessing.set_start_method("spawn", force=True)
'''


def environment(folder: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """``env`` (this process's by default) for a Windows-like child: a sitecustomize written to ``folder``
    goes first on PYTHONPATH."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(folder), env.get("PYTHONPATH", ""))))
    return env
