"""`xxgk consolidate` end to end on a generated folder: every file accounted for, sums right,
the summary valid, roster gaps listed, hostile text inert. Inputs are read back here with
openpyxl / pandas, never through xxgk's own reader."""
from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from defusedxml import ElementTree

from xxgk.catalogue import Status
from xxgk.cli import main
from xxgk.formats import get_format

from consolidate_support import (HOSTILE, YEAR, build, independent_sums, named_values, sheet_rows, table_names,
                                 write_submissions)

pytestmark = pytest.mark.heavy(7)  # CPU seconds, about: started first (tests/conftest.py)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def run(*args: str):
    return CliRunner().invoke(main, ["consolidate", *map(str, args)])


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    root = tmp_path_factory.mktemp("district")
    submissions = write_submissions(root / "报送")
    before = digest(submissions.folder)
    output = root / "汇总.xlsx"
    result = run(submissions.folder, "-o", output, "--roster", submissions.roster, "--district", "示例区")
    return submissions, output, result, before


def test_exit_code_and_closing_line(district):
    submissions, _, result, _ = district
    assert result.exit_code == 2, result.output  # two files cannot be read
    n = len(submissions.files)
    included = len(submissions.included())
    closing = result.output.strip().splitlines()[-1]
    match = re.fullmatch(r"(\d+) 个文件，纳入 (\d+)，排除 (\d+)，错误 (\d+)，警告 (\d+)，用时 [\d.]+ 秒", closing)
    assert match, closing
    assert (int(match[1]), int(match[2]), int(match[3])) == (n, included, n - included)
    # the sample's one warning, and the two workbooks sharing one credit code under different names
    assert int(match[4]) > 0 and int(match[5]) == 3
    assert "Traceback" not in result.output


def test_inputs_untouched(district):
    submissions, _, _, before = district
    assert digest(submissions.folder) == before


def test_every_file_listed_once_with_its_status(district):
    submissions, output, _, _ = district
    rows = sheet_rows(output, "报送情况")
    header = rows[0]
    names = [row[header.index("文件名")] for row in rows[1:]]
    statuses = {row[header.index("文件名")]: row[header.index("状态")] for row in rows[1:]}
    assert sorted(names) == sorted(submissions.expected())  # each exactly once; noise and .docx not listed
    assert statuses == submissions.expected()
    assert "报告正文.docx" not in names and ".hidden.xlsx" not in names


def test_status_links_point_at_the_files(district):
    submissions, output, _, _ = district
    sheet = openpyxl.load_workbook(output)["报送情况"]
    targets = {}
    for row in sheet.iter_rows(min_row=2):
        cell = row[1]
        assert cell.data_type == "s"
        targets[cell.value] = cell.hyperlink.target if cell.hyperlink else None
    for sample in submissions.files:
        target = targets[sample.path.name]
        assert target, sample.path.name
        assert (output.parent / target.replace("\\", "/")).resolve() == sample.path.resolve()


def test_summary_figures_are_the_sum_of_the_included_inputs(district):
    submissions, output, _, _ = district
    expected = independent_sums([f.path for f in submissions.included()])
    summary = table_names(named_values(output))
    assert set(summary) == set(expected) and len(expected) == len(get_format("2021").cells)
    different = {k: (summary[k], v) for k, v in expected.items() if summary[k] != pytest.approx(v, abs=1e-6)}
    assert not different
    assert expected["xxgk_t3_new_total"] > 0


def test_cover_of_the_summary(district):
    _, output, _, _ = district
    values = named_values(output)
    assert values["xxgk_cover_agency"] == "示例区"
    assert values["xxgk_cover_year"] == YEAR
    assert values["xxgk_format"] == 2021


def test_detail_reads_back_with_pandas(district):
    submissions, output, _, _ = district
    frame = pd.read_excel(output, sheet_name="分单位明细", engine="openpyxl")
    fmt = get_format("2021")
    assert list(frame.columns[:6]) == ["单位名称", "区", "统一社会信用代码", "报告年度", "状态", "文件"]
    assert frame["区"].isna().all()  # agencies' own workbooks: no district summary in between
    assert list(frame.columns[6:]) == [cell.label for cell in fmt.cells.values()]
    assert sorted(frame["文件"]) == sorted(f.path.name for f in submissions.included())
    for sample in submissions.included():
        row = frame[frame["文件"] == sample.path.name].iloc[0]
        assert row["单位名称"] == sample.agency
        own = named_values(sample.path)
        for key, cell in fmt.cells.items():
            value = own[cell.name]
            if isinstance(value, (int, float)):
                assert row[cell.label] == pytest.approx(value), (sample.path.name, cell.label)
            else:
                assert str(row[cell.label]) == str(value)


def test_roster_gaps(district):
    _, output, _, _ = district
    rows = sheet_rows(output, "未报送")
    notes = {row[1]: row[3] for row in rows[1:]}
    assert notes["示例区水务局"] == "未收到报表"
    assert Status.UNREADABLE in notes["示例区统计局"] and "示例区统计局.xlsx" in notes["示例区统计局"]
    assert Status.UNREADABLE in notes["示例区信访局"]
    assert Status.WRONG_YEAR in notes["示例区档案馆"] and Status.WRONG_FORMAT in notes["示例区林业局"]
    # renamed agency: its old name is covered through the credit code (both are counted, with a warning)
    assert "示例区教育局" not in notes and "示例区人民政府办公室" not in notes
    assert not set(HOSTILE) & set(notes)


def test_findings_sheet_lists_every_finding_of_included_agencies(district):
    submissions, output, _, _ = district
    frame = pd.read_excel(output, sheet_name="问题清单", engine="openpyxl")
    faulty = {f.path.name for f in submissions.files if f.expected_status in (Status.ERRORS, Status.WARNINGS)}
    assert set(frame["文件"]) == faulty
    assert set(frame["级别"]) == {"错误", "警告"}
    assert (frame["位置"].str.startswith("表") | (frame["规则"] == "单位-信用代码重复")).all()


def test_charts_are_native(district):
    _, output, _, _ = district
    with zipfile.ZipFile(output) as archive:
        charts = [n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        assert len(charts) == 4
        kinds = {re.search(r"<c:(barChart|pieChart|lineChart)>", archive.read(n).decode())[1] for n in charts}
    assert kinds == {"barChart"}  # column and bar charts are both c:barChart in OOXML
    rows = sheet_rows(output, "图表")
    assert any(row[0] == "自然人" for row in rows)


def test_hostile_text_stays_text_everywhere(district):
    _, output, _, _ = district
    workbook = openpyxl.load_workbook(output)
    seen = {text: 0 for text in (*HOSTILE, "=1+2.xlsx")}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                for text in seen:
                    if cell.value == text:
                        assert cell.data_type == "s", (sheet.title, cell.coordinate)
                        seen[text] += 1
    # names: 报送情况, 分单位明细, 未报送 (the roster); the file name: 报送情况, 分单位明细
    assert all(count >= 2 for count in seen.values()) and min(seen[t] for t in HOSTILE) >= 3, seen
    with zipfile.ZipFile(output) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                root = ElementTree.fromstring(archive.read(name))
                for formula in root.iter(f"{{{MAIN}}}f"):
                    text = formula.text or ""
                    # the template's own 校验结果 uses HYPERLINK to jump to cells; never to an agency's text
                    assert "http://x" not in text and "SUM(1)" not in text, (name, text)
                    assert "1+2" not in text, (name, text)


def test_summary_validates_when_every_included_agency_passes(district, tmp_path):
    submissions, _, _, _ = district
    folder = tmp_path / "in"
    folder.mkdir()
    for sample in submissions.files:
        if sample.expected_status in (Status.PASSED, Status.WARNINGS, Status.REPLACED):
            shutil.copy(sample.path, folder / sample.path.name)
    output = tmp_path / "汇总.xlsx"
    result = run(folder, "-o", output)
    assert result.exit_code == 0, result.output
    checked = CliRunner().invoke(main, ["validate", str(output)])
    assert checked.exit_code == 0, checked.output


def test_summary_of_faulty_agencies_fails_validation(district, tmp_path):
    _, output, _, _ = district
    checked = CliRunner().invoke(main, ["validate", str(output)])
    assert checked.exit_code == 1, checked.output
    assert "三-勾稽" in checked.output


def test_exclude_invalid(district, tmp_path):
    submissions, _, _, _ = district
    folder = tmp_path / "in"
    shutil.copytree(submissions.folder, folder)
    for sample in submissions.files:
        if sample.expected_status == Status.UNREADABLE:
            (folder / sample.path.relative_to(submissions.folder)).unlink()
    output = tmp_path / "汇总.xlsx"
    result = run(folder, "-o", output, "--exclude-invalid")
    assert result.exit_code == 1, result.output  # files were left out
    statuses = {row[1]: row[5] for row in sheet_rows(output, "报送情况")[1:]}
    faulty = [f.path.name for f in submissions.files if f.expected_status == Status.ERRORS]
    assert faulty and all(statuses[name] == Status.EXCLUDED for name in faulty)
    checked = CliRunner().invoke(main, ["validate", str(output)])
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize("case, code", [("passing", 0), ("errors", 1), ("wrong_year", 1), ("damaged", 2)])
def test_exit_codes(tmp_path, case, code):
    folder = tmp_path / "in"
    folder.mkdir()
    build(folder / "a.xlsx", "甲单位", 1)
    build(folder / "b.xlsx", "乙单位", 2)
    if case == "errors":
        build(folder / "c.xlsx", "丙单位", 3, **{"t3.public.natural": "１２件"})
    elif case == "wrong_year":
        build(folder / "c.xlsx", "丙单位", 3, year=YEAR - 1)
    elif case == "damaged":
        data = (folder / "a.xlsx").read_bytes()
        (folder / "c.xlsx").write_bytes(data[: len(data) // 3])
    result = run(folder, "-o", tmp_path / "汇总.xlsx")
    assert result.exit_code == code, result.output
    assert (tmp_path / "汇总.xlsx").exists()


def test_year_option_and_default(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    build(folder / "a.xlsx", "甲单位", 1)
    build(folder / "b.xlsx", "乙单位", 2)
    build(folder / "c.xlsx", "丙单位", 3, year=YEAR - 1)
    output = tmp_path / "汇总.xlsx"
    run(folder, "-o", output)
    assert named_values(output)["xxgk_cover_year"] == YEAR  # the most common year
    result = run(folder, "-o", output, "--year", YEAR - 1)
    assert result.exit_code == 1
    assert named_values(output)["xxgk_cover_year"] == YEAR - 1
    statuses = {row[1]: row[5] for row in sheet_rows(output, "报送情况")[1:]}
    assert statuses == {"a.xlsx": Status.WRONG_YEAR, "b.xlsx": Status.WRONG_YEAR, "c.xlsx": Status.PASSED}


@pytest.mark.parametrize("args, words", [
    (["no_such_folder", "-o", "汇总.xlsx"], ["no_such_folder", "不存在"]),
    (["in", "-o", "汇总.txt"], [".xlsx"]),
    (["in", "-o", "missing/汇总.xlsx"], ["不存在"]),
    (["in", "-o", "汇总.xlsx", "--roster", "nothing.csv"], ["名单", "nothing.csv"]),
    (["empty", "-o", "汇总.xlsx"], ["没有找到"]),
])
def test_bad_arguments_give_one_chinese_line(tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    (tmp_path / "empty").mkdir()
    build(tmp_path / "in" / "a.xlsx", "甲单位", 1)
    result = CliRunner().invoke(main, ["consolidate", *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    for word in words:
        assert word in result.output
    assert not (tmp_path / "汇总.xlsx").exists()
