"""A city's roll-up of district summaries: every agency once with its 区, read from each summary's
分单位明细; an agency in two districts caught; the city summary valid and itself input for a province;
an earlier summary left among agencies' own workbooks not counted again. Summaries are recognised
by their content: here they carry names that say nothing."""
from __future__ import annotations

import shutil

import openpyxl
import pytest
from click.testing import CliRunner

import xxgk
from consolidate_support import YEAR, build, independent_sums, named_values, sheet_rows, table_names
from xxgk.catalogue import Status
from xxgk.cli import main
from xxgk.formats import get_format
from xxgk.readers import read_workbook
from xxgk.rules import live_checks_for, load_rules
from xxgk.samples import agency_values
from xxgk.template import build_workbook

DISTRICTS = {"甲区": ("甲局", "乙局", "共用局"), "乙区": ("丙局", "丁局", "共用局")}


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    root = tmp_path_factory.mktemp("city")
    received = root / "各区报来"
    received.mkdir()
    agencies = {}
    for number, (district, names) in enumerate(DISTRICTS.items(), start=1):
        folder = root / district
        folder.mkdir()
        for seed, name in enumerate(names, start=10 * number):
            agencies[(district, name)] = build(folder / f"{name}.xlsx", name, seed)
        assert run("consolidate", folder, "-o", received / f"附件{number}.xlsx", "--district", district).exit_code == 0
    summary = root / "市汇总.xlsx"
    done = run("consolidate", received, "-o", summary, "--district", "示例市", "--csv", root / "市明细.csv")
    assert done.exit_code == 0, done.output
    return root, summary, agencies, done.output


def detail(path) -> list[dict]:
    rows = sheet_rows(path, "分单位明细")
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_every_agency_once_with_its_district(city):
    root, summary, agencies, _ = city
    rows = detail(summary)
    assert sorted((r["单位名称"], r["区"]) for r in rows) == sorted(
        {(name, district) for district, name in agencies if name != "共用局"} | {("共用局", "乙区")})
    kept = [path for (district, name), path in agencies.items() if (district, name) != ("甲区", "共用局")]
    assert table_names(named_values(summary)) == pytest.approx(independent_sums(kept))


def test_an_agency_in_two_districts_is_caught(city):
    _, summary, _, output = city
    statuses = [(r[2], r[5], r[10]) for r in sheet_rows(summary, "报送情况")[1:] if r[2] == "共用局"]
    assert sorted(s for _, s, _ in statuses) == [Status.PASSED, Status.REPLACED]
    replaced = next(note for _, status, note in statuses if status != Status.PASSED)
    assert "乙区" in replaced and "只计入一次" in replaced and "共用局" in output


def test_the_city_summary_is_valid_and_rolls_up_into_a_province(city, tmp_path):
    root, summary, _, _ = city
    assert run("validate", summary).exit_code == 0
    (tmp_path / "各市").mkdir()
    shutil.copy(summary, tmp_path / "各市" / "材料.xlsx")
    province = tmp_path / "省.xlsx"
    assert run("consolidate", tmp_path / "各市", "-o", province, "--district", "示例省").exit_code == 0
    assert sorted((r["单位名称"], r["区"]) for r in detail(province)) == sorted(
        (r["单位名称"], "示例市" + r["区"]) for r in detail(summary))
    assert table_names(named_values(province)) == pytest.approx(table_names(named_values(summary)))


def test_read_summary_and_csv_carry_the_district(city):
    root, summary, _, _ = city
    frame = xxgk.read_summary(summary)
    assert sorted(frame.groupby("agency", observed=True)["district"].first().items()) == sorted(
        (r["单位名称"], r["区"]) for r in detail(summary))
    text = (root / "市明细.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("单位名称,统一社会信用代码,区,") and ",甲区," in text


def test_an_earlier_summary_among_the_agencies_is_not_counted_again(city, tmp_path):
    root, _, agencies, _ = city
    folder = tmp_path / "甲区"
    shutil.copytree(root / "甲区", folder)
    shutil.copy(root / "各区报来" / "附件1.xlsx", folder / "新建 Microsoft Excel 工作表.xlsx")
    output = tmp_path / "汇总.xlsx"
    assert run("consolidate", folder, "-o", output).exit_code == 0
    statuses = {r[1]: (r[5], r[10]) for r in sheet_rows(output, "报送情况")[1:]}
    status, note = statuses["新建 Microsoft Excel 工作表.xlsx"]
    assert status == Status.SUMMARY_LEFT_OUT and "都已另行报送" in note
    assert table_names(named_values(output)) == pytest.approx(
        independent_sums([path for (district, _), path in agencies.items() if district == "甲区"]))


def test_a_warning_the_district_accepted_stays_explained(tmp_path):
    fmt = get_format("2021")
    ruleset = load_rules()
    district, received = tmp_path / "甲区", tmp_path / "报来"
    district.mkdir(), received.mkdir()
    path = district / "甲局.xlsx"
    build_workbook(path, fmt, values={**agency_values(fmt, "甲局", YEAR, 1), "t2.fee.amount": 258000.0},
                   live_checks=live_checks_for(fmt, ruleset))
    warning = ruleset.validate(read_workbook(path)).warnings[0]
    workbook = openpyxl.load_workbook(path)  # the clerk writes a 说明 beside the warning, as in Excel
    sheet = workbook["校验结果"]
    header = [cell.value for cell in sheet[5]]
    row = next(r for r in sheet.iter_rows(min_row=6) if r[header.index("编号")].value == warning.instance_id)
    row[header.index("说明")].value = "本年确有一笔大额收费"
    workbook.save(path)
    assert run("consolidate", district, "-o", received / "甲区.xlsx", "--district", "甲区").exit_code == 0
    city = tmp_path / "市.xlsx"
    assert run("consolidate", received, "-o", city).exit_code == 0
    (status,) = [r[5] for r in sheet_rows(city, "报送情况")[1:]]
    notes = [r[10] for r in sheet_rows(city, "问题清单")[1:] if r[3] == warning.rule_id]
    assert status == Status.EXPLAINED and notes == ["本年确有一笔大额收费"]
