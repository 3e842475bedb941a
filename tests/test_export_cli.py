"""`xxgk export`: exit codes, Chinese messages, the workbook never modified."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from xxgk.cli import main
from xxgk.importer import import_report

from export_support import digest, faulty_values, make_workbook, sample_values, table_values_of


def _export(*args):
    return CliRunner().invoke(main, ["export", *map(str, args)])


@pytest.fixture
def workbook(tmp_path):
    return make_workbook(tmp_path / "agency.xlsx", "2021", sample_values("2021"))


def test_exports_both_and_exits_0(workbook, tmp_path):
    before = digest(workbook)
    result = _export(workbook, "--docx", tmp_path / "t.docx", "--html", tmp_path / "t.html")
    assert result.exit_code == 0, result.output
    assert "已导出" in result.output and "t.docx" in result.output and "t.html" in result.output
    assert digest(workbook) == before
    for name in ("t.docx", "t.html"):
        assert import_report(tmp_path / name).missing == []


def test_workbook_with_errors_is_exported_with_a_warning_and_exit_1(tmp_path):
    workbook = make_workbook(tmp_path / "faulty.xlsx", "2021", faulty_values("2021"), literal_totals=True)
    result = _export(workbook, "--html", tmp_path / "t.html")
    assert result.exit_code == 1, result.output
    assert "处错误未改正" in result.output and "xxgk validate" in result.output
    published = import_report(tmp_path / "t.html").values
    assert published["t4.review.total"] == faulty_values("2021")["t4.review.total"]  # as the workbook holds it


def test_existing_output_is_replaced(workbook, tmp_path):
    target = tmp_path / "t.html"
    target.write_text("old", encoding="utf-8")
    assert _export(workbook, "--html", target).exit_code == 0
    imported = import_report(target)
    assert table_values_of(imported.values, "2021") == table_values_of(sample_values("2021"), "2021")


@pytest.mark.parametrize("args, words", [
    ([], ("--docx", "--html")),
    (["--html", "t.txt"], ("t.txt", ".html")),
    (["--docx", "t.doc"], ("t.doc", ".docx")),
])
def test_bad_options_exit_2_in_chinese(workbook, tmp_path, args, words):
    args = [str(tmp_path / a) if a.startswith("t.") else a for a in args]
    result = _export(workbook, *args)
    assert result.exit_code == 2
    assert result.output.startswith("错误：") and all(w in result.output for w in words)
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agency.xlsx"]


@pytest.mark.parametrize("content, words", [
    (None, ("missing.xlsx", "不存在")),
    (b"<html><body>not a workbook</body></html>", ("missing.xlsx", "网页")),
    (b"PK\x03\x04broken", ("missing.xlsx",)),
])
def test_unreadable_workbook_exits_2_and_writes_nothing(tmp_path, content, words):
    source = tmp_path / "missing.xlsx"
    if content is not None:
        source.write_bytes(content)
    result = _export(source, "--html", tmp_path / "t.html", "--docx", tmp_path / "t.docx")
    assert result.exit_code == 2, result.output
    assert result.output.startswith("错误：") and all(w in result.output for w in words)
    assert not (tmp_path / "t.html").exists() and not (tmp_path / "t.docx").exists()
    if content is not None:
        assert source.read_bytes() == content


def test_output_cannot_replace_the_workbook(workbook):
    renamed = workbook.with_suffix(".html")
    workbook.rename(renamed)
    before = digest(renamed)
    result = _export(renamed, "--html", renamed)
    assert result.exit_code == 2 and "不能覆盖" in result.output
    assert digest(renamed) == before
