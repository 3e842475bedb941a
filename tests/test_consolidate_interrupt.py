"""Killing `xxgk consolidate` mid-way (SIGKILL: no clean-up code runs) leaves either no summary
or the previous summary byte for byte; never a half-written one."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from consolidate_support import build, named_values, sheet_rows

AGENCIES = 12
COPIES = 10  # 120 files: long enough a run to be killed at several moments
FRACTIONS_WITH_PREVIOUS = (0.1, 0.25, 0.4, 0.55, 0.7)
FRACTIONS_FRESH = (0.3, 0.9)

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")


def command(folder, output) -> list[str]:
    return [sys.executable, "-m", "xxgk", "consolidate", str(folder), "-o", str(output)]


def env() -> dict:
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big") / "报送"
    folder.mkdir()
    for i in range(AGENCIES):
        build(folder / f"{i:02d}.xlsx", f"单位{i}", i)
    for copy in range(1, COPIES):
        for i in range(AGENCIES):
            shutil.copy(folder / f"{i:02d}.xlsx", folder / f"{i:02d}_{copy}.xlsx")
    return folder


def full_run(folder, output) -> float:
    started = time.perf_counter()
    done = subprocess.run(command(folder, output), capture_output=True, env=env(), timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return time.perf_counter() - started


def kill_after(folder, output, seconds: float) -> bool:
    """Start a run, SIGKILL it after ``seconds``; True when it was still running then."""
    process = subprocess.Popen(command(folder, output), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env())
    time.sleep(seconds)
    alive = process.poll() is None
    if alive:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    return alive


def assert_complete(output) -> None:
    assert named_values(output)["xxgk_cover_agency"] == f"汇总（{AGENCIES} 个单位）"
    assert len(sheet_rows(output, "报送情况")) == AGENCIES * COPIES + 1


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder, output) -> list[str]:
    """Files other than the output: only the hidden temporary file of a killed write may remain."""
    return [p.name for p in folder.iterdir() if p != output]


@pytest.fixture(scope="module")
def previous_run(big_folder, tmp_path_factory):
    """A complete summary from an uninterrupted run, and how long that run took."""
    output = tmp_path_factory.mktemp("previous") / "汇总.xlsx"
    return output, full_run(big_folder, output)


def test_killed_runs_leave_the_previous_summary_untouched(big_folder, previous_run):
    output, duration = previous_run
    before = digest(output)
    killed = 0
    for fraction in FRACTIONS_WITH_PREVIOUS:
        killed += kill_after(big_folder, output, duration * fraction)
        if digest(output) != before:
            # replaced: only by a complete new summary (a run killed after its rename, while checking
            # the written file back or printing, has finished its summary)
            assert_complete(output)
            before = digest(output)
    assert killed >= 3, "the runs finished too quickly to be interrupted"
    assert all(name.startswith(".") and name.endswith(".part") for name in leftovers(output.parent, output))


def test_killed_first_run_leaves_no_summary(big_folder, previous_run, tmp_path):
    output = tmp_path / "汇总.xlsx"
    _, duration = previous_run
    for fraction in FRACTIONS_FRESH:
        kill_after(big_folder, output, duration * fraction)
        if output.exists():  # only when the run got as far as renaming a complete summary into place
            assert_complete(output)
            output.unlink()
