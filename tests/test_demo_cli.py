"""`xxgk demo FOLDER`: the README's one-command tour: template, sample submissions, roster,
validation and the district summary, in a few seconds, through the real console entry point."""
from __future__ import annotations

import subprocess
import sys
import time

import openpyxl
import pytest

from xxgk.demo import DEMO_YEAR, write_sample_folder

from consolidate_support import named_values, sheet_rows

SECONDS = 20  # generous for slow CI machines; about 2 s here


def run_demo(folder) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xxgk", "demo", str(folder)], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "示例"
    started = time.perf_counter()
    result = run_demo(folder)
    return folder, result, time.perf_counter() - started


def test_runs_quickly_and_exits_zero(demo):
    folder, result, seconds = demo
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert seconds < SECONDS


def test_everything_is_where_it_says(demo):
    folder, result, _ = demo
    for name in ("workbook_template.xlsx", "报送", "名单.csv", "汇总.xlsx"):
        assert (folder / name).exists(), name
        assert str(folder / name) in result.stdout, name
    template = openpyxl.load_workbook(folder / "workbook_template.xlsx")
    assert "xxgk_chk_1" in template.defined_names  # built with live checks
    assert named_values(folder / "workbook_template.xlsx")["xxgk_format"] == 2021


def test_every_sample_validated_and_consolidated_with_its_status(demo, tmp_path):
    folder, result, _ = demo
    expected = {s.path.name: s.expected_status for s in write_sample_folder(tmp_path / "again", DEMO_YEAR, live_checks=False)}
    assert len(set(expected.values())) >= 7  # 通过 有错误 有警告 重复 年度不符 格式不符 无法读取
    for name in expected:
        assert name in result.stdout
    rows = sheet_rows(folder / "汇总.xlsx", "报送情况")
    assert {row[1]: row[5] for row in rows[1:]} == expected
    missing = {row[1] for row in sheet_rows(folder / "汇总.xlsx", "未报送")[1:]}
    assert {"示例区统计局", "示例区水务局"} <= missing
    assert named_values(folder / "汇总.xlsx")["xxgk_cover_agency"] == "示例区"


def test_running_again_gives_the_same_folder(demo):
    folder, _, _ = demo
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    again = run_demo(folder)
    assert again.returncode == 0, again.stderr
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before
