"""Issue 8, consolidate: over every kind of bad input the summary lists each file exactly once in
报送情况, refusals say why in Chinese, exit codes follow the documented rule, inputs are untouched,
no input text becomes a formula, and a run killed at any of its moments never leaves a partial summary."""
from __future__ import annotations

import hashlib
import os
import re
import signal
import time
from collections import Counter

import pytest

from consolidate_support import sheet_rows
from faults import KINDS, REFUSE, TOKEN, session
from faults.run import (CHINESE, UNREADABLE, changed, formulas, listed_name, shown_name, snapshot,
                        xxgk, xxgk_here)
from killpoints import beside, is_temporary, kill_at
from xxgk.catalogue import Status
from xxgk.parallel import MIN_PARALLEL

# CPU seconds, about: started first (tests/conftest.py); below test_faults_import, which needs the fault corpus
# only at its last test: started second, this module would wait for test_faults_validate to build it
pytestmark = pytest.mark.heavy(15)

REJECTED = (Status.ERRORS, Status.WRONG_YEAR, Status.WRONG_FORMAT, Status.EXCLUDED)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return session.corpus(tmp_path_factory)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def folder_of(cases):
    return cases[0].path.parent


@pytest.fixture(scope="module")
def runs(corpus, tmp_path_factory):
    """One consolidation per kind, over the kind's folder, as a district office would run it; in this process
    (what it writes and prints does not depend on the process: the kill test below runs its own)."""
    found = {}
    for kind, cases in corpus.items():
        output = tmp_path_factory.mktemp(f"summary-{kind}") / "汇总.xlsx"
        before = snapshot(c.path for c in cases)
        run = xxgk_here("consolidate", folder_of(cases), "-o", output)
        found[kind] = (run, output, changed(before))
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_every_input_is_accounted_for_once(kind, corpus, runs):
    run, output, modified = runs[kind]
    assert "Traceback" not in run.text, run.stderr[-3000:]
    assert not modified, f"inputs changed: {modified[:10]}"
    rows = sheet_rows(output, "报送情况")
    header, body = rows[0], rows[1:]
    col = {title: i for i, title in enumerate(header)}
    # a folder named .xlsx is searched, not listed; a link to nowhere, a FIFO or a device is listed
    files = [c for c in corpus[kind] if os.path.lexists(c.path) and not c.path.is_dir()]
    assert Counter(listed_name(r[col["文件名"]]) for r in body) == Counter(shown_name(c.path.name) for c in files)
    by_path = {}
    for row in body:  # names may repeat (sub-folders): told apart by the hyperlinked path's order
        by_path.setdefault(listed_name(row[col["文件名"]]), []).append(row)
    printed = squeeze(run.stdout)
    for case in files:
        rows = by_path[shown_name(case.path.name)]
        status, note = rows[0][col["状态"]], rows[0][col["备注"]] or ""
        assert not case.status or case.status in {r[col["状态"]] for r in rows}, \
            f"{case.path.name}: {[r[col['状态']] for r in rows]}, not {case.status}"
        if case.expect == REFUSE:
            assert status == UNREADABLE, f"{case.path.name}: {status}"
        if status == UNREADABLE:
            assert CHINESE.search(note), f"{case.path.name}: no reason given"
            assert all(word in note for word in case.words), f"{case.path.name}: {note}"
            assert squeeze(case.path.name) in printed, f"{case.path.name} not named on the terminal"
    statuses = [r[col["状态"]] for r in body]
    if UNREADABLE in statuses:
        assert run.code == 2
    else:
        assert run.code == (1 if any(s in REJECTED for s in statuses) or "自检未通过" in run.stdout else 0)


@pytest.mark.parametrize("kind", KINDS)
def test_no_input_text_becomes_a_formula_in_the_summary(kind, runs):
    _, output, _ = runs[kind]
    found = formulas(output)
    assert found, "the summary's own totals are formulas: the scan must see them"
    hostile = [(member, text) for member, text in found if TOKEN in text or text.lstrip().startswith(("+", "-", "@"))]
    assert not hostile, hostile[:3]
    # only our own kinds of formula: sums, the live checks' functions, chart ranges on our own sheets
    allowed = re.compile(r"^[A-Z][A-Z0-9_.]*\(|^xxgk_|^_xlfn\.|^'?(图表|表[二三四]|封面|校验结果)'?!\$?[A-Z]+\$?\d+(:\$?[A-Z]+\$?\d+)?$")
    strange = sorted({text for _, text in found if not allowed.match(text)})
    assert not strange, strange[:5]


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_of_each_variant(corpus) -> list:
    """A file of every variant of the damaged, tampered, bad-value and hostile-text inputs (70 files:
    enough for worker processes)."""
    return [case for kind in ("damaged", "tampered", "bad_value", "hostile_text")
            for case in {c.variant: c for c in corpus[kind] if c.path.is_file()}.values()]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_killed_runs_leave_no_output_or_the_previous_one(corpus, tmp_path):
    """A run over every variant of bad input, SIGKILLed while reading, while writing, just before and
    just after its rename (tests/killpoints.py): the previous summary byte for byte, or the new one whole."""
    cases = one_of_each_variant(corpus)
    assert len(cases) >= MIN_PARALLEL
    inputs = folder_of(cases).parent
    output = tmp_path / "out" / "汇总.xlsx"
    output.parent.mkdir()

    def stop(moment):
        return kill_at(moment, ["consolidate", *(c.path for c in cases), "-o", output], output, inputs,
                       tmp_path / "log")

    first = stop("end")
    assert first.code == 2 and output.is_file(), first.stderr[-2000:]
    assert str(output) not in first.written and first.renamed_onto(output)[0] in first.written
    rows = sheet_rows(output, "报送情况")
    assert len(rows) == len(cases) + 1
    previous, killed_writing = _digest(output), []
    for moment in ("reading", "writing", "renaming"):
        run = stop(moment)
        assert run.reached, f"the run ended (exit {run.code}) before {moment}: {run.stderr[-2000:]}"
        assert _digest(output) == previous, moment
        killed_writing += [run.path.name] if moment != "reading" else []
    assert all(is_temporary(name) for name in beside(output)) and set(killed_writing) <= set(beside(output))
    run = stop("renamed")
    assert run.reached and sheet_rows(output, "报送情况") == rows


def test_a_stale_temporary_file_is_cleaned_by_the_next_run(corpus, tmp_path):
    """What a SIGKILL during the final write leaves (a hidden .part) goes at the next run once it is
    an hour old; a fresh one may be another run's and stays."""
    output = tmp_path / "汇总.xlsx"
    stale, fresh = tmp_path / ".汇总.killed1.xlsx.part", tmp_path / ".汇总.running.xlsx.part"
    for part in (stale, fresh):
        part.write_bytes(b"PK\x03\x04 half a summary")
    hour_ago = time.time() - 3700
    os.utime(stale, (hour_ago, hour_ago))
    cases = [c for c in corpus["tampered"] if c.variant == "sheet_hidden"][:3]
    run = xxgk("consolidate", *(c.path for c in cases), "-o", output)
    assert run.code == 0, run.text[-2000:]
    assert not stale.exists() and fresh.exists() and output.is_file()
