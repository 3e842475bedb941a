"""The benchmark still works: its corpus is what it claims, and ``xxgk bench --quick`` runs end to end.

No timing is asserted here (machines differ); the figures must only exist and be sane.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from xxgk.bench import spreadsheet
from xxgk.bench.targets import verdicts
from xxgk.readers.fast import read_form_fast
from xxgk.rules import load_rules

pytestmark = pytest.mark.heavy(10)  # CPU seconds, about: started first (tests/conftest.py)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    """``bench.py --quick`` run once, its corpus kept (``--workdir``): the tests below look at the corpus
    it built and timed (60 workbooks from 4 bases: 3 re-saved by LibreOffice, one of them with a clerk's
    errors, and one re-saved by openpyxl; every kind of file the full corpus has) and at its figures."""
    work = tmp_path_factory.mktemp("bench")
    out = work / "bench.json"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    # the naive openpyxl baseline costs ~0.5 s a file whatever N is: 4 files give its rate
    command = [sys.executable, str(REPO / "scripts" / "bench.py"), "--quick", "--windows-like", "--baseline-n", "4",
               "--json", str(out), "--workdir", str(work / "work")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, cwd=work)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    corpus = {key: value for key, value in figures["corpus"].items() if key != "files"}
    files = sorted((work / "work" / "报送").glob("*.xlsx"))
    assert len(files) == figures["corpus"]["files"]
    return SimpleNamespace(done=done, figures=figures, files=files, **corpus)


def test_corpus_files_are_distinct_agencies_with_some_errors(bench):
    """Read by the fast reader, which returns exactly what read_workbook returns (test_fastpath_reader
    proves it on such a corpus, LibreOffice saves included) at a tenth of the cost: ~1 s for the 60."""
    ruleset = load_rules()
    forms = [read_form_fast(path) for path in bench.files]
    assert len(forms) == bench.figures["n"] == 60 and bench.bases == 4
    assert len({f.values["cover.agency"] for f in forms}) == 60
    assert len({f.values["cover.credit_code"] for f in forms}) == 60
    assert all(len(f.values["cover.credit_code"]) == 18 for f in forms)
    failing = sum(bool(ruleset.validate(f).errors) for f in forms)
    assert failing == bench.faulty > 0


def test_copies_saved_by_a_spreadsheet_application_differ_in_their_checks_sheet(bench):
    """As every agency's Excel-saved file does: its 校验结果 messages quote its own name and figures."""
    if not spreadsheet.available():
        pytest.skip("LibreOffice (soffice) is not installed: the corpus keeps the template's own files")
    assert bench.app_saved_bases == bench.bases - 1  # all but the openpyxl re-save
    biggest = []
    for path in bench.files:
        with zipfile.ZipFile(path) as archive:
            sheets = [i for i in archive.infolist() if i.filename.startswith("xl/worksheets/")]
            biggest.append(max(sheets, key=lambda info: info.file_size).CRC)
    assert len(set(biggest)) >= len(bench.files) - bench.no_cached_values


def test_corpus_has_workbooks_without_cached_formula_values(bench):
    uncached = 0
    for path in bench.files:
        with zipfile.ZipFile(path) as archive:
            sheet = archive.read("xl/worksheets/sheet3.xml")
        uncached += b"</f><v></v>" in sheet or b"</f></c>" in sheet
    assert uncached == bench.no_cached_values > 0


def test_quick_benchmark_runs_and_writes_its_figures(bench):
    done, figures = bench.done, bench.figures
    for name in ("validate", "consolidate", "validate_windows", "consolidate_windows"):
        counts = figures["results"][name]["counts"]  # how each run read its files, told by the run itself
        assert counts["pipeline:fast"] == 1 and counts["reader:fast"] + counts.get("reader:fallback", 0) >= 60
        if name.endswith("_windows"):
            assert "workers:fork" not in counts  # no fork in a Windows-like Python
    assert "类Windows" in done.stdout and "快速读取" in done.stdout
    for name in ("validate", "consolidate", "naive", "floor", "validate_one", "validate_windows"):
        result = figures["results"][name]
        assert result["median_seconds"] > 0 and result["workbooks_per_second"] > 0, name
        assert result["runs"] and all(run["returncode"] in (0, 1) for run in result["runs"])
    assert all(len(result["runs"]) == 1 for result in figures["results"].values())  # --quick: each item once
    assert figures["results"]["validate"]["runs"][0]["returncode"] == 1  # the faulty workbooks were found
    assert figures["ratios"]["validate_vs_naive"] > 0 and figures["corpus"]["faulty"] > 0
    assert "xxgk validate" in done.stdout and "naive" in done.stdout
    assert len(figures["targets"]) == 8 and "目标" in done.stdout
    smaller = json.loads(json.dumps(figures))
    smaller["n"] = figures["n"] // 2
    for name in ("validate", "consolidate"):
        smaller["results"][name]["peak_tree_mb"] /= 2  # the larger run then used twice the memory
    flat = [v for v in verdicts(figures, smaller) if "内存平稳" in v["target"]]
    assert [v["met"] for v in flat] == [False, True] and flat[0]["measured"] == pytest.approx(2, rel=0.05)


def test_targets_are_judged_in_the_right_direction():
    figures = {"n": 10, "ratios": {"validate_vs_naive": 20, "consolidate_vs_naive": 10,
                                   "validate_time_vs_floor": 3, "consolidate_time_vs_floor": 5},
               "single_file_validate_seconds": 0.4,
               "results": {name: {"workbooks_per_second": rate, "peak_tree_mb": 100, "peak_rss_mb": 50}
                           for name, rate in (("validate", 2000), ("consolidate", 1000))}}
    met = {v["target"]: v["met"] for v in verdicts(figures)}
    assert list(met.values()) == [True, False, True, False, True, False, True, True], met


def test_a_variant_runs_beside_its_command_first_or_second_by_turns():
    from xxgk.bench import round_order

    contenders = [(name, [name], 1, {}) for name in
                  ("validate", "consolidate", "naive", "floor", "validate_compared", "consolidate_compared")]
    names = [[c[0] for c in round_order(contenders, rep)] for rep in range(2)]
    assert names[0] == ["validate", "validate_compared", "consolidate", "consolidate_compared", "naive", "floor"]
    assert names[1] == ["validate_compared", "validate", "consolidate_compared", "consolidate", "naive", "floor"]


def test_the_paired_ratio_is_the_median_of_each_rounds_ratio():
    from xxgk.bench import paired_ratio
    from xxgk.bench.measure import Measured, Run

    def measured(*seconds):
        return Measured("x", [], 1, [Run(s, 0, 0, 0, s * 2) for s in seconds])

    own, other = measured(1.1, 3.3, 1.2), measured(1.0, 3.0, 1.0)  # the slow round weighs on both sides
    assert paired_ratio(own, other, "seconds") == 1.1 and paired_ratio(own, other, "cpu_seconds") == 1.1
    assert round(own.seconds / other.seconds, 3) == 1.2  # the medians' ratio mixes rounds
