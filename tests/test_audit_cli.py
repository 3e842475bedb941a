"""`xxgk import` and `xxgk audit` on reports built from the format description (no ../shared needed).

Reports are laid out as agencies publish them (tests/import_fixtures.py), with
figures from xxgk.samples; "faulty" ones carry a 勾稽 error and a 表四 total that
does not add up, as published.
"""
from __future__ import annotations

import json
import re

import openpyxl
import pytest
from click.testing import CliRunner

from xxgk.catalogue import FindingKind, Level, ReadErrorKind, Status
from xxgk.cli import main
from xxgk.formats import get_format
from xxgk.readers import read_workbook
from xxgk.rules import load_rules

from export_support import (
    AGENCY, YEARS, digest, faulty_values, form_of, sample_values, table_values_of, write_report,
)

pytestmark = pytest.mark.heavy(4)  # CPU seconds, about: started first (tests/conftest.py)

FAULTS = {"三-勾稽@natural", "三-勾稽@total", "四-合计@review"}
RED = "FFFF9999"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def rule_ids(findings) -> set[str]:
    return {f["instance"] if isinstance(f, dict) else f.instance_id for f in findings}


# -------------------------------------------------------------------------------- xxgk import

@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_import_writes_the_workbook_beside_the_report(tmp_path, format_id):
    report = write_report(tmp_path / "report.docx", format_id)
    before = digest(report)
    result = run("import", report)
    assert result.exit_code == 0, result.output
    fmt = get_format(format_id)
    assert f"已放入 {len(fmt.cells)} / {len(fmt.cells)}" in result.output
    form = read_workbook(tmp_path / "report.xlsx")
    assert form.format_id == format_id
    assert table_values_of(form.values, format_id) == table_values_of(sample_values(format_id), format_id)
    assert (form.values["cover.agency"], form.values["cover.year"]) == (AGENCY, YEARS[format_id])
    assert form.values["cover.filler"] is None  # only what the title gives
    assert digest(report) == before


def test_import_keeps_published_totals_and_blanks(tmp_path):
    values = faulty_values("2021")
    values["t3.deny_law.research"] = None  # printed as “/”
    report = write_report(tmp_path / "faulty.html", values=values, narrative=["本年共收到政府信息公开申请9999件。"])
    result = run("import", report, "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 1, result.output
    assert "原文留空 1 格" in result.output and "表三 · 2.其他法律行政法规禁止公开 × 法人或其他组织 科研机构" in result.output
    assert "9999" in result.output  # the narrative warning
    form = read_workbook(tmp_path / "out.xlsx")
    assert form.values["t4.review.total"] == values["t4.review.total"]  # not recomputed
    assert form.values["t3.deny_law.research"] is None  # blank, not 0
    found = load_rules().validate(form)
    assert FAULTS <= rule_ids(found.errors)
    assert "数值-整数@t3.deny_law.research" in rule_ids(found.errors)


def test_import_refuses_to_overwrite_without_force(tmp_path):
    report = write_report(tmp_path / "report.html")
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"clerk's own file")
    result = run("import", report)
    assert result.exit_code == 2 and "已存在" in result.output and "--force" in result.output
    assert target.read_bytes() == b"clerk's own file"
    assert run("import", report, "--force").exit_code == 0
    assert read_workbook(target).values["cover.agency"] == AGENCY


def test_import_into_a_folder_and_with_a_given_format(tmp_path):
    report = write_report(tmp_path / "report.html")
    (tmp_path / "out").mkdir()
    result = run("import", report, "-o", tmp_path / "out", "--format", "2021")
    assert result.exit_code == 0, result.output
    assert read_workbook(tmp_path / "out" / "report.xlsx").format_id == "2021"


@pytest.mark.parametrize("name, content, words", [
    ("old.doc", b"\xd0\xcf\x11\xe0 old word", ("old.doc", ".docx")),
    ("broken.docx", b"PK\x03\x04 broken", ("broken.docx", "损坏")),
    ("notes.txt", "会议记录：今天天气很好。".encode(), ("notes.txt", "不像是一份年度报告")),
    ("missing.pdf", None, ("missing.pdf", "不存在")),
])
def test_import_of_unreadable_reports_exits_2_in_chinese(tmp_path, name, content, words):
    report = tmp_path / name
    if content is not None:
        report.write_bytes(content)
    result = run("import", report)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("错误：") and all(w in result.output for w in words)
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob("*.xlsx"))
    if content is not None:
        assert report.read_bytes() == content


# -------------------------------------------------------------------------------- xxgk audit

@pytest.fixture
def batch(tmp_path):
    """A folder of reports: clean, faulty (in a subfolder), damaged, an old .doc, and a non-report file."""
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    write_report(folder / "clean.docx")
    write_report(folder / "sub" / "faulty.html", values=faulty_values("2021"))
    (folder / "damaged.docx").write_bytes(b"PK\x03\x04 damaged")
    (folder / "notes.xlsx").write_bytes(b"not audited: not a report type")
    (folder / "~$clean.docx").write_bytes(b"Word lock file")
    return folder


def test_audit_a_folder_the_batch_goes_on(batch):
    before = {p: digest(p) for p in batch.rglob("*") if p.is_file()}
    result = run("audit", batch, "--json")
    assert result.exit_code == 2, result.output
    data = {item["file"].split("/")[-1]: item for item in json.loads(result.output)}
    assert set(data) == {"clean.docx", "faulty.html", "damaged.docx"}
    assert data["clean.docx"]["status"] == Status.PASSED and data["clean.docx"]["findings"] == []
    assert data["clean.docx"]["import"]["missing"] == [] and data["clean.docx"]["import"]["placed"] == 200
    assert FAULTS <= rule_ids(data["faulty.html"]["findings"])
    assert "damaged.docx" in data["damaged.docx"]["error"] and "损坏" in data["damaged.docx"]["error"]
    assert before == {p: digest(p) for p in batch.rglob("*") if p.is_file()}


def test_audit_findings_are_those_of_validate_on_the_original_figures(tmp_path):
    values = faulty_values("2019")
    report = write_report(tmp_path / "faulty2019.docx", "2019", values)
    result = run("audit", report, "--json")
    assert result.exit_code == 1, result.output
    [item] = json.loads(result.output)
    expected = load_rules().validate(form_of("2019", values))
    assert rule_ids(item["findings"]) == rule_ids(expected.findings)


def test_audit_prints_narrative_warnings_and_import_gaps(tmp_path):
    values = sample_values("2021")
    report = write_report(tmp_path / "stated.html", values=values,
                          narrative=[f"本年共收到政府信息公开申请{values['t3.new.total'] + 5}件。"])
    result = run("audit", report)
    assert result.exit_code == 0, result.output  # a warning alone, as with validate
    assert FindingKind.NARRATIVE_FIGURE in result.output and f"{Level.WARNING.label} 1" in result.output
    text = report.read_text(encoding="utf-8").replace("（七）总计", "（七）合计")  # the label cannot be found
    report.write_text(text, encoding="utf-8")
    result = run("audit", report, "--json")
    [item] = json.loads(result.output)
    assert item["import"]["missing"] == [] and any("（七）总计" in n and "行序" in n for n in item["notes"])
    # two whole rows gone: their 14 cells are one 导入-缺失 warning per row, none of the 14 数值 findings
    # their blank cells would give, and no relation of 表三 is judged on them
    rows = re.findall(r"<tr>.*?</tr>", text)
    gone = [r for r in rows if "1.属于国家秘密" in r or "2.其他法律行政法规禁止公开" in r]
    for row in gone:
        text = text.replace(row, "")
    report.write_text(text, encoding="utf-8")
    result = run("audit", report, "--json")
    [item] = json.loads(result.output)
    gaps = [f for f in item["findings"] if f["rule"] == "导入-缺失"]
    assert sorted(g["location"][:12] for g in gaps) == ["表三 · 1.属于国家秘", "表三 · 2.其他法律行"]
    assert {g["severity"] for g in gaps} == {"warning"}
    assert not [f for f in item["findings"] if f["severity"] == "error"] and result.exit_code == 0
    derived = {d["key"] for d in item["import"]["derived"]}
    assert {m["key"] for m in item["import"]["missing"]} | derived == {
        f"t3.{r}.{c}" for r in ("deny_secret", "deny_law") for c in get_format("2021").group("t3", "columns")}


def test_audit_of_a_file_without_tables_is_unreadable(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "page.html").write_text("<html><body><table><tr><td>1</td></tr></table></body></html>")
    result = run("audit", tmp_path, "--json")
    assert result.exit_code == 2
    assert [("不像是一份年度报告" in item["error"]) for item in json.loads(result.output)] == [True, True]


def test_audit_mark_writes_workbook_and_marked_copy(batch, tmp_path):
    out = tmp_path / "out"
    result = run("audit", batch / "sub" / "faulty.html", batch / "clean.docx", "--mark", "-o", out)
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.iterdir()) == ["clean.xlsx", "clean_校验标记.xlsx",
                                                     "faulty.xlsx", "faulty_校验标记.xlsx"]
    form = read_workbook(out / "faulty.xlsx")
    assert form.values["t4.review.total"] == faulty_values("2021")["t4.review.total"]
    marked = openpyxl.load_workbook(out / "faulty_校验标记.xlsx")
    sheet, _, cell = form.addresses["t4.review.total"].rpartition("!")
    assert marked[sheet][cell].fill.fgColor.rgb == RED
    assert "校验报告" in marked.sheetnames


def test_audit_same_stem_twice_keeps_both(tmp_path):
    write_report(tmp_path / "a.html")
    write_report(tmp_path / "a.docx")
    result = run("audit", tmp_path / "a.html", tmp_path / "a.docx", "--mark", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.xlsx") if "校验标记" not in p.name) == \
        ["a.xlsx", "a_docx.xlsx"]


@pytest.mark.parametrize("args, words", [
    (["--mark"], ("--mark", "-o")),
    (["-o", "out"], ("-o", "--mark")),
])
def test_audit_bad_options(tmp_path, args, words):
    report = write_report(tmp_path / "r.html")
    result = run("audit", report, *args)
    assert result.exit_code == 2 and result.output.startswith("错误：")
    assert all(w in result.output for w in words)


def test_audit_of_an_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("audit", tmp_path / "empty", "--json")
    assert result.exit_code == 2
    [item] = json.loads(result.output)
    assert item["status"] == Status.UNREADABLE and item["error_kind"] == ReadErrorKind.EMPTY


def test_an_unexpected_failure_on_one_report_does_not_end_the_batch(tmp_path, monkeypatch):
    """Fault injection: the importer breaks on one file (as a library bug would); the others are audited."""
    import xxgk.audit

    write_report(tmp_path / "good.html")
    write_report(tmp_path / "odd.html")
    real = xxgk.audit.import_report

    def breaks_on_odd(path, **kwargs):
        if path.name == "odd.html":
            raise RuntimeError("library bug")
        return real(path, **kwargs)

    monkeypatch.setattr(xxgk.audit, "import_report", breaks_on_odd)
    result = run("audit", tmp_path)
    assert result.exit_code == 2
    assert "good.html" in result.output and f"{Status.PASSED} 1" in result.output
    assert "odd.html" in result.output and ReadErrorKind.FAILED.message(kind="RuntimeError") in result.output
    assert "Traceback" not in result.output
