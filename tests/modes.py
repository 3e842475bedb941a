"""The three ways xxgk runs, for tests that must give the same results in each.

* ``fast``: the default — the speed layer, workers forked where that is safe;
* ``careful``: ``XXGK_CAREFUL=1`` — the careful reader, the rule engine, plain writers, in process;
* ``windows``: the speed layer as on Windows — no ``os.fork``, ``os.pread``, ``os.pwrite``, workers spawned.

``mode`` (a fixture; import it into a test module) sets a mode up in this process
and gives the environment a ``python -m xxgk`` child needs for it.
"""
from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from xxgk import speed
from xxgk.bench import windows_like

MODES = ("fast", "careful", "windows")


class Mode:
    def __init__(self, name: str, folder: Path):
        self.name = name
        self.folder = folder

    def env(self, base: dict | None = None) -> dict[str, str]:
        """The environment of a child process running in this mode."""
        env = {key: value for key, value in (os.environ if base is None else base).items()
               if key != speed.CAREFUL_VARIABLE}
        if self.name == "careful":
            env[speed.CAREFUL_VARIABLE] = "1"
        if self.name == "windows":
            env = windows_like.environment(self.folder / "windows-like", env)
        return env

    def apply(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """This process in this mode (undone after the test)."""
        monkeypatch.delenv(speed.CAREFUL_VARIABLE, raising=False)
        if self.name == "careful":
            monkeypatch.setenv(speed.CAREFUL_VARIABLE, "1")
        if self.name == "windows":
            for name in windows_like.MISSING:
                if hasattr(os, name):
                    monkeypatch.delattr(os, name)
            monkeypatch.setattr(multiprocessing, "get_start_method", lambda allow_none=False: "spawn")


@pytest.fixture(params=MODES)
def mode(request, monkeypatch, tmp_path) -> Mode:
    """Each test using it runs once per mode, this process set up for it."""
    chosen = Mode(request.param, tmp_path)
    chosen.apply(monkeypatch)
    return chosen
