"""`xxgk audit` and `xxgk import` on the real published reports in ../shared (skipped when absent),
and the imported workbook's own live checks recalculated by LibreOffice.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from xxgk.cli import main
from xxgk.cli.template_cmd import live_checks
from xxgk.formats import get_format
from xxgk.importer import import_report
from xxgk.readers import read_workbook
from xxgk.rules import load_rules
from xxgk.template import status_name

from export_support import digest, faulty_values, write_report
from template_support import load, names

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared folder {SHARED} is absent")
TEXT_REPORTS = SHARED / "reports"
HONGZE_2023 = SHARED / "peer-reports" / "hzq2023_working.pdf"
HONGZE_2024 = SHARED / "peer-reports" / "hzq2024_working.pdf"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def audit_json(*paths) -> tuple[int, list[dict]]:
    result = run("audit", *paths, "--json")
    return result.exit_code, json.loads(result.output)


@needs_shared
def test_hongze_2023_table4_errors_are_found():
    code, [item] = audit_json(HONGZE_2023)
    assert code == 1
    table4 = {f["instance"]: f for f in item["findings"] if f["rule"] == "四-合计"}
    assert set(table4) == {"四-合计@review", "四-合计@after"}
    assert (table4["四-合计@review"]["actual"], table4["四-合计@review"]["expected"]) == ("0", "11")
    assert (table4["四-合计@after"]["actual"], table4["四-合计@after"]["expected"]) == ("0", "5")
    assert table4["四-合计@review"]["cell"].startswith("原文第")  # where the figure was printed


@needs_shared
def test_the_two_text_reports_audit_clean(tmp_path):
    reports = sorted(TEXT_REPORTS.glob("*.txt"))
    before = [digest(p) for p in reports]
    code, items = audit_json(TEXT_REPORTS)
    assert code == 0
    assert [(Path(i["file"]).name, i["findings"], i["import"]["missing"], i["import"]["blanks"]) for i in items] == \
        [(p.name, [], [], []) for p in reports]
    result = run("audit", TEXT_REPORTS, "--mark", "-o", tmp_path / "out")
    assert result.exit_code == 0 and "通过 2" in result.output
    for report in reports:
        form = read_workbook(tmp_path / "out" / f"{report.stem}.xlsx")
        imported = import_report(report)
        assert {k: form.values[k] for k in imported.values} == imported.values
    assert [digest(p) for p in reports] == before


@needs_shared
def test_hongze_2024_narrative_warning_is_a_finding():
    code, [item] = audit_json(HONGZE_2024)
    [warning] = [f for f in item["findings"] if f["severity"] == "warning"]
    assert (warning["rule"], warning["key"], warning["actual"], warning["expected"]) == ("叙述-一致", "t3.new.total",
                                                                                        "17", "95")
    assert len(item["import"]["missing"]) == 21  # （六）其他处理 printed as one row: its 3 rows are not guessed
    assert code == 1  # the 21 blank cells break the 数值 rule


@pytest.mark.libreoffice
def test_imported_workbook_checks_itself_in_libreoffice(libreoffice, tmp_path):
    """Published totals kept as values: the template's live checks, recalculated by LibreOffice,
    fail exactly the instances the rule engine finds."""
    report = write_report(tmp_path / "faulty.html", "2021", faulty_values("2021"))
    jobs = [(report, None)]
    if SHARED.is_dir():
        jobs.append((HONGZE_2023, {"四-合计@review", "四-合计@after"}))
    workbooks = []
    for index, (path, _) in enumerate(jobs):
        target = tmp_path / f"imported_{index}.xlsx"
        assert run("import", path, "-o", target).exit_code in (0, 1)
        workbooks.append(target)
    outputs = libreoffice.recalc(workbooks, tmp_path / "recalculated")
    checks = live_checks(get_format("2021"))
    for (path, must_fail), workbook, output in zip(jobs, workbooks, outputs):
        found = names(load(output))
        book = load(output, data_only=True)
        failing = {c.instance_id for i, c in enumerate(checks, 1)
                   if book[found[status_name(i)][0]][found[status_name(i)][1]].value == "不通过"}
        if must_fail is None:
            engine = load_rules().validate(read_workbook(workbook))
            assert failing == {f.instance_id for f in engine.findings} != set()
        else:
            assert must_fail <= failing
