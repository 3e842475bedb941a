"""Round trip: workbook → export (.docx, .html) → import → the same figures, every cell, totals included.

Also through plain text made from the exports (as a person copies them), and
with blank and decimal cells, which must come back blank and exact.
"""
from __future__ import annotations

import pytest

from xxgk.export import export_workbook
from xxgk.formats import FORMATS, get_format
from xxgk.importer import import_report
from xxgk.readers import read_workbook

from export_support import (
    digest, docx_text, faulty_values, html_text, make_workbook, sample_values, table_values_of,
)

FORMAT_IDS = sorted(FORMATS)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Per format and case: (workbook form, docx path, html path); the workbook is only read."""
    folder = tmp_path_factory.mktemp("export")
    cases = {}
    for format_id in FORMAT_IDS:
        for case, values, literal in (("sample", sample_values(format_id), False),
                                      ("faulty", faulty_values(format_id, seed=11), True)):
            workbook = make_workbook(folder / f"{case}_{format_id}.xlsx", format_id, values, literal)
            before = digest(workbook)
            docx, html = folder / f"{case}_{format_id}.docx", folder / f"{case}_{format_id}.html"
            form = export_workbook(workbook, docx=docx, html=html)
            assert digest(workbook) == before, "the workbook must never be modified"
            cases[format_id, case] = (form, docx, html)
    return cases


def _assert_same_figures(result, form):
    fmt = get_format(form.format_id)
    assert result.format_id == form.format_id
    assert table_values_of(result.values, fmt.id) == table_values_of(form.values, fmt.id)
    assert (result.agency, result.year) == (form.values["cover.agency"], form.values["cover.year"])
    assert result.missing == [] and result.blanks == [] and result.problems == []
    assert result.narrative == []


@pytest.mark.parametrize("case", ["sample", "faulty"])
@pytest.mark.parametrize("kind", ["docx", "html"])
@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_import_of_export_gives_identical_figures(exported, format_id, kind, case):
    form, docx, html = exported[format_id, case]
    result = import_report(docx if kind == "docx" else html)
    _assert_same_figures(result, form)


def test_faulty_totals_are_exported_as_the_workbook_holds_them(exported):
    form, _, html = exported["2021", "faulty"]
    result = import_report(html)
    parts = sum(result.values[f"t4.review.{c}"] for c in ("upheld", "corrected", "other", "pending"))
    assert result.values["t4.review.total"] == form.values["t4.review.total"] == parts + 1


@pytest.mark.parametrize("word_like", [True, False], ids=["word-copy", "python-docx-rows"])
@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_plain_text_from_docx(exported, format_id, word_like, tmp_path):
    form, docx, _ = exported[format_id, "sample"]
    text = tmp_path / "from_docx.txt"
    text.write_text(docx_text(docx, word_like), encoding="utf-8")
    _assert_same_figures(import_report(text), form)


@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_plain_text_from_html(exported, format_id, tmp_path):
    form, _, html = exported[format_id, "sample"]
    text = tmp_path / "from_html.txt"
    text.write_text(html_text(html), encoding="utf-8")
    _assert_same_figures(import_report(text), form)


@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_blank_and_decimal_cells_come_back_as_they_were(format_id, tmp_path):
    """A blank stays blank (not 0) through the export; a money figure keeps every decimal."""
    fmt = get_format(format_id)
    values = sample_values(format_id, seed=3)
    money = next(k for k, c in fmt.cells.items() if c.kind.value in ("wan", "money"))
    values[money] = 1234567.89
    blanks = ["t3.deny_law.research", "t2.normative.repealed" if format_id == "2021" else "t2.normative.published"]
    for key in blanks:
        values[key] = None
    workbook = make_workbook(tmp_path / "blanks.xlsx", format_id, values)
    form = read_workbook(workbook)
    export_workbook(workbook, docx=tmp_path / "blanks.docx", html=tmp_path / "blanks.html")
    for path in (tmp_path / "blanks.docx", tmp_path / "blanks.html"):
        result = import_report(path)
        assert sorted(result.blanks) == sorted(blanks)
        assert all(result.values[key] is None for key in blanks)
        assert result.values[money] == 1234567.89
        assert table_values_of(result.values, format_id) == table_values_of(form.values, format_id)


def test_blank_first_cell_of_a_table2_row(tmp_path):
    values = sample_values("2021", seed=3)
    values["t2.regulation.issued"] = None
    workbook = make_workbook(tmp_path / "lead_blank.xlsx", "2021", values)
    export_workbook(workbook, html=tmp_path / "lead_blank.html")
    result = import_report(tmp_path / "lead_blank.html")
    assert result.blanks == ["t2.regulation.issued"] and result.missing == []


def test_control_characters_in_an_agency_name_do_not_break_the_docx(tmp_path):
    import docx

    values = sample_values("2021", seed=4)
    values["cover.agency"] = "示例区\x01教育\x0b局"
    workbook = make_workbook(tmp_path / "ctl.xlsx", "2021", values)
    export_workbook(workbook, docx=tmp_path / "ctl.docx", html=tmp_path / "ctl.html")
    text = "\n".join(p.text for p in docx.Document(tmp_path / "ctl.docx").paragraphs)
    assert "示例区教育局" in text
