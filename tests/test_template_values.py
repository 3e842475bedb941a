"""build_workbook with values: strings stay strings, totals cached or literal, VBA part, atomic writes."""
from __future__ import annotations

import random
import zipfile

import defusedxml.ElementTree as ET
import pytest

from xxgk.errors import WriteError
from xxgk.formats import get_format
from xxgk.model import CellError
from xxgk.samples import cover_values, table_values

from template_support import build, load, names

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
TRICKY_TEXT = ["=1+1", "+86 0517", "-3", "@SUM(A1)", "=HYPERLINK(\"http://x\")"]


def _sheet_xml(path, workbook, sheet_title: str):
    index = workbook.sheetnames.index(sheet_title) + 1
    with zipfile.ZipFile(path) as archive:
        return ET.fromstring(archive.read(f"xl/worksheets/sheet{index}.xml"))


def _cell_xml(root, coordinate: str):
    return root.find(f".//m:c[@r='{coordinate}']", NS)


def _expected_total(fmt, key, values):
    cell = fmt.cells[key]
    if not cell.is_total:
        value = values.get(key, 0)
        return value if isinstance(value, (int, float)) else 0
    return sum(_expected_total(fmt, part, values) for part in cell.total_of)


def test_text_is_never_written_as_a_formula(tmp_path):
    fmt = get_format("2021")
    keys = ["cover.agency", "cover.filler", "cover.phone", "t3.new.natural", "t2.fee.amount"]
    values = dict(zip(keys, TRICKY_TEXT))
    path = build(tmp_path, "2021", values=values, with_checks=False)
    workbook = load(path)
    found = names(workbook)
    roots = {}
    for key, text in values.items():
        sheet, coordinate = found[fmt.cells[key].name if key in fmt.cells else fmt.cover_fields[key].name]
        root = roots.setdefault(sheet, _sheet_xml(path, workbook, sheet))
        node = _cell_xml(root, coordinate)
        assert node.find("m:f", NS) is None, f"{key} became a formula"
        assert node.get("t") in ("s", "inlineStr", "str")
        assert workbook[sheet][coordinate].value == text and workbook[sheet][coordinate].data_type == "s"


def test_cached_totals_match_the_given_figures(tmp_path):
    fmt = get_format("2021")
    rng = random.Random(7)
    values = table_values(fmt, rng)
    for key, cell in fmt.cells.items():  # unbalance every input, totals given are ignored
        if not cell.is_total:
            values[key] = rng.randint(0, 900)
    values["t3.new.natural"] = "abc"  # text counts 0, as SUM does
    values["t3.new.business"] = None  # blank counts 0
    values.update(cover_values("区财政局", 2025))
    path = build(tmp_path, "2021", values=values, with_checks=False)
    workbook, cached = load(path), load(path, data_only=True)
    found = names(workbook)
    for key, cell in fmt.cells.items():
        sheet, coordinate = found[cell.name]
        if cell.is_total:
            assert str(workbook[sheet][coordinate].value).startswith("=SUM(")
            assert cached[sheet][coordinate].value == _expected_total(fmt, key, values), key
        else:
            assert cached[sheet][coordinate].value == values[key], key
    sheet, coordinate = found["xxgk_cover_agency"]
    assert cached[sheet][coordinate].value == "区财政局"


def test_error_value_propagates_to_cached_total(tmp_path):
    path = build(tmp_path, "2021", values={"t4.review.upheld": CellError("#REF!")}, with_checks=False)
    workbook, cached = load(path), load(path, data_only=True)
    found = names(workbook)
    sheet, coordinate = found["xxgk_t4_review_total"]
    assert cached[sheet][coordinate].value == "#REF!"
    sheet, coordinate = found["xxgk_t4_direct_total"]
    assert cached[sheet][coordinate].value == 0


def test_literal_totals_keep_published_numbers(tmp_path):
    fmt = get_format("2019")
    values = table_values(fmt, random.Random(3))
    values["t3.total.total"] += 5  # a published report whose corner does not add up
    path = build(tmp_path, "2019", values=values, literal_totals=True, with_checks=False)
    workbook = load(path)
    found = names(workbook)
    for key, cell in fmt.cells.items():
        sheet, coordinate = found[cell.name]
        target = workbook[sheet][coordinate]
        assert target.value == values[key], key
        assert target.data_type == "n"
        assert target.protection.locked is cell.is_total


def test_unknown_keys_are_refused_and_nothing_written(tmp_path):
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"old content")
    with pytest.raises(ValueError, match="t9.nothing"):
        build(tmp_path, "2021", name="t.xlsx", values={"t9.nothing.here": 1}, with_checks=False)
    assert target.read_bytes() == b"old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]


def test_output_replaced_atomically_and_no_temp_left(tmp_path):
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"old content")
    build(tmp_path, "2021", name="t.xlsx", with_checks=False)
    assert zipfile.is_zipfile(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]


def test_unwritable_folder_is_a_chinese_write_error(tmp_path):
    (tmp_path / "plain").write_text("x")
    with pytest.raises(WriteError, match="不存在"):
        build(tmp_path / "plain", "2021", with_checks=False)


VBA = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4  # OLE2 signature + filler


def test_vba_project_and_buttons_make_an_xlsm(tmp_path):
    buttons = [("校验", "xxgk_check"), ("清除标记", "xxgk_clear")]
    path = build(tmp_path, "2021", name="t.xlsm", vba_project=VBA, buttons=buttons, with_checks=False)
    with zipfile.ZipFile(path) as archive:
        assert archive.read("xl/vbaProject.bin") == VBA
        types = archive.read("[Content_Types].xml").decode()
        assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
        cover_rels = archive.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        vml_name = next(n for n in archive.namelist() if n.startswith("xl/drawings/vmlDrawing"))
        assert vml_name.rsplit("/", 1)[1] in cover_rels
        vml = archive.read(vml_name).decode()
        workbook_xml = archive.read("xl/workbook.xml").decode()
    for caption, macro in buttons:
        assert caption in vml and f"[0]!{macro}" in vml
    assert 'lockStructure="1"' in workbook_xml and "codeName=" in workbook_xml


def test_vba_project_needs_xlsm_name(tmp_path):
    with pytest.raises(WriteError, match=r"\.xlsm"):
        build(tmp_path, "2021", name="t.xlsx", vba_project=VBA, with_checks=False)
    assert not list(tmp_path.iterdir())
