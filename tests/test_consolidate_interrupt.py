"""Killing `xxgk consolidate` (SIGKILL: no clean-up code runs) leaves either no summary or the
previous summary byte for byte; never a half-written one.

Runs are stopped at events, not after guessed times (tests/killpoints.py): while the workers read the
inputs, with the summary's temporary file just created, just before and just after its rename onto
the output. The file log of a whole run adds what no sampled moment could: the output itself is never
opened for writing, only renamed onto, from a hidden temporary file in its folder.
"""
from __future__ import annotations

import hashlib
import shutil
import signal
from pathlib import Path

import pytest

from consolidate_support import build, named_values, sheet_rows
from killpoints import beside, is_temporary, kill_at
from xxgk.parallel import MIN_PARALLEL

AGENCIES = 12
COPIES = MIN_PARALLEL // AGENCIES + 1  # enough files for worker processes, which are killed too
BEFORE_RENAME = ("reading", "writing", "renaming")

pytestmark = [pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL"),
              pytest.mark.heavy(6)]  # CPU seconds, about: started first (tests/conftest.py)


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big") / "报送"
    folder.mkdir()
    for i in range(AGENCIES):
        build(folder / f"{i:02d}.xlsx", f"单位{i}", i)
    for copy in range(1, COPIES):
        for i in range(AGENCIES):
            shutil.copy(folder / f"{i:02d}.xlsx", folder / f"{i:02d}_{copy}.xlsx")
    assert len(list(folder.iterdir())) >= MIN_PARALLEL
    return folder


def stop(moment, folder, output, workdir):
    return kill_at(moment, ["consolidate", folder, "-o", output], output, folder, workdir)


def assert_complete(output) -> None:
    assert named_values(output)["xxgk_cover_agency"] == f"汇总（{AGENCIES} 个单位）"
    assert len(sheet_rows(output, "报送情况")) == AGENCIES * COPIES + 1


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def previous_run(big_folder, tmp_path_factory):
    """A complete summary from an uninterrupted run, with the run's log of writes and renames."""
    output = tmp_path_factory.mktemp("previous") / "汇总.xlsx"
    run = stop("end", big_folder, output, tmp_path_factory.mktemp("log"))
    assert run.code == 0, run.stderr[-3000:]
    assert_complete(output)
    return output, run


def test_the_summary_reaches_its_place_only_by_a_rename_of_a_hidden_temporary_file(previous_run):
    output, run = previous_run
    assert run.written and str(output) not in run.written
    assert all(is_temporary(Path(path).name) for path in run.written), run.written
    assert len(run.renamed_onto(output)) == 1 and run.renamed_onto(output)[0] in run.written
    assert beside(output) == []


@pytest.mark.parametrize("moment", BEFORE_RENAME)
def test_a_run_killed_before_its_rename_leaves_the_previous_summary_untouched(moment, big_folder, previous_run,
                                                                              tmp_path):
    output = tmp_path / "out" / "汇总.xlsx"
    output.parent.mkdir()
    shutil.copy(previous_run[0], output)
    before = digest(output)
    run = stop(moment, big_folder, output, tmp_path / "log")
    assert run.reached, f"the run ended (exit {run.code}) before {moment}: {run.stderr[-2000:]}"
    assert digest(output) == before
    assert all(is_temporary(name) for name in beside(output)), beside(output)
    if moment == "reading":
        assert beside(output) == []  # nothing written yet
    else:
        assert run.path.name in beside(output)  # killed with its temporary file in place
    if moment == "renaming":  # what would have been renamed was already the whole summary
        assert_complete(shutil.copy(run.path, tmp_path / "renamed.xlsx"))


@pytest.mark.parametrize("moment", BEFORE_RENAME)
def test_a_first_run_killed_before_its_rename_leaves_no_summary(moment, big_folder, tmp_path):
    output = tmp_path / "out" / "汇总.xlsx"
    output.parent.mkdir()
    run = stop(moment, big_folder, output, tmp_path / "log")
    assert run.reached, f"the run ended (exit {run.code}) before {moment}: {run.stderr[-2000:]}"
    assert not output.exists()
    assert all(is_temporary(name) for name in beside(output)), beside(output)


def test_a_run_killed_just_after_its_rename_leaves_the_complete_new_summary(big_folder, previous_run, tmp_path):
    output = tmp_path / "out" / "汇总.xlsx"
    output.parent.mkdir()
    (output.parent / "old.xlsx").write_bytes(b"")  # an unrelated file beside it stays
    run = stop("renamed", big_folder, output, tmp_path / "log")
    assert run.reached, f"the run ended (exit {run.code}) before its rename: {run.stderr[-2000:]}"
    assert_complete(output)
    assert beside(output) == ["old.xlsx"]
