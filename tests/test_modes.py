"""`xxgk validate --json` and `xxgk consolidate` give the same results in every mode (tests/modes.py).

One corpus of 56 agency files (the bench's own corpus code:
copies of a few bases, some with a clerk's errors, one re-saved by openpyxl
without cached values) plus an unreadable file, run through both commands in
each mode as a person runs them. Enough files that worker processes start
(two, forked or spawned); the careful mode runs none. The JSON must be the
same text, the summaries the same cells (read back by openpyxl: values,
hyperlink targets, row heights), and each run must have taken its own path.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest

from modes import MODES, Mode
from xxgk import speed
from xxgk.bench.corpus import make_corpus
from xxgk.catalogue import Status
from xxgk.parallel import JOBS_VARIABLE, MIN_PARALLEL

pytestmark = pytest.mark.heavy(9)  # CPU seconds, about: started first (tests/conftest.py)

FILES = MIN_PARALLEL + 8  # enough that two workers start (parallel.jobs_wanted); more only costs time
BROKEN = "99999_坏文件.xlsx"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("modes") / "报送"
    # 4 bases (each ~0.3 s with live checks): one with a clerk's errors, one re-saved by openpyxl, two plain;
    # the 56 files are copies of them under their own names, as in the bench
    made = make_corpus(folder, FILES, bases=4, app_saved=False)
    assert made.faulty and made.uncached and made.bases == 4  # errors to find, formulas without cached values
    (folder / BROKEN).write_bytes(b"PK\x03\x04 not a workbook")
    return folder


def xxgk(mode: Mode, stats: Path, *args) -> subprocess.CompletedProcess:
    env = mode.env() | {speed.STATS_VARIABLE: str(stats), JOBS_VARIABLE: "2"}
    return subprocess.run([sys.executable, "-m", "xxgk", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=600)


def both_commands(corpus: Path, mode: Mode) -> dict:
    validated = xxgk(mode, mode.folder / "validate.json", "validate", "--json", *sorted(corpus.iterdir()))
    summary = mode.folder / "汇总.xlsx"
    consolidated = xxgk(mode, mode.folder / "consolidate.json", "consolidate", corpus, "-o", summary)
    return {"validate": validated, "consolidate": consolidated, "summary": summary,
            "counts": [json.loads((mode.folder / f"{c}.json").read_text()) for c in ("validate", "consolidate")]}


@pytest.fixture(scope="module")
def runs(corpus, tmp_path_factory) -> dict[str, dict]:
    """The modes side by side (the careful one uses a single core): each a child process of its own."""
    modes = [Mode(name, tmp_path_factory.mktemp(name)) for name in MODES]
    with ThreadPoolExecutor(len(modes)) as pool:
        done = pool.map(lambda mode: both_commands(corpus, mode), modes)
        return dict(zip(MODES, done))


def test_validate_json_is_the_same_in_every_mode(runs):
    fast = runs["fast"]["validate"]
    assert fast.returncode == 2, fast.stderr[-2000:]  # the broken file
    results = json.loads(fast.stdout)
    assert len(results) == FILES + 1
    assert {r["status"] for r in results} >= {Status.PASSED, Status.ERRORS, Status.UNREADABLE}
    for name in MODES:
        assert (runs[name]["validate"].returncode, runs[name]["validate"].stdout) == (fast.returncode, fast.stdout)
        assert "Traceback" not in runs[name]["validate"].stderr


def test_consolidate_reports_the_same_in_every_mode(runs):
    def report(name: str) -> list[str]:
        done = runs[name]["consolidate"]
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-2000:]
        lines = done.stdout.replace(str(runs[name]["summary"]), "汇总.xlsx").splitlines()
        return [line for line in lines if "用时" not in line]  # the closing line's time differs

    assert report("careful") == report("fast") == report("windows")


def sheets(path: Path) -> dict[str, tuple]:
    """Per sheet: cell values, hyperlink targets, row heights — the cover's date (the day of the run) left out."""
    book = openpyxl.load_workbook(path)
    ((date_sheet, date_ref),) = book.defined_names["xxgk_cover_date"].destinations
    book[date_sheet][date_ref.replace("$", "")].value = None
    return {sheet.title: ([[cell.value for cell in row] for row in sheet.iter_rows()],
                          [(cell.coordinate, cell.hyperlink.target) for row in sheet.iter_rows() for cell in row
                           if cell.hyperlink],
                          [sheet.row_dimensions[n].height for n in range(1, sheet.max_row + 1)])
            for sheet in book.worksheets}


def test_summaries_hold_the_same_cells_in_every_mode(runs):
    fast = sheets(runs["fast"]["summary"])
    assert len(fast["分单位明细"][0]) == FILES + 1 and len(fast["报送情况"][1]) == FILES + 1  # rows, links
    for name in ("careful", "windows"):
        other = sheets(runs[name]["summary"])
        assert list(other) == list(fast)
        for title in fast:
            assert other[title] == fast[title], (name, title)


def test_each_mode_takes_its_own_path(runs):
    for command, counts in zip(("validate", "consolidate"), runs["fast"]["counts"]):
        assert counts["pipeline:fast"] == 1 and counts["workers:fork"] == 2, command
        assert counts["reader:fast"] + counts.get("reader:fallback", 0) >= FILES
    assert runs["fast"]["counts"][1]["summary parts:child"] == 1  # 分单位明细 and 问题清单 made meanwhile
    for counts in runs["windows"]["counts"]:
        assert counts["pipeline:fast"] == 1 and counts["workers:spawn"] == 2 and "workers:fork" not in counts
        assert counts["reader:fast"] >= FILES
    assert runs["windows"]["counts"][1]["summary parts:here"] == 1 and "summary parts:child" not in counts
    for counts in runs["careful"]["counts"]:
        assert counts == {"pipeline:careful": 1}  # no worker, no fast read


def test_a_windows_like_python_lacks_what_windows_lacks(tmp_path):
    env = Mode("windows", tmp_path).env()
    probe = ("import multiprocessing, os; "
             "print(hasattr(os, 'fork'), hasattr(os, 'pread'), hasattr(os, 'pwrite'), multiprocessing.get_start_method())")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert done.stdout.split() == ["False", "False", "False", "spawn"]
    assert os.environ.get("PYTHONPATH", "") in env["PYTHONPATH"]
