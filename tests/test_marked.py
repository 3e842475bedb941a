"""write_marked_copy: faulty cells coloured and commented, a 校验报告 sheet, the template intact."""
from __future__ import annotations

import hashlib
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from reader_fixtures import (  # noqa: E402
    build_template, has_soffice, named_cell, sample_values, soffice_convert,
)

from xxgk.catalogue import ReadErrorKind
from xxgk.errors import ReadError, WriteError  # noqa: E402
from xxgk.formats import defined_name, get_format  # noqa: E402
from xxgk.model import Finding  # noqa: E402
from xxgk.readers import read_workbook  # noqa: E402
from xxgk.readers.safezip import SafeArchive  # noqa: E402
from xxgk.readers.xmlparts import read_workbook_part, workbook_part  # noqa: E402
from xxgk.writers.marked import FILLS, REPORT_SHEET, write_marked_copy  # noqa: E402

FMT = get_format("2021")
HOSTILE = '=HYPERLINK("http://evil.example","点我")'


def finding(rule, severity, cells, message="", explanation="", location=""):
    return Finding(rule, severity, f"{rule}[{cells[0] if cells else ''}]", message or f"{rule} 不通过：3 ≠ 4",
                   tuple(cells), location or f"位置 {rule}", "3", "4", explanation)


FINDINGS = [
    finding("三-勾稽", "error", ["t3.new.natural", "t3.total.natural"]),
    finding("二-现行有效", "warning", ["t2.regulation.in_force"]),
    finding("跨年-突变", "warning", ["t3.new.natural"], explanation="本年申请量确实大增"),
    finding("二-万元", "warning", ["t2.fee.amount"], explanation="收费确为此数"),
    finding("-注入", "error", ["t3.new.business"], message=HOSTILE, location="+cmd|' /C calc'!A0"),
    finding("单位", "error", ["cover.agency"], message="单位名称\x07含控制字符"),
    finding("缺名", "error", ["t9.nowhere.cell"]),
]


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("marked")
    values = {**sample_values(FMT), "cover.agency": HOSTILE}
    source = build_template(folder / "报表.xlsx", FMT, values, live=True)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    form = read_workbook(source)
    form.problems.append("找不到单元格名称 xxgk_demo（演示），该项按空白处理")
    target = folder / "报表.标注.xlsx"
    write_marked_copy(source, target, form, FINDINGS)
    return source, target, form, digest


def test_the_source_is_untouched_and_nothing_is_left_behind(marked):
    source, target, _form, digest = marked
    assert hashlib.sha256(source.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in source.parent.iterdir()) == sorted([source.name, target.name])


def _rgb(cell) -> str:
    return cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else ""


def test_cells_are_filled_by_their_strongest_finding(marked):
    _source, target, _form, _digest = marked
    book = openpyxl.load_workbook(target)
    colour = {key: _rgb(named_cell(book, defined_name(key))) for key in
              ("t3.new.natural", "t3.total.natural", "t2.regulation.in_force", "t2.fee.amount", "t3.new.social")}
    assert colour["t3.new.natural"] == colour["t3.total.natural"] == FILLS["error"].fgColor.rgb
    assert colour["t2.regulation.in_force"] == FILLS["warning"].fgColor.rgb
    assert colour["t2.fee.amount"] == FILLS["explained"].fgColor.rgb
    assert colour["t3.new.social"] not in {f.fgColor.rgb for f in FILLS.values()}


def test_one_comment_per_cell_lists_every_finding(marked):
    _source, target, _form, _digest = marked
    book = openpyxl.load_workbook(target)
    comment = named_cell(book, defined_name("t3.new.natural")).comment
    assert comment.author == "xxgk"
    assert "三-勾稽" in comment.text and "跨年-突变" in comment.text and "本年申请量确实大增" in comment.text
    assert "【错误】" in comment.text and "【已说明】" in comment.text
    assert "\x07" not in named_cell(book, defined_name("cover.agency")).comment.text
    assert named_cell(book, defined_name("t3.new.social")).comment is None


def test_the_report_sheet_lists_every_finding_with_a_link(marked):
    _source, target, form, _digest = marked
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[-1] == REPORT_SHEET and book.active.title == REPORT_SHEET
    assert "校验结果" in book.sheetnames  # the template's own formula sheet stays
    sheet = book[REPORT_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "序号")
    assert any("xxgk_demo" in str(cell) for row in rows[:header] for cell in row)
    body = rows[header + 1:]
    assert [row[1] for row in body] == [f.rule_id for f in FINDINGS]
    assert [row[2] for row in body] == ["错误", "警告", "已说明", "已说明", "错误", "错误", "错误"]
    links = {}
    for row in sheet.iter_rows(min_row=header + 2):
        if row[4].hyperlink is not None:
            links[row[1].value] = (row[4].value, row[4].hyperlink.location)
    assert links["三-勾稽"] == (form.addresses["t3.new.natural"],
                              "'表三'!" + form.addresses["t3.new.natural"].split("!")[1])
    assert "缺名" not in links and len(links) == len(FINDINGS) - 1


def test_no_text_is_ever_written_as_a_formula(marked):
    _source, target, _form, _digest = marked
    book = openpyxl.load_workbook(target)
    report = book[REPORT_SHEET]
    texts = [c for row in report.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(c.value == HOSTILE for c in texts) and any(c.value.startswith("+cmd") for c in texts)
    assert all(c.data_type == "s" for c in texts)
    assert named_cell(book, defined_name("cover.agency")).value == HOSTILE
    assert named_cell(book, defined_name("cover.agency")).data_type == "s"
    xml = _sheet_xml(target, REPORT_SHEET)
    assert "<f>" not in xml and "HYPERLINK" in xml


def _sheet_xml(path: Path, title: str) -> str:
    """The raw XML of one sheet, found through the workbook's own relationships."""
    with SafeArchive(path) as archive:
        parts = read_workbook_part(archive, workbook_part(archive))
        member = next(sheet.part for sheet in parts.sheets if sheet.name == title)
        return archive.read(member).decode()


def _protection(sheet) -> tuple:
    p = sheet.protection
    return (p.sheet, p.password, p.formatCells, p.selectLockedCells, p.selectUnlockedCells, p.insertRows)


def test_protection_names_validation_and_conditional_formats_survive(marked):
    source, target, _form, _digest = marked
    before, after = openpyxl.load_workbook(source), openpyxl.load_workbook(target)
    assert after.security.lockStructure == before.security.lockStructure
    # every name kept; one added: the copy says it is a marked copy (never counted as an agency's file)
    assert {n: d.attr_text for n, d in after.defined_names.items()} == \
           {**{n: d.attr_text for n, d in before.defined_names.items()}, "xxgk_origin": '"marked"'}
    assert read_workbook(target).origin == "marked" and read_workbook(source).origin == ""
    for title in before.sheetnames:
        old, new = before[title], after[title]
        assert _protection(new) == _protection(old), title
        assert new.sheet_state == old.sheet_state, title
        assert [str(v.sqref) for v in new.data_validations.dataValidation] == \
               [str(v.sqref) for v in old.data_validations.dataValidation], title
        assert [str(r.sqref) for r in new.conditional_formatting] == \
               [str(r.sqref) for r in old.conditional_formatting], title
    assert any(_protection(before[t])[0] for t in before.sheetnames)
    with zipfile.ZipFile(target) as archive:
        assert b'fullCalcOnLoad="1"' in archive.read("xl/workbook.xml")


def test_the_marked_copy_still_reads_as_the_same_report(marked):
    source, target, form, _digest = marked
    again = read_workbook(target)
    assert again.values == read_workbook(source).values
    assert again.addresses == form.addresses


def test_marking_a_marked_copy_replaces_the_report_sheet(marked, tmp_path):
    _source, target, form, _digest = marked
    second = tmp_path / "二次.xlsx"
    write_marked_copy(target, second, read_workbook(target), FINDINGS[:1])
    book = openpyxl.load_workbook(second)
    assert book.sheetnames.count(REPORT_SHEET) == 1
    assert len([r for r in book[REPORT_SHEET].iter_rows(values_only=True) if r[1] == "三-勾稽"]) == 1


def test_refusals_leave_nothing_behind(marked, tmp_path):
    source, _target, form, digest = marked
    with pytest.raises(WriteError) as caught:
        write_marked_copy(source, source, form, FINDINGS)
    assert "原文件" in str(caught.value)
    with pytest.raises(WriteError):
        write_marked_copy(source, tmp_path / "没有的文件夹" / "x.xlsx", form, FINDINGS)
    fake = tmp_path / "假的.xlsx"
    fake.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ReadError) as refused:
        write_marked_copy(fake, tmp_path / "out.xlsx", form, FINDINGS)
    assert refused.value.kind == ReadErrorKind.CSV
    assert sorted(p.name for p in tmp_path.iterdir()) == ["假的.xlsx"]
    assert hashlib.sha256(source.read_bytes()).hexdigest() == digest


def test_an_xlsm_keeps_its_vba_project(tmp_path):
    from xxgk.vba import build_vba_project

    vba = build_vba_project({"XxgkTest": 'Attribute VB_Name = "XxgkTest"\nSub Hello()\nEnd Sub\n'})
    source = build_template(tmp_path / "宏.xlsm", FMT, sample_values(FMT), vba_project=vba)
    target = tmp_path / "宏.标注.xlsm"
    write_marked_copy(source, target, read_workbook(source), FINDINGS[:2])
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(target) as after:
        assert after.read("xl/vbaProject.bin") == before.read("xl/vbaProject.bin")
        assert b"macroEnabled" in after.read("[Content_Types].xml")


@pytest.mark.libreoffice
@pytest.mark.skipif(not has_soffice(), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_marked_copy(marked, tmp_path, libreoffice, artifacts_dir):
    _source, target, _form, _digest = marked
    converted, = soffice_convert([target], tmp_path / "xlsx", libreoffice.profile)
    book = openpyxl.load_workbook(converted)
    assert REPORT_SHEET in book.sheetnames
    assert defined_name("t3.new.natural") in book.defined_names
    assert book["表三"].protection.sheet
    pdf, = soffice_convert([target], tmp_path / "pdf", libreoffice.profile, "pdf")
    pages = libreoffice.to_png(pdf, artifacts_dir / "marked_copy")  # kept for a person to look at
    assert len(pages) >= 5
