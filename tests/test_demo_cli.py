"""`xxgk demo FOLDER`: the README's one-command tour of the district's year: template, last year's
summary, roster, prefilled workbooks handed out, sample submissions with live checks, validation, the
district summary with 同比, findings sent back and the long table, through the real console entry point."""
from __future__ import annotations

import shutil
import subprocess
import sys

import openpyxl
import pytest
from click.testing import CliRunner

import xxgk.template
from xxgk.catalogue import Status
from xxgk.cli import main
from xxgk.demo import DEMO_YEAR, write_sample_folder

from consolidate_support import named_values, sheet_rows

pytestmark = pytest.mark.heavy(11)  # CPU seconds, about: started first (tests/conftest.py)


def run_demo(folder) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xxgk", "demo", str(folder)], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "示例"
    return folder, run_demo(folder), None


def test_exits_zero(demo):
    folder, result, _ = demo
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_everything_is_where_it_says(demo):
    folder, result, _ = demo
    for name in ("workbook_template.xlsx", "报送", "名单.csv", "汇总.xlsx", "上年汇总.xlsx", "下发", "下发.zip",
                 "退回", "明细.csv"):
        assert (folder / name).exists(), name
        assert str(folder / name) in result.stdout, name
    template = openpyxl.load_workbook(folder / "workbook_template.xlsx", read_only=True)  # names: read-only suffices
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


def test_running_again_gives_the_same_folder(demo, tmp_path, monkeypatch):
    """Run again in this process (CliRunner): what is tested is the folder, the console entry point is above.

    The run goes over a copy of the first run's folder (the other tests read the first run's files), and
    its workbooks are built without live checks: which files the demo writes, replaces or adds does not
    depend on the checks inside them (the first run's files, asserted above and below, keep them), and a
    build without them costs a seventh of one with them (~45 builds)."""
    folder = tmp_path / demo[0].name
    shutil.copytree(demo[0], folder)
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    build = xxgk.template.build_workbook
    monkeypatch.setattr(xxgk.template, "build_workbook",
                        lambda path, fmt, live_checks=(), **kwargs: build(path, fmt, live_checks=(), **kwargs))
    again = CliRunner().invoke(main, ["demo", str(folder)])
    assert again.exit_code == 0, again.output
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before


def test_the_year_around_the_summary(demo):
    folder, result, _ = demo
    roster = [line for line in (folder / "名单.csv").read_text(encoding="utf-8-sig").splitlines()[1:] if line]
    assert len(list((folder / "下发").glob("*.xlsx"))) == len(roster)
    assert "同比" in openpyxl.load_workbook(folder / "汇总.xlsx", read_only=True).sheetnames
    returned = {row[3] for row in sheet_rows(folder / "退回" / "退回清单.xlsx", "退回清单")[2:]}
    faulty = {row[1] for row in sheet_rows(folder / "汇总.xlsx", "报送情况")[1:]
              if row[5] in (Status.ERRORS, Status.WARNINGS, Status.UNREADABLE, Status.WRONG_YEAR, Status.WRONG_FORMAT)}
    assert returned == faulty and len(faulty) >= 5
    assert len(list((folder / "退回").glob("*_退回通知.txt"))) == len(faulty)
    sample = openpyxl.load_workbook(folder / "报送" / "02_示例区发展和改革局.xlsx", read_only=True)  # names: read-only suffices
    assert "xxgk_chk_1" in sample.defined_names  # what clerks send: the template with its live checks
