"""`xxgk validate` end to end: exit codes, JSON, explained warnings, --previous, --mark (the first test
through `python -m xxgk`, the others through the same command line in this process)."""
from __future__ import annotations

import functools
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from xxgk.catalogue import Status
from xxgk.cli import main
from xxgk.formats import get_format
from xxgk.rules import live_checks_for, load_rules
from xxgk.samples import agency_values, fill_totals
from xxgk.template import build_workbook
from xxgk.template.checks import CHECKS_NAME, COL

from modes import mode  # noqa: F401 - a fixture

FMT = get_format("2021")
RULES = load_rules()


def run_process(*args) -> subprocess.CompletedProcess:
    """The installed entry point, in a process of its own (~1 s of CPU before it reads a file)."""
    return subprocess.run([sys.executable, "-m", "xxgk", "validate", *map(str, args)], capture_output=True, text=True)


def run(*args) -> subprocess.CompletedProcess:
    """The same command line in this process (set up for its mode by the ``mode`` fixture, where a test
    takes it); an exception that escapes it fails the test."""
    result = CliRunner().invoke(main, ["validate", *map(str, args)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def workbook(path: Path, **changes) -> Path:
    """The template with live checks, filled; each test gets its own file (the bytes of the same figures
    are built once: the mode-parametrised tests want the same workbook in every mode, ~0.35 s each)."""
    path.write_bytes(workbook_bytes(tuple(sorted(changes.items()))))
    return path


@functools.lru_cache(maxsize=None)
def workbook_bytes(changes: tuple) -> bytes:
    values = agency_values(FMT, "示例区教育局", 2025, seed=5)
    values.update(changes)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "built.xlsx"
        build_workbook(path, FMT, values=fill_totals(FMT, values), live_checks=live_checks_for(FMT, RULES))
        return path.read_bytes()


def explain(path: Path, instance_id: str, text: str) -> None:
    """Type a 说明 next to one check, as the clerk would (openpyxl stands in for Excel)."""
    book = openpyxl.load_workbook(path)
    sheet_name, ref = next(iter(book.defined_names[CHECKS_NAME].destinations))
    sheet = book[sheet_name]
    for row in sheet.iter_rows(min_col=COL["编号"] + 1, max_col=COL["编号"] + 1):
        if row[0].value == instance_id:
            sheet.cell(row[0].row, COL["说明"] + 1, text)
    book.save(path)


def test_clean_workbook_exits_zero(tmp_path):
    result = run_process(workbook(tmp_path / "a.xlsx"))
    assert result.returncode == 0, result.stdout
    assert Status.PASSED in result.stdout


def test_errors_exit_one_with_cells_in_json(tmp_path, mode):
    path = workbook(tmp_path / "a.xlsx", **{"t3.carry_next.natural": 999})
    result = run(path, "--json")  # the mode fixture has set this process up
    assert result.returncode == 1
    (report,) = json.loads(result.stdout)
    assert report["status"] == Status.ERRORS
    finding = next(f for f in report["findings"] if f["rule"] == "三-勾稽")
    assert finding["cell"].startswith("表三!") and finding["severity"] == "error"


def test_explained_warning_is_reported_as_explained(tmp_path, mode):
    path = workbook(tmp_path / "a.xlsx", **{"t2.fee.amount": 250000.0})
    assert json.loads(run(path, "--json").stdout)[0]["status"] == Status.WARNINGS
    explain(path, "二-万元", "本单位代收全区土地出让相关费用，数额属实。")
    result = run(path, "--json")
    (report,) = json.loads(result.stdout)
    assert result.returncode == 0
    assert (report["status"], report["warnings"], report["explained"]) == (Status.EXPLAINED, 0, 1)
    assert report["findings"][0]["explanation"].startswith("本单位代收")


def test_previous_year_turns_on_cross_year_rules(tmp_path):
    this_year = workbook(tmp_path / "2025.xlsx", **{"t3.carried.natural": 4, "t3.new.natural": 10})
    last_year = workbook(tmp_path / "2024.xlsx", **{"t3.carry_next.natural": 1})
    assert "跨年-结转" not in run(this_year).stdout
    result = run(this_year, "--previous", last_year, "--json")
    rules = {f["rule"] for f in json.loads(result.stdout)[0]["findings"]}
    assert "跨年-结转" in rules and result.returncode == 1


def test_mark_leaves_the_original_untouched(tmp_path):
    path = workbook(tmp_path / "a.xlsx", **{"t3.carry_next.natural": 999})
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = run(path, "--mark")
    assert result.returncode == 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    marked = tmp_path / "a_校验标记.xlsx"
    book = openpyxl.load_workbook(marked)
    assert "校验报告" in book.sheetnames
    assert book.security.lockStructure


def test_unreadable_file_in_a_batch_exits_two_and_goes_on(tmp_path):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    good = workbook(tmp_path / "好文件.xlsx", **{"t3.carry_next.natural": 999})
    result = run(bad, good)
    assert result.returncode == 2
    assert "坏文件.xlsx" in result.stdout and "好文件.xlsx" in result.stdout and "三-勾稽" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_rules_option_lets_a_district_switch_a_rule_off(tmp_path):
    rules = (Path(__file__).resolve().parents[1] / "rules.yaml").read_text(encoding="utf-8")
    custom = tmp_path / "district.yaml"
    custom.write_text(rules.replace("  - id: 二-万元\n", "  - id: 二-万元\n    enabled: false\n"), encoding="utf-8")
    path = workbook(tmp_path / "a.xlsx", **{"t2.fee.amount": 250000.0})
    assert "二-万元" in run(path).stdout
    assert "二-万元" not in run(path, "--rules", custom).stdout
