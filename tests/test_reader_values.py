"""read_workbook on template-made workbooks: every value found by name, whoever saved the file."""
from __future__ import annotations

import hashlib
import re
import sys
import zipfile
from xml.etree import ElementTree
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from reader_fixtures import (  # noqa: E402
    build_template, edit_with_openpyxl, layout, live_checks, named_cell, named_range, resave_with_openpyxl,
    rewrite_member, sample_values, template_address, write_contract_workbook,
)

from xxgk.errors import ReadError  # noqa: E402
from xxgk.readers.fast import read_fast  # noqa: E402
from xxgk.formats import FORMATS, TEMPLATE_VERSION, defined_name, get_format  # noqa: E402
from xxgk.model import CellError  # noqa: E402
from xxgk.readers import read_workbook  # noqa: E402
from xxgk.readers.refs import column_letters  # noqa: E402

FMT = get_format("2021")
T3_SHEET = "xl/worksheets/sheet3.xml"  # 封面, 表二, 表三 … in both producers' sheet order


def contract_address(fmt, key: str) -> str:
    sheet, row, col = layout(fmt)[key]
    return f"{sheet}!{column_letters(col + 1)}{row + 1}"


PRODUCERS = {  # name -> (write(path, fmt, values), address of a key)
    "template": (build_template, template_address),
    "contract": (write_contract_workbook, contract_address),
}


@pytest.mark.parametrize("producer", sorted(PRODUCERS))
@pytest.mark.parametrize("format_id", sorted(FORMATS))
def test_every_cell_and_cover_field_is_read_by_name(tmp_path, format_id, producer):
    fmt = get_format(format_id)
    write, address = PRODUCERS[producer]
    values = sample_values(fmt, seed=int(format_id))
    path = write(tmp_path / "a.xlsx", fmt, values)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    form = read_workbook(path)
    assert (form.format_id, form.template_version, form.problems) == (fmt.id, TEMPLATE_VERSION, [])
    assert form.values == {key: values[key] for key in (*fmt.cover_fields, *fmt.cells)}
    assert form.formulas == {key for key, cell in fmt.cells.items() if cell.is_total}
    assert all(form.addresses[key] == address(fmt, key) for key in form.values)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_a_fresh_template_reads_as_zeros_and_blanks(tmp_path):
    form = read_workbook(build_template(tmp_path / "t.xlsx", FMT, live=True))
    assert all(form.values[key] == 0 for key in FMT.cells)
    assert all(form.values[key] is None for key in FMT.cover_fields)
    assert form.problems == [] and form.explanations == {}


@pytest.mark.parametrize("format_id", sorted(FORMATS))
def test_script_saved_workbooks_have_their_totals_recomputed(tmp_path, format_id):
    fmt = get_format(format_id)
    values = sample_values(fmt, seed=7)
    saved = resave_with_openpyxl(build_template(tmp_path / "a.xlsx", fmt, values), tmp_path / "script.xlsx")
    with zipfile.ZipFile(saved) as archive:
        sheet = archive.read(T3_SHEET).decode()
    assert "<f>" in sheet and not re.search(r"</f><v>[^<]", sheet), "openpyxl should leave no cached value"
    form = read_workbook(saved)
    assert form.values == {key: values[key] for key in form.values}
    assert form.values["t3.total.total"] == sum(values[f"t3.total.{c}"] for c in fmt.group("t3", "applicants"))


def test_recomputed_totals_count_only_numbers(tmp_path):
    values = sample_values(FMT)
    values.update({"t3.new.natural": "５", "t3.new.business": 2.5, "t3.new.research": None})
    saved = resave_with_openpyxl(build_template(tmp_path / "a.xlsx", FMT, values), tmp_path / "s.xlsx")
    form = read_workbook(saved)
    others = sum(values[f"t3.new.{c}"] for c in ("social", "legal", "org_other"))
    assert form.values["t3.new.total"] == others + 2.5
    assert form.values["t3.new.natural"] == "５"


def test_an_overwritten_total_keeps_its_typed_value(tmp_path):
    def overwrite(book):
        named_cell(book, defined_name("t3.new.total")).value = 999

    path = edit_with_openpyxl(build_template(tmp_path / "a.xlsx", FMT, sample_values(FMT)), tmp_path / "o.xlsx",
                              overwrite)
    form = read_workbook(path)
    assert form.values["t3.new.total"] == 999
    assert "t3.new.total" not in form.formulas and "t3.carried.total" in form.formulas
    assert form.values["t3.carried.total"] == sample_values(FMT)["t3.carried.total"]  # recomputed


def test_raw_values_come_back_as_they_were_typed(tmp_path):
    odd = {
        "t3.new.natural": "１２",  # full-width digits stay text
        "t3.new.business": "12",  # a number stored as text
        "t3.new.research": 3.5,
        "t3.new.social": -4,
        "t3.new.legal": None,
        "t3.new.org_other": CellError("#REF!"),
        "t3.carried.natural": True,
        "t3.carried.business": 45123,  # a date typed into a count cell is its serial number
        "t3.carried.research": 12345678901234,
        "t3.carried.social": "=1+1",
        "t3.carried.legal": "  7 ",
        "t3.carried.org_other": "_x0041_ 文字\x01",
        "t4.review.upheld": CellError("#VALUE!"),
        "cover.agency": "区教育局" * 2500,
        "cover.year": "二〇二三",
    }
    values = {**sample_values(FMT), **odd}
    form = read_workbook(build_template(tmp_path / "a.xlsx", FMT, values))
    assert {key: form.values[key] for key in odd} == odd
    assert isinstance(form.values["t3.carried.natural"], bool)
    assert isinstance(form.values["t3.carried.research"], int)
    assert form.values["t3.new.total"] == CellError("#REF!")  # the cached total, as Excel shows it


def test_inline_strings_quoted_sheet_names_and_shared_formulas(tmp_path):
    values = {**sample_values(FMT), "cover.agency": "区'教育'局", "t3.new.natural": "七"}
    path = write_contract_workbook(tmp_path / "a.xlsx", FMT, values, inline_strings=True, quote_sheets=True)
    shared = rewrite_member(path, tmp_path / "shared.xlsx", T3_SHEET, _as_shared_formulas)
    with zipfile.ZipFile(shared) as archive:
        sheet = archive.read(T3_SHEET).decode()
        names = archive.read("xl/workbook.xml").decode()
    assert 't="inlineStr"' in sheet and 't="shared"' in sheet and "'表三'!$" in names
    form = read_workbook(shared)
    assert form.values == {key: values[key] for key in form.values}
    assert {k for k in form.formulas if k.startswith("t3.")} == {k for k, c in FMT.cells.items()
                                                                 if c.is_total and k.startswith("t3.")}


def _as_shared_formulas(xml: bytes) -> bytes:
    """Turn the row-total formulas of table 三 into one shared formula, as Excel writes them."""
    text = xml.decode()
    column = re.match(r"[A-Z]+", template_address(FMT, "t3.new.total").split("!")[1]).group(0)
    cells = re.findall(rf'<c r="({column}\d+)"[^>]*><f>([^<]*)</f>', text)
    first, formula = cells[0]
    text = text.replace(f"<f>{formula}</f>", f'<f t="shared" ref="{first}:{cells[-2][0]}" si="0">{formula}</f>', 1)
    for address, formula in cells[1:-1]:
        text = text.replace(f'<c r="{address}"', f'<c r="{address}" data-x="1"', 1)
        text = re.sub(rf'(<c r="{address}" data-x="1"[^>]*>)<f>[^<]*</f><v>([^<]*)</v>',
                      r'\1<f t="shared" si="0"/><v>\2</v>', text)
        text = text.replace(' data-x="1"', "")
    return text.encode()


def test_explanations_are_read_from_the_checks_range(tmp_path):
    notes = ["本年清理了文件", "", "=不是公式", "  "]

    def explain(book):
        rows = named_range(book, "xxgk_checks")
        for (_instance, note), text in zip(rows, notes):
            note.value = text or None
            note.data_type = "s"

    template = build_template(tmp_path / "a.xlsx", FMT, sample_values(FMT), live=True)
    path = edit_with_openpyxl(template, tmp_path / "e.xlsx", explain)
    ids = [check.instance_id for check in live_checks("2021")]
    form = read_workbook(path)
    assert form.explanations == {ids[0]: notes[0], ids[2]: notes[2]}


def test_explanations_by_a_second_producer(tmp_path):
    notes = {"二-现行有效[regulation]": "本年清理了文件", "三-勾稽[natural]": ""}
    form = read_workbook(write_contract_workbook(tmp_path / "a.xlsx", FMT, sample_values(FMT), explanations=notes))
    assert form.explanations == {"二-现行有效[regulation]": "本年清理了文件"}


def _renamed(book, name: str, text: str | None) -> None:
    if text is None:
        del book.defined_names[name]
    else:
        book.defined_names[name].attr_text = text


def test_missing_moved_and_broken_names_become_problems_not_crashes(tmp_path):
    values = sample_values(FMT)
    gone, broken, wide = defined_name("t3.new.natural"), defined_name("cover.agency"), defined_name("t4.review.total")
    upheld = template_address(FMT, "t4.review.upheld").replace("!", "'!$").replace("表四", "'表四")

    def tamper(book):
        _renamed(book, gone, None)
        _renamed(book, broken, "封面!#REF!")
        _renamed(book, wide, upheld + ":$Z$9")

    path = edit_with_openpyxl(build_template(tmp_path / "a.xlsx", FMT, values), tmp_path / "t.xlsx", tamper)
    form = read_workbook(path)
    assert form.values["t3.new.natural"] is None and form.values["cover.agency"] is None
    # a range's top-left cell is another item's (t4.review.upheld's): never read as this one
    assert form.values["t4.review.total"] is None
    assert len(form.problems) == 4
    assert any(gone in p and "找不到" in p for p in form.problems)
    assert any(broken in p and "失效" in p for p in form.problems)
    assert any(wide in p and "多个单元格" in p for p in form.problems)
    assert any(wide in p and "按模板应在" in p for p in form.problems)
    assert form.values["t3.new.business"] == values["t3.new.business"]


@pytest.mark.parametrize("target", ["'表三'!$AA$100", "'_xxgk'!$B$1", "'表二'!$D$6", "'表三'!$E$6"])
def test_a_name_pointed_elsewhere_is_reported_with_both_addresses_and_not_read(tmp_path, target):
    """Far away, at the hidden marker, on another table, on a neighbour's cell: issue 17, item 8."""
    name = defined_name("t3.new.natural")

    def move(book):
        book["表三"]["AA100"] = 4321
        _renamed(book, name, target)

    path = edit_with_openpyxl(build_template(tmp_path / "a.xlsx", FMT, sample_values(FMT)), tmp_path / "m.xlsx", move)
    form = read_workbook(path)
    assert form.values["t3.new.natural"] is None and "t3.new.natural" not in form.addresses
    shown = target.replace("'", "").replace("$", "")
    assert [p for p in form.problems if name in p and shown in p and template_address(FMT, "t3.new.natural") in p]
    assert read_fast(path) == form


def test_rows_inserted_like_excel_are_read_by_name_and_reported(tmp_path):
    """Excel moves every name below an inserted row: read by name, one remark for the sheet."""
    def insert(book):
        book["表三"].insert_rows(8, 2)
        for name in book.defined_names.values():
            if name.attr_text.startswith("'表三'!"):
                name.attr_text = re.sub(r"\$(\d+)$", lambda m: f"${int(m.group(1)) + 2 * (int(m.group(1)) >= 8)}",
                                        name.attr_text)

    values = sample_values(FMT)
    path = edit_with_openpyxl(build_template(tmp_path / "a.xlsx", FMT, values), tmp_path / "i.xlsx", insert)
    form = read_workbook(path)
    assert {key: form.values[key] for key in FMT.cells} == {key: values[key] for key in FMT.cells}
    assert len(form.problems) == 1 and "表三" in form.problems[0] and "插入或删除过行列" in form.problems[0]


def test_a_renamed_sheet_is_followed_when_its_names_follow(tmp_path):
    def rename(xml: bytes) -> bytes:
        return xml.replace("表三".encode(), "申请情况".encode())

    path = rewrite_member(build_template(tmp_path / "a.xlsx", FMT, sample_values(FMT)), tmp_path / "r.xlsx",
                          "xl/workbook.xml", rename)
    form = read_workbook(path)
    assert form.problems == [] and form.addresses["t3.new.natural"].startswith("申请情况!")
    assert form.values["t3.new.natural"] == sample_values(FMT)["t3.new.natural"]


def test_a_name_pointing_at_a_deleted_sheet_is_a_problem(tmp_path):
    name = defined_name("t2.fee.amount")
    path = edit_with_openpyxl(build_template(tmp_path / "a.xlsx", FMT, sample_values(FMT)), tmp_path / "d.xlsx",
                              lambda book: _renamed(book, name, "已删除!$C$9"))
    form = read_workbook(path)
    assert form.values["t2.fee.amount"] is None and any(name in p for p in form.problems)


def _set_marker(format_id, version):
    def change(book):
        for name, value in (("xxgk_format", format_id), ("xxgk_version", version)):
            if value is None:
                _renamed(book, name, None)
            elif value != "":
                named_cell(book, name).value = value
    return change


@pytest.mark.parametrize("marker, kind, words", [
    ((None, ""), "not_template", ("缺少模板标记",)),
    (("2030", ""), "unknown_format", ("2030",)),
    (("", "0"), "old_template", ("“0”", f"“{TEMPLATE_VERSION}”")),
    (("", None), "old_template", ("未知", f"“{TEMPLATE_VERSION}”")),
])
def test_marker_problems_are_refusals(tmp_path, marker, kind, words):
    template = build_template(tmp_path / "a.xlsx", FMT, sample_values(FMT))
    path = edit_with_openpyxl(template, tmp_path / "m.xlsx", _set_marker(*marker))
    with pytest.raises(ReadError) as caught:
        read_workbook(path)
    assert caught.value.kind == kind and str(path) in str(caught.value)
    assert all(word in caught.value.reason for word in words)


def test_a_marker_turned_into_a_number_still_counts(tmp_path):
    template = build_template(tmp_path / "a.xlsx", FMT, sample_values(FMT))
    path = edit_with_openpyxl(template, tmp_path / "m.xlsx", _set_marker(2021, float(TEMPLATE_VERSION)))
    assert read_workbook(path).format_id == "2021"


def test_a_workbook_with_no_names_at_all_is_not_a_template(tmp_path):
    import xlsxwriter

    path = tmp_path / "plain.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("表三").write(3, 2, 5)
    book.close()
    with pytest.raises(ReadError) as caught:
        read_workbook(path)
    assert caught.value.kind == "not_template"


def test_rows_below_the_table_are_never_parsed(tmp_path):
    """The scan stops at the first row past the table, so a million rows below it cost nothing: here
    20,000 rows and then XML no parser accepts, which the reader never reaches (no timing needed)."""
    path = build_template(tmp_path / "a.xlsx", FMT, sample_values(FMT))
    padding = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(100, 20_100))
    broken = '<row r="20100"><c r="A20100"><v>1</c></row>'  # a mismatched tag

    def pad(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", (padding + broken).encode() + b"</sheetData>")

    padded = rewrite_member(path, tmp_path / "padded.xlsx", T3_SHEET, pad)
    with zipfile.ZipFile(padded) as archive, pytest.raises(ElementTree.ParseError):
        ElementTree.fromstring(archive.read(T3_SHEET))  # a reader that parsed it all would fail
    form = read_workbook(padded)
    assert form.values["t3.carry_next.total"] == sample_values(FMT)["t3.carry_next.total"]
