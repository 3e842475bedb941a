"""--previous: each agency's 上年结转 checked against its own last-year 结转下年度, from a folder of
last year's workbooks or from last year's district summary (its 分单位明细)."""
from __future__ import annotations

import random

import pytest
from click.testing import CliRunner

from xxgk.cli import main
from xxgk.formats import get_format
from xxgk.samples import cover_values
from xxgk.template import build_workbook

from consolidate_support import YEAR, balanced_values, following_year, sheet_rows
from modes import mode  # noqa: F401 - a fixture

AGENCIES = ("甲局", "乙局", "丙局", "丁局")


def write(path, agency, year, values):
    own = random.Random(agency)  # each agency its own credit code, the same in both years
    build_workbook(path, get_format("2021"), values={**values, **cover_values(agency, year, own)})


@pytest.fixture(scope="module")
def years(tmp_path_factory):
    root = tmp_path_factory.mktemp("years")
    last, this = root / "2024", root / "2025"
    last.mkdir(), this.mkdir()
    for i, agency in enumerate(AGENCIES[:3]):
        before = balanced_values(100 + i)
        write(last / f"{agency}.xlsx", agency, YEAR - 1, before)
        if agency == "乙局":  # this year's 上年结转 does not match last year's 结转下年度
            now = balanced_values(200 + i)
            assert any(now[f"t3.carried.{c}"] != before[f"t3.carry_next.{c}"]
                       for c in get_format("2021").group("t3", "applicants"))
        elif agency == "丙局":  # the very same figures as last year
            now = dict(before)
        else:
            now = following_year(before, 200 + i)
        write(this / f"{agency}.xlsx", agency, YEAR, now)
    write(this / "丁局.xlsx", "丁局", YEAR, balanced_values(300))  # nothing last year
    summary = root / "汇总2024.xlsx"
    result = CliRunner().invoke(main, ["consolidate", str(last), "-o", str(summary)])
    assert result.exit_code == 0, result.output
    return root, last, this, summary


def findings_by_agency(output):
    rows = sheet_rows(output, "问题清单")
    header = rows[0]
    found: dict[str, set[str]] = {}
    for row in rows[1:]:
        if row[header.index("规则")]:
            found.setdefault(row[header.index("单位名称")], set()).add(row[header.index("规则")])
    return found


@pytest.mark.parametrize("source", ["folder", "summary"])
def test_cross_year_rules_per_agency(years, tmp_path, source, mode):
    root, last, this, summary = years
    previous = last if source == "folder" else summary
    output = tmp_path / "汇总.xlsx"
    result = CliRunner().invoke(main, ["consolidate", str(this), "-o", str(output), "--previous", str(previous)])
    assert result.exit_code == 1, result.output
    found = findings_by_agency(output)
    assert "跨年-结转" not in found.get("甲局", set())
    assert "跨年-结转" in found["乙局"]
    assert "跨年-相同" in found["丙局"]
    assert "丁局" not in found
    notes = {row[2]: row[10] for row in sheet_rows(output, "报送情况")[1:]}
    assert "未找到该单位的上年报表" in notes["丁局"]
    assert not notes["甲局"]


def test_without_previous_no_cross_year_findings(years, tmp_path):
    _, _, this, _ = years
    output = tmp_path / "汇总.xlsx"
    result = CliRunner().invoke(main, ["consolidate", str(this), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert findings_by_agency(output) == {}


def test_unusable_previous_is_a_clear_error(years, tmp_path):
    _, _, this, _ = years
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(main, ["consolidate", str(this), "-o", str(tmp_path / "o.xlsx"),
                                       "--previous", str(empty)])
    assert result.exit_code == 2
    assert "2024 年度" in result.output and "Traceback" not in result.output
