"""Limits before expensive work (issue 17, items 11 and 13): a time budget for the whole file, caps on
pages, ruled pages and nesting, figures of thousands of digits, merged cells on the grid.

No wall clock is asserted: the budget is shown to stop work by giving it none; the caps by counting
what reaches the expensive step.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from faults.costly import NESTED_DIVS, ruled_pdf
from published_support import GULOU
from xxgk.catalogue import ReadErrorKind, ReadMessage, Status
from xxgk.cli import main
from xxgk.errors import ReadError
from xxgk.importer import budget, import_report, pdfsource
from xxgk.importer.grid import Cell, grid_rows


def test_a_spent_time_budget_is_a_chinese_refusal_naming_the_file():
    with pytest.raises(ReadError) as caught:
        import_report(GULOU, seconds=0)
    assert caught.value.kind == ReadErrorKind.TIMEOUT and str(caught.value).startswith(f"{GULOU}：处理超过 0 秒")


def test_audit_goes_on_past_a_file_out_of_time(monkeypatch, tmp_path):
    monkeypatch.setattr(budget, "SECONDS", 0)
    result = CliRunner().invoke(main, ["audit", str(GULOU), "--json"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    [item] = json.loads(result.output)
    assert item["status"] == Status.UNREADABLE and "处理超过 0 秒" in item["error"]


def test_deep_nesting_is_refused_before_it_costs(tmp_path):
    page = tmp_path / "nested.html"
    page.write_text("<html><body>" + "<div>" * NESTED_DIVS + "表三" + "</div>" * NESTED_DIVS + "</body></html>")
    with pytest.raises(ReadError) as caught:
        import_report(page)
    assert caught.value.kind == ReadErrorKind.TOO_DEEP and caught.value.reason == ReadErrorKind.TOO_DEEP.template


def test_a_pdf_of_too_many_pages_is_refused_unread(tmp_path):
    pdf = tmp_path / "many.pdf"
    pdf.write_bytes(ruled_pdf(pdfsource.MAX_PDF_PAGES + 1, 2))
    with pytest.raises(ReadError) as caught:
        import_report(pdf)
    assert caught.value.kind == ReadErrorKind.TOO_LARGE
    assert caught.value.reason == ReadMessage.PDF_PAGES.message(pages=pdfsource.MAX_PDF_PAGES + 1,
                                                                limit=pdfsource.MAX_PDF_PAGES)


def test_only_a_few_ruled_pages_reach_the_table_finder(monkeypatch, tmp_path):
    """40 pages, each ruled and carrying table labels: at most MAX_TABLE_PAGES go to pdfplumber; a page
    ruled beyond MAX_RULING_SEGMENTS goes to none, whatever its labels."""
    sent = []
    real = pdfsource._page_lines
    monkeypatch.setattr(pdfsource, "_page_lines", lambda page, number: sent.append(number) or real(page, number))
    pdf = tmp_path / "ruled.pdf"
    pdf.write_bytes(ruled_pdf(40, 2))
    assert import_report(pdf).tables == []  # labels without figures, but every page was read
    assert sent == list(range(1, pdfsource.MAX_TABLE_PAGES + 1))
    sent.clear()
    pdf.write_bytes(ruled_pdf(3, pdfsource.MAX_RULING_SEGMENTS // 4 + 1))
    document = pdfsource.read_pdf(pdf)
    assert sent == [] and len(document.lines) == 3  # read as its text layer


def test_a_figure_of_thousands_of_digits_is_no_figure(tmp_path):
    text = GULOU.read_text(encoding="utf-8")
    row = next(line for line in text.split("\n") if line.startswith("一、本年新收"))
    huge = "9" * 5000
    path = tmp_path / "r.txt"
    path.write_text(text.replace(row, row.replace("\t1\t", f"\t{huge}\t", 1)) + f"\n收到申请{huge}件。", "utf-8")
    result = import_report(path)
    assert "t3.new.natural" in result.missing and any("一、本年新收" in p for p in result.problems)
    assert result.values["t3.public.natural"] == 1  # the rows after it are still found
    assert result.narrative == []


def test_merged_cells_on_the_grid():
    """A blank cell stands for each slot it covers; a cell with text counts once, where it starts."""
    rows = [
        [Cell("label", 1, 3), Cell(""), Cell("", cols=2), Cell("7")],
        [Cell("1"), Cell("", rows=2), Cell("2"), Cell("8")],
        [Cell("3"), Cell("4"), Cell("9")],
    ]
    assert grid_rows(rows) == [("label", "", "", "", "7"), ("1", "", "2", "8"), ("3", "", "4", "9")]
    word = [[Cell("a"), Cell(""), Cell("5", cols=2)], [Cell("b"), Cell("", merged_above=True), Cell("6", cols=2)],
            [Cell("c", merged_above=True), Cell("x"), Cell("y"), Cell("z")]]
    assert grid_rows(word) == [("a", "", "5"), ("b", "", "6"), ("x", "y", "z")]
