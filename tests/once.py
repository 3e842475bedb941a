"""Expensive test data built once per test run, shared by every module and every xdist worker.

pytest builds a module-scoped fixture once per module and a session-scoped one once per process;
under pytest-xdist every worker is a process of its own. ``built_once(tmp_path_factory, name, make)``
calls ``make(folder)`` once per run: the first process to ask builds the data under a file lock in
the run's common temporary folder and pickles what ``make`` returned; every other process waits for
the lock, then unpickles it. Users must treat the files as read-only (copy one before changing it).
"""
from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path
from typing import Callable, TypeVar

from filelock import FileLock

T = TypeVar("T")
_BUILT: dict[tuple[str, str], object] = {}


def run_folder(tmp_path_factory) -> Path:
    """The temporary folder common to the whole run (xdist gives each worker a sub-folder of it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(tmp_path_factory, name: str, make: Callable[[Path], T]) -> T:
    root = run_folder(tmp_path_factory) / "built-once"
    key = (str(root), name)
    if key not in _BUILT:
        root.mkdir(exist_ok=True)
        folder, done = root / name, root / f"{name}.pickle"
        with FileLock(str(root / f"{name}.lock")):
            if done.exists():
                _BUILT[key] = pickle.loads(done.read_bytes())
            else:
                shutil.rmtree(folder, ignore_errors=True)  # a build that failed in another process
                folder.mkdir()
                _BUILT[key] = make(folder)
                done.write_bytes(pickle.dumps(_BUILT[key]))
    return _BUILT[key]
