"""The 校验结果 sheet is read only when a warning fails, and the fast and careful paths agree on it.

A clerk's 说明 there can only mark a failing warning as explained; it never
changes what fails. So ``check_file`` first judges a file without that sheet
(most of a saved workbook's bytes) and reads it only when a warning fails. A
damaged 校验结果 sheet therefore matters only when its 说明 are needed.
"""
from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

import pytest

from reader_fixtures import build_template, edit_with_openpyxl, rewrite_member, sample_values
from xxgk.catalogue import Status
from xxgk.errors import ReadError
from xxgk.formats import get_format
from xxgk.readers import read_workbook
from xxgk.rules import load_rules
from xxgk.samples import cover_values
from xxgk.speed import pipeline

F2021 = get_format("2021")
NOTE = "已核实：本年收费确为 25.8 亿元"
WARNING = "二-万元"


def _checks_member(path: Path) -> str:
    """The zip member of the 校验结果 sheet, found through workbook.xml and its relationships."""
    with zipfile.ZipFile(path) as archive:
        book = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet name="校验结果" sheetId="\d+"(?: state="\w+")? r:id="(rId\d+)"', book).group(1)
    target = re.search(rf'<Relationship Id="{rid}" Type="[^"]+" Target="([^"]+)"', rels).group(1)
    return "xl/" + target.removeprefix("/xl/")


def _damage_checks(source: Path, target: Path) -> Path:
    member = _checks_member(source)
    return rewrite_member(source, target, member, lambda data: data.replace(b"</row>", b"</rowx>", 1))


def _explain(book):
    for row in book["校验结果"].iter_rows(min_row=6):
        if row[7].value == WARNING:
            row[8].value = NOTE
            return
    raise AssertionError(f"{WARNING} not on 校验结果")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("explanations")
    other_agency = cover_values("区卫生健康委员会", 2023, random.Random(3))  # not a duplicate of the warned one
    passing = build_template(folder / "passing.xlsx", F2021, sample_values(F2021, seed=3) | other_agency, live=True)
    warned = build_template(folder / "warned.xlsx", F2021, sample_values(F2021, seed=5) | {"t2.fee.amount": 258000.0},
                            live=True)
    return {
        "explained": edit_with_openpyxl(warned, folder / "explained.xlsx", _explain),
        "passing_damaged": _damage_checks(passing, folder / "passing_damaged.xlsx"),
        "warned_damaged": _damage_checks(warned, folder / "warned_damaged.xlsx"),
    }


@pytest.fixture(scope="module")
def ruleset():
    return load_rules()


def check_file(path: Path, ruleset, fast: bool):
    """The file judged by the speed layer's pipeline or the careful one."""
    return next(pipeline(careful=not fast).check_files([path], ruleset, None))


@pytest.mark.parametrize("fast", [False, True], ids=["careful", "fast"])
def test_a_note_explains_the_failing_warning(files, ruleset, fast):
    result = check_file(files["explained"], ruleset, fast)
    assert [(f.rule_id, f.explanation) for f in result.report.explained] == [(WARNING, NOTE)]
    assert result.status == Status.EXPLAINED


@pytest.mark.parametrize("fast", [False, True], ids=["careful", "fast"])
def test_a_damaged_checks_sheet_is_not_read_when_no_warning_fails(files, ruleset, fast):
    with pytest.raises(ReadError):  # the sheet really is damaged: a full read refuses the file
        read_workbook(files["passing_damaged"])
    result = check_file(files["passing_damaged"], ruleset, fast)
    assert result.error is None and result.status == Status.PASSED


@pytest.mark.parametrize("fast", [False, True], ids=["careful", "fast"])
def test_a_damaged_checks_sheet_makes_the_file_unreadable_once_a_warning_fails(files, ruleset, fast):
    result = check_file(files["warned_damaged"], ruleset, fast)
    assert result.report is None and isinstance(result.error, ReadError)
    assert result.status == Status.UNREADABLE and "warned_damaged.xlsx" in str(result.error)


def test_consolidation_reads_the_notes_it_needs_and_no_others(files, tmp_path):
    from xxgk.consolidate import consolidate

    folder = tmp_path / "报送"
    folder.mkdir()
    for name in ("explained", "passing_damaged"):
        (folder / f"{name}.xlsx").write_bytes(files[name].read_bytes())
    result = consolidate([folder], tmp_path / "汇总.xlsx", year=2023)
    by_name = {entry.path.stem: entry for entry in result.entries}
    assert by_name["explained"].status == Status.EXPLAINED
    assert [f.explanation for f in by_name["explained"].report.explained] == [NOTE]
    assert by_name["passing_damaged"].status == Status.PASSED
