"""校验 / 清除标记 driven against the recording xlwings stand-in, on real .xlsm templates.

Excel cannot run on Linux; tests/excel_standin.py loads the real built file
into a grid and behaves like Excel where the button code depends on it.
"""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import excel_standin as xs
from xxgk.cli import main
from xxgk.excel import buttons
from xxgk.excel.live import NOT_SAVED
from xxgk.excel.marks import COLOURS, REPORT_SHEET
from xxgk.excel.workbooks import build_macro_template
from xxgk.formats import get_format
from xxgk.readers.refs import parse_cell
from xxgk.template.styles import TOTAL_FILL
from xxgk.validate import finding_dict

pytestmark = pytest.mark.heavy(5)  # CPU seconds, about: started first (tests/conftest.py)

COVER = {"cover.agency": "某区教育局", "cover.year": 2024}
FAULTY = {**COVER, "t3.new.natural": 5, "t2.regulation.issued": 5}  # 2 errors on 表三, 1 warning on 表二
WARNING_ONLY = {**COVER, "t2.regulation.issued": 5}
BUDGET = 15


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("excel")
    made = {}
    for name, values in (("clean", COVER), ("faulty", FAULTY), ("warning", WARNING_ONLY)):
        made[name] = folder / f"{name}.xlsm"
        build_macro_template(made[name], "2021", values)
    return made


@pytest.fixture(autouse=True)
def standin_xlwings(monkeypatch):
    monkeypatch.setattr(buttons, "xw", xs.XlwingsModule)


def cell_of(path: Path, key: str) -> tuple[str, tuple[int, int]]:
    """Where a key lives, found independently through openpyxl's view of the defined names."""
    book = openpyxl.load_workbook(path, read_only=True)  # the defined names, without loading every cell
    sheet, ref = next(iter(book.defined_names[get_format("2021").cells.get(key, None).name
                                              if key in get_format("2021").cells else
                                              get_format("2021").cover_fields[key].name].destinations))
    book.close()
    return sheet, parse_cell(ref)


def findings_of_validate(path: Path) -> list[dict]:
    result = CliRunner().invoke(main, ["validate", "--json", str(path)])
    return json.loads(result.output)[0]["findings"]


def test_findings_equal_those_of_xxgk_validate(files):
    for name in ("clean", "faulty", "warning"):
        xs.open_standin(files[name])
        check = buttons.check_book(xs.Book.caller())
        assert [finding_dict(f, check.form) for f in check.findings] == findings_of_validate(files[name]), name


def test_validate_colours_and_notes_the_faulty_cells(files):
    wb = xs.open_standin(files["faulty"])
    before = wb.snapshot()
    buttons.validate_button()
    assert wb.alerts == ["发现 2 处错误、1 处警告。\n彩色单元格带有批注，问题清单见“校验报告”工作表。"]
    sheet, natural = cell_of(files["faulty"], "t3.total.natural")
    assert wb.sheets[sheet].colours[natural] == COLOURS["error"]
    assert "三-勾稽" in wb.sheets[sheet].notes[natural] and "= 5" in wb.sheets[sheet].notes[natural]
    sheet2, in_force = cell_of(files["faulty"], "t2.regulation.in_force")
    assert wb.sheets[sheet2].colours[in_force] == COLOURS["warning"]
    assert "二-现行有效" in wb.sheets[sheet2].notes[in_force]
    changed = {(s, p) for s in wb.sheets for p in wb.sheets[s].colours
               if wb.sheets[s].colours[p] != before[s][2].get(p)}
    keys = [f"t3.{row}.{col}" for row in ("total", "new", "carried", "carry_next") for col in ("natural", "total")]
    assert changed == {cell_of(files["faulty"], key) for key in (*keys, "t2.regulation.in_force")}
    for name, state in wb.sheets.items():  # protection exactly as before
        assert state.protection == before[name][4], name


def test_notes_without_add_note_go_through_excels_addcomment(files, monkeypatch):
    """xlwings 0.37.0 (the newest for Python 3.10) has no Range.add_note: the same notes, by Range.api."""
    with_add_note = xs.open_standin(files["faulty"])
    buttons.validate_button()
    monkeypatch.delattr(xs.Range, "add_note")
    without = xs.open_standin(files["faulty"])
    buttons.validate_button()
    assert {s: without.sheets[s].notes for s in without.sheets} == {s: with_add_note.sheets[s].notes
                                                                    for s in with_add_note.sheets}
    assert any(c.member == "AddComment" for c in without.calls)
    assert not any(c.member == "add_note" for c in without.calls)


def test_report_sheet_lists_findings_with_links_and_never_a_formula_from_text(files):
    wb = xs.open_standin(files["faulty"])
    buttons.validate_button()
    report = wb.sheets[REPORT_SHEET]
    formulas = report.formulas
    assert len(formulas) == 3 and all(f.startswith('=HYPERLINK("#\'表') for f in formulas.values())
    assert {c for _, c in formulas} == {5}  # only the 单元格 column links
    header = next(r for (r, c), v in report.values.items() if v == "序号")
    assert [report.values.get((header, c)) for c in range(1, 11)][-1] == "标记单元格"
    assert report.values[(header + 1, 2)] == "三-勾稽"


def test_clear_marks_restores_the_workbook_exactly(files):
    wb = xs.open_standin(files["faulty"])
    before = wb.snapshot()
    buttons.validate_button()
    assert wb.snapshot() != before
    buttons.validate_button()  # twice: the second click must not stack marks
    buttons.clear_marks_button()
    assert wb.snapshot() == before
    assert wb.alerts[-1].startswith("已清除")


def test_fixed_figures_lose_their_marks_on_the_next_click(files):
    wb = xs.open_standin(files["faulty"])
    buttons.validate_button()
    sheet, natural = cell_of(files["faulty"], "t3.new.natural")
    carried = (natural[0] + 1, natural[1])  # 二、上年结转 sits right below 一、新收
    _sheet, total = cell_of(files["faulty"], "t3.total.natural")
    wb.sheets[sheet].values[natural] = 0.0  # the clerk fixes the figure and the totals follow
    for key in ("t3.new.total",):
        s, p = cell_of(files["faulty"], key)
        wb.sheets[s].values[p] = 0.0
    buttons.validate_button()
    assert wb.sheets[sheet].colours[total] == TOTAL_FILL
    assert total not in wb.sheets[sheet].notes
    assert wb.alerts[-1].startswith("发现 1 处警告")
    assert carried in wb.sheets[sheet].values


def test_explained_warning_is_lighter_amber_and_passes(files):
    wb = xs.open_standin(files["warning"])
    checks = openpyxl.load_workbook(files["warning"]).defined_names["xxgk_checks"]
    sheet, ref = next(iter(checks.destinations))
    first, last = ref.replace("$", "").split(":")
    (r1, c1), (r2, c2) = parse_cell(first), parse_cell(last)
    row = next(r for r in range(r1, r2 + 1) if wb.sheets[sheet].values.get((r, c1)) == "二-现行有效@regulation")
    wb.sheets[sheet].values[(row, c2)] = "=本年制发的规章已全部于年内废止"  # clerk text that looks like a formula
    buttons.validate_button()
    assert wb.alerts == ["校验通过（另有 1 处警告已说明）"]
    s, in_force = cell_of(files["warning"], "t2.regulation.in_force")
    assert wb.sheets[s].colours[in_force] == COLOURS["explained"]
    report = wb.sheets[REPORT_SHEET]
    assert "=本年制发的规章已全部于年内废止" in report.values.values()
    assert not any("本年制发" in f for f in report.formulas.values())


def test_clean_workbook_passes_and_changes_nothing_but_the_report(files):
    wb = xs.open_standin(files["clean"])
    before = wb.snapshot()
    buttons.validate_button()
    assert wb.alerts == ["校验通过"]
    after = wb.snapshot()
    assert {name for name in before if before[name] != after[name]} == {REPORT_SHEET}
    buttons.clear_marks_button()
    assert wb.alerts[-1] == "没有需要清除的校验标记。"


def test_calls_stay_within_budget(files, capsys):
    wb = xs.open_standin(files["faulty"])
    buttons.validate_button()
    notes = [c for c in wb.calls if (c.owner, c.member) in {("Range", "add_note"), ("Note", "text"), ("Note", "delete")}]
    work = wb.work_calls
    assert len(work) <= BUDGET + len(notes), [(c.owner, c.member) for c in work]
    reads = [c for c in work if (c.owner, c.member, c.action) == ("Range", "value", "get")]
    assert len(reads) == len({c.args[0] for c in wb.calls if c.member == "__getitem__"} - {REPORT_SHEET}) + 1
    first = (len(work), len(notes), len(wb.calls))
    wb.calls.clear()
    buttons.clear_marks_button()
    notes = [c for c in wb.calls if (c.owner, c.member) == ("Note", "delete")]
    assert len(wb.work_calls) <= BUDGET + len(notes)
    with capsys.disabled():
        print(f"\n校验: {first[0]} work calls ({first[1]} of them notes), {first[2]} calls in all; "
              f"清除标记: {len(wb.work_calls)} work calls, {len(wb.calls)} in all")


def test_unsaved_workbook_is_asked_to_be_saved(files, tmp_path):
    wb = xs.open_standin(files["clean"])
    wb.path = tmp_path / "Book1"
    buttons.validate_button()
    assert len(wb.alerts) == 1 and NOT_SAVED in wb.alerts[0]


def test_a_workbook_not_made_from_the_template_gets_a_chinese_message(tmp_path):
    path = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = 1
    book.save(path)
    wb = xs.open_standin(path)
    buttons.validate_button()
    assert str(path) in wb.alerts[0] and "模板标记" in wb.alerts[0]
    assert "Traceback" not in wb.alerts[0]


def test_consolidate_asks_for_the_folder_then_consolidates_and_opens(tmp_path):
    from xxgk.excel.district import FIELDS, NO_FOLDER, TOOL_SHEET
    from xxgk.excel.workbooks import build_district_tool

    tool = tmp_path / "区汇总工具.xlsm"
    build_district_tool(tool)
    wb = xs.open_standin(tool)
    buttons.consolidate_button()
    row = {f.key: f.row for f in FIELDS}
    assert wb.alerts == [NO_FOLDER.format(row=row["folder"])]
    folder = tmp_path / "报送"
    folder.mkdir()
    for agency in ("甲局", "乙局"):
        build_macro_template(folder / f"{agency}.xlsm", "2021", {**COVER, "cover.agency": agency})
    state = wb.sheets[TOOL_SHEET]
    state.values[(row["folder"], 2)] = str(folder)
    state.values[(row["year"], 2)] = 2024.0
    buttons.consolidate_button()
    expected = tmp_path / "2024年度区汇总.xlsx"
    assert wb.alerts[-1] == f"汇总完成，结果已保存并打开：{expected}"
    assert wb.opened == [str(expected)]
