"""Issue 8, import and audit: damaged, bombed, wrong-kind and hostile published reports end in
findings or a Chinese refusal naming the file, never a traceback; inputs stay unchanged; no text
from a report (its title, the agency name) becomes a formula in a written workbook."""
from __future__ import annotations

import inspect
import json
from pathlib import Path
import pytest
from click.testing import CliRunner

from faults import KINDS, READ, REFUSE, TOKEN, session
from faults.run import CHINESE, UNREADABLE, changed, expected_exit, formulas, judge, snapshot, xxgk_here
from xxgk.cli import main

pytestmark = pytest.mark.heavy(16)  # CPU seconds, about: started first (tests/conftest.py)
# stdout and stderr apart (click < 8.2 mixes them unless told not to)
SEPARATE = {"mix_stderr": False} if "mix_stderr" in inspect.signature(CliRunner).parameters else {}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return session.reports(tmp_path_factory)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return session.corpus(tmp_path_factory)


def no_input_formula(workbook) -> list[str]:
    """Formulas holding report text: the marker, or a formula-like start other than our own."""
    return [text for _, text in formulas(workbook) if TOKEN in text]


def test_audit_judges_every_report(reports):
    """In this process, as the import test below: what audit judges and prints does not depend on the process."""
    before = snapshot(c.path for c in reports)
    run = xxgk_here("audit", "--json", *(c.path for c in reports))
    assert "Traceback" not in run.text, run.stderr[-3000:]
    assert not changed(before)
    results = {r["file"]: r for r in json.loads(run.stdout)}
    assert set(results) == {str(c.path) for c in reports}, "every report judged exactly once"
    wrong = [f"{c.path.name}: {why}" for c in reports if (why := judge(c, results[str(c.path)]))]
    assert not wrong, "\n".join(wrong[:20])
    assert run.code == max(expected_exit(list(results.values())), 0)


def marked_sample(reports) -> list:
    """Every hostile title as .html (which keeps control characters), the first as .docx and .txt too,
    and the other readable reports, of the encodings one: the three decode to the same text, so their imported
    workbooks and marked copies are the same (an import and a copy cost ~1 s a report); the imports of all
    of them are written by test_import_refuses_in_chinese_or_writes_a_clean_workbook."""
    titles = [c for c in reports if c.variant == "hostile_title"]
    first = titles[0].path.stem
    readable = [c for c in reports if c.expect == READ]
    encoding = next(c for c in readable if c.variant == "encoding")
    return ([c for c in titles if c.path.suffix == ".html" or c.path.stem == first]
            + [c for c in readable if c.variant != "encoding" or c is encoding])


def test_audit_mark_writes_no_input_as_formula(reports, tmp_path):
    cases = marked_sample(reports)
    assert {c.path.suffix for c in cases} >= {".html", ".docx", ".txt"} and len(cases) >= 15
    before = snapshot(c.path for c in cases)
    run = xxgk_here("audit", "--json", "--mark", "-o", tmp_path / "out", *(c.path for c in cases))  # as above
    assert "Traceback" not in run.text, run.stderr[-3000:]
    assert not changed(before)
    readable = [r for r in json.loads(run.stdout) if r["status"] != UNREADABLE]
    written = [Path(r[key]) for r in readable if "workbook" in r for key in ("workbook", "marked")]
    assert len(readable) >= len(cases) // 2 and all(w.is_file() for w in written)
    assert len(written) == 2 * len(readable), "each readable report gets an imported workbook and a marked copy"
    assert not [w.name for w in written if no_input_formula(w)]


def _import(case, folder):
    """The command line, in this process: `xxgk import` takes one report, and 80 interpreters cost a minute."""
    target = folder / f"{case.path.stem}_{case.path.suffix.lstrip('.')}.xlsx"
    result = CliRunner().invoke(main, ["import", str(case.path), "-o", str(target), "--force"])
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    return case, target, result, crashed


def import_sample(reports) -> list:
    """Every report but the hostile titles' .docx and .txt after the first (test_audit_judges_every_report
    reads each of them) and, of the reports `audit --mark` already imports through the same writer
    (test_audit_mark_writes_no_input_as_formula), one per variant and kind of file: a written workbook
    costs ~0.5 s."""
    marked = marked_sample(reports)
    judged_only = {c.path for c in reports if c.variant == "hostile_title"} - {c.path for c in marked}
    firsts = {(c.variant, c.path.suffix): c.path for c in reversed(marked)}.values()
    written_by_audit = {c.path for c in marked} - set(firsts)
    return [c for c in reports if c.path not in judged_only | written_by_audit]


def test_import_refuses_in_chinese_or_writes_a_clean_workbook(reports, tmp_path):
    cases = import_sample(reports)
    assert {(c.variant, c.path.suffix) for c in cases} == {(c.variant, c.path.suffix) for c in reports}
    before = snapshot(c.path for c in cases)
    done = [_import(case, tmp_path) for case in cases]
    assert not changed(before)
    for case, target, run, crashed in done:
        assert not crashed and "Traceback" not in run.output, f"{case.path.name}: {run.exception!r} {run.output}"
        assert run.exit_code in (0, 1, 2), case.path.name
        if run.exit_code == 2:
            assert str(case.path) in run.stderr or str(target) in run.stderr, f"{case.path.name}: {run.stderr}"
            assert CHINESE.search(run.stderr.replace(str(case.path), "")), case.path.name
            assert not target.exists(), f"{case.path.name}: refused, yet a workbook was written"
        else:
            assert case.expect != REFUSE, f"{case.path.name} should have been refused"
            assert target.is_file() and not no_input_formula(target), case.path.name
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary files left"


@pytest.mark.parametrize("kind", KINDS)
def test_import_of_a_workbook_is_refused_naming_the_file(kind, corpus, tmp_path):
    """import reads published reports; a workbook (or anything else) handed to it is refused in Chinese."""
    case = next(c for c in corpus[kind] if c.path.is_file())
    # in this process (a refusal is not about the process; an interpreter per kind cost ~0.6 s each)
    run = CliRunner(**SEPARATE).invoke(main, ["import", str(case.path), "-o", str(tmp_path / "out.xlsx")])
    assert run.exception is None or isinstance(run.exception, SystemExit), repr(run.exception)
    assert "Traceback" not in run.output
    assert run.exit_code == 2 and str(case.path) in run.stderr and CHINESE.search(run.stderr), run.stderr
    assert not (tmp_path / "out.xlsx").exists()
    assert UNREADABLE not in run.stdout
