"""--previous with last year's province summary: its 分单位明细 is beyond the careful reader's limit
for one zip part (a 10,000-agency summary's is about 66 MB), yet it is read — streamed, with its own
cap — and gives every agency's own figures; the rest of the summary still goes through every limit.

The limit is lowered here (rather than writing 66 MB in a test) to just above the summary's other
parts, so the streamed path is the one taken, as it is for a province.
"""
from __future__ import annotations

import zipfile

import pytest

from xxgk.bench.corpus import YEAR, make_corpus
from xxgk.catalogue import ReadErrorKind
from xxgk.consolidate import consolidate
from xxgk.consolidate import previous_summary
from xxgk.consolidate.members import sheet_member
from xxgk.consolidate.labels import SHEET_DETAIL
from xxgk.consolidate.previous import load_previous
from xxgk.errors import ReadError, XxgkError
from xxgk.formats import get_format
from xxgk.parallel import MIN_PARALLEL
from xxgk.readers import read_workbook
from xxgk.readers import safezip
from xxgk.rules import load_rules
from xxgk.rules.previous_match import previous_findings

AGENCIES = 70  # enough rows for 分单位明细 to be the summary's largest part


@pytest.fixture(scope="module")
def last_year(tmp_path_factory):
    root = tmp_path_factory.mktemp("last")
    # the agencies' own files only need to be distinct and readable here (what a spreadsheet application's
    # re-save does to them is test_fastpath_reader's and the bench's business): no LibreOffice pass
    corpus = make_corpus(root / "报送", AGENCIES, bases=3, app_saved=False)
    summary = root / "汇总.xlsx"
    consolidate([corpus.folder], summary, year=YEAR)
    with zipfile.ZipFile(summary) as archive:
        member = sheet_member(archive, SHEET_DETAIL)
        sizes = {info.filename: info.file_size for info in archive.infolist()}
    parts = [info.file_size for path in corpus.files[:3] for info in zipfile.ZipFile(path).infolist()]
    others = max([size for name, size in sizes.items() if name != member] + parts)  # agencies' too
    assert sizes[member] > others
    return corpus.files, summary, others


@pytest.fixture
def part_limit(last_year, monkeypatch):
    """The careful reader's part limit, just above every part of the summary but 分单位明细."""
    monkeypatch.setattr(safezip, "MAX_MEMBER_BYTES", last_year[2] + 1)


def test_the_careful_reader_alone_refuses_it(last_year, part_limit):
    with pytest.raises(ReadError) as refused:
        read_workbook(last_year[1])
    assert refused.value.kind == ReadErrorKind.TOO_LARGE


def test_every_agency_has_its_own_figures(last_year, part_limit):
    files, summary, _ = last_year
    index = load_previous(summary, YEAR + 1)
    assert len(index) == AGENCIES
    keys = list(get_format("2021").cells)
    for path in files[::7]:
        own = read_workbook(path).values
        found = index.find(own["cover.agency"], own["cover.credit_code"])
        assert found is not None, path.name
        assert [found.values[k] for k in keys] == [own[k] for k in keys], path.name


def test_consolidating_against_it_judges_as_with_each_agencys_own_workbook(last_year, part_limit, tmp_path):
    files, summary, _ = last_year
    # all of them: enough files for worker processes, which judge against last year's figures themselves
    result = consolidate(files, tmp_path / "汇总.xlsx", year=YEAR, previous=summary)
    assert len(result.entries) == AGENCIES >= MIN_PARALLEL
    assert not any("未找到该单位的上年报表" in e.note for e in result.entries)
    ruleset = load_rules()
    for entry in result.entries[::4]:  # last year's figures here are this year's very figures, read carefully
        form = read_workbook(entry.path)
        # … which is said: a "last year" of the same year is a warning (issue 17)
        expected = ruleset.validate(form, previous=form).findings + previous_findings(form, form)
        assert entry.findings == expected, entry.path.name
        assert [f.instance_id for f in previous_findings(form, form)] == ["跨年-上年报表@year"]
    assert any(f.rule_id == "跨年-相同" for e in result.entries for f in e.findings)


def test_the_streamed_part_still_has_a_limit(last_year, part_limit, monkeypatch):
    monkeypatch.setattr(previous_summary, "MAX_DETAIL_BYTES", last_year[2])
    with pytest.raises(XxgkError) as refused:
        load_previous(last_year[1], YEAR + 1)
    assert str(last_year[1]) in str(refused.value) and "庞大" in str(refused.value)
