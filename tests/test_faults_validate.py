"""Issue 8, validate: every bad input ends in findings or a Chinese refusal naming the file,
never a traceback; the batch goes on; inputs stay byte-for-byte (and mtime) unchanged;
marked copies never turn input text into formulas. Parametrized by kind of fault."""
from __future__ import annotations

import re

import pytest

from faults import KINDS, REFUSE, TOKEN, badvalues, session
from faults.run import (CHINESE, UNREADABLE, changed, expected_exit, formulas, judge, snapshot, validate_json,
                        xxgk, xxgk_here)
from xxgk.parallel import MIN_PARALLEL

pytestmark = pytest.mark.heavy(43)  # CPU seconds, about: started first (tests/conftest.py)

MIN_CASES = 1000


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)

# kinds whose files also get a marked copy: every hostile text (each string as agency name and as
# explanation in the 2021 template, each file name; one 2019 file of each variant), one file of each
# variant of the others (openpyxl takes ~0.5 s a file: the whole corpus would take minutes)
MARKED_KINDS = ("hostile_text", "tampered", "bad_value")


def marked_sample(kind: str, cases: list) -> list:
    if kind == "bad_value":  # the workbook with every table variant openpyxl loads, each in its own cell, stands
        # for the files with one (marking is per cell: a cell's mark and note depend on its own findings alone);
        # the variants openpyxl cannot load have a file each, which must be told apart without stopping the batch
        return one_per_variant([case for case in cases
                                if case.variant not in badvalues.VARIANTS or case.variant in badvalues.UNLOADABLE])
    if kind != "hostile_text":
        return one_per_variant(cases)
    older = [case for case in cases if "_2019" in case.path.stem]
    return [case for case in cases if case not in older] + one_per_variant(older)


def one_per_variant(cases: list) -> list:
    return list({case.variant: case for case in reversed(cases)}.values())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return session.corpus(tmp_path_factory)


def test_the_corpus_holds_over_a_thousand_inputs_of_every_kind(corpus):
    assert sum(len(cases) for cases in corpus.values()) >= MIN_CASES
    assert set(corpus) == set(KINDS)
    assert all(len(cases) >= 10 for cases in corpus.values())


@pytest.fixture(scope="module")
def json_runs(corpus):
    """validate --json over each kind, one call per kind; inputs snapshotted around the call."""
    runs = {}
    for kind, cases in corpus.items():
        before = snapshot(c.path for c in cases)
        run, results = validate_json(cases)
        runs[kind] = (run, results, changed(before))
    return runs


@pytest.mark.parametrize("kind", KINDS)
def test_validate_ends_every_file_in_findings_or_a_chinese_refusal(kind, corpus, json_runs):
    cases = corpus[kind]
    run, results, modified = json_runs[kind]
    assert "Traceback" not in run.text, run.stderr[-3000:]
    assert [r["file"] for r in results] == [str(c.path) for c in cases], "every file once, in order"
    wrong = [f"{c.path.name}: {why}" for c, r in zip(cases, results) if (why := judge(c, r))]
    assert not wrong, "\n".join(wrong[:20])
    assert run.code == expected_exit(results)
    assert not modified, f"inputs changed: {modified[:10]}"


def printed_sample(kind: str, cases: list, results: list) -> tuple[list, list]:
    """(cases, their --json results): one file of every distinct outcome (variant, status, reason apart
    from the file name), every hostile file name, and enough files in all for worker processes. What the
    terminal shows for one file it shows for every file of the same outcome; validate --json saw them all."""
    seen, chosen = set(), []
    for index, (case, result) in enumerate(zip(cases, results)):
        outcome = (case.variant, result["status"], result.get("error", "").replace(str(case.path), ""))
        if outcome not in seen or kind == "hostile_text":
            seen.add(outcome)
            chosen.append(index)
    taken = set(chosen)
    others = [index for index in range(len(cases)) if index not in taken]
    chosen = sorted(chosen + others[:max(0, MIN_PARALLEL - len(chosen))])
    return [cases[i] for i in chosen], [results[i] for i in chosen]


@pytest.mark.parametrize("kind", KINDS)
def test_validate_tells_the_person_which_file_and_why(kind, corpus, json_runs):
    """The terminal output names every file; each refusal is on the file's own line, in Chinese. In this
    process: what is printed does not depend on the process (validate --json above runs as its own)."""
    cases, results = printed_sample(kind, corpus[kind], json_runs[kind][1])
    run = xxgk_here("validate", *(c.path for c in cases))
    assert "Traceback" not in run.text, run.stderr[-3000:]
    assert run.code == expected_exit(results)
    printed = squeeze(run.stdout)  # the terminal output wraps long lines anywhere
    for case, result in zip(cases, results):
        name = squeeze(str(case.path))
        assert name in printed, f"{case.path.name} not reported"
        if result["status"] == UNREADABLE:
            reason = squeeze(result["error"].replace(str(case.path), "", 1).lstrip("："))
            assert CHINESE.search(reason) and f"{name}{UNREADABLE}：{reason}" in printed, case.path.name
    assert f"共 {len(cases)} 个文件" in run.stdout


@pytest.fixture(scope="module")
def marked_run(corpus, tmp_path_factory):
    """One `validate --mark` over the samples of every marked kind, in this process: the kinds are independent
    files, the cost is openpyxl's load and save of each file (not the process), and one batch over all of them
    asks of the marking what three batches did, with one interpreter and one validation instead of three."""
    out = tmp_path_factory.mktemp("marked")
    cases = [case for kind in MARKED_KINDS for case in marked_sample(kind, corpus[kind])]
    before = snapshot(c.path for c in cases)
    run = xxgk_here("validate", "--mark", "-o", out, *(c.path for c in cases))
    return run, out, changed(before)


@pytest.mark.parametrize("kind", MARKED_KINDS)
def test_marked_copies_keep_input_text_out_of_formulas(kind, corpus, json_runs, marked_run):
    """--mark over a whole kind: one copy per readable file, the batch never stops at a file
    openpyxl cannot open, and every formula in a copy is one the input already had."""
    _, all_results, _ = json_runs[kind]
    result_of = {r["file"]: r for r in all_results}
    cases = marked_sample(kind, corpus[kind])
    run, out, modified = marked_run
    assert "Traceback" not in run.text, run.stderr[-3000:]
    assert not modified, f"inputs changed: {modified[:10]}"
    made = 0
    for case in cases:
        result = result_of[str(case.path)]
        copy = out / f"{case.path.stem}_校验标记{case.path.suffix}"
        if result["status"] == UNREADABLE:
            assert not copy.exists()
            continue
        if not copy.exists():  # only a file openpyxl cannot open, and then it says so
            assert f"{case.path}" in run.stdout and "标注副本" in run.stdout, case.path.name
            continue
        made += 1
        own = {text for _, text in formulas(case.path)}
        added = [(member, text) for member, text in formulas(copy) if text not in own]
        assert not added, f"{case.path.name}: formulas not in the input: {added[:3]}"
        assert not any(TOKEN in text for _, text in formulas(copy) if text not in own)
    assert made >= len(cases) // 2
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [], "temporary files left"


def test_every_loadable_bad_value_gets_a_marked_copy(corpus, marked_run):
    """The packed workbook stands for every table variant openpyxl loads only if it gets a copy; the variants
    it cannot load are named as such, each in its own file."""
    run, out, _ = marked_run
    sample = marked_sample("bad_value", corpus["bad_value"])
    copied = {case.variant for case in sample if (out / f"{case.path.stem}_校验标记{case.path.suffix}").exists()}
    assert badvalues.EVERY_VARIANT in copied
    assert copied.isdisjoint(badvalues.UNLOADABLE) and {c.variant for c in sample} - copied == set(badvalues.UNLOADABLE)
    assert all(f"{case.path}" in run.stdout for case in sample if case.variant in badvalues.UNLOADABLE)


def test_a_refused_file_does_not_stop_the_batch(corpus):
    """Good files after a run of refusals are still read and judged."""
    refused = [c for c in corpus["damaged"] if c.expect == REFUSE][:30]
    readable = [c for c in corpus["tampered"] if c.variant == "sheet_hidden"][:3]
    run, results = validate_json(refused + readable)
    assert [r["status"] == UNREADABLE for r in results] == [True] * len(refused) + [False] * len(readable)
    assert run.code == 2


def test_real_xls_et_ods_and_pdf_from_libreoffice_are_refused_by_name(libreoffice, tmp_path_factory, tmp_path):
    """Files LibreOffice really saved as .xls (and the same renamed .et / .xlsx), .ods and .pdf."""
    cases = session.libreoffice_kinds(tmp_path_factory, libreoffice.profile)
    assert len(cases) >= 10
    before = snapshot(c.path for c in cases)
    run, results = validate_json(cases)
    assert "Traceback" not in run.text and run.code == 2
    wrong = [f"{c.path.name}: {why}" for c, r in zip(cases, results) if (why := judge(c, r))]
    assert not wrong, "\n".join(wrong)
    summary = tmp_path / "汇总.xlsx"
    consolidated = xxgk("consolidate", *(c.path for c in cases), "-o", summary)
    assert "Traceback" not in consolidated.text and consolidated.code == 2
    assert not changed(before)
