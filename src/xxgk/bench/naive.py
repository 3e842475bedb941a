"""The naive baseline: the same job done the obvious way, with openpyxl.

``python -m xxgk.bench.naive FOLDER OUT.xlsx`` opens every workbook with
openpyxl (cached values), reads every cell of every sheet, finds the report's
cells through the workbook's defined names, checks the project's own rules on
a FormData built from those values (RuleSet.validate, the plain engine), then
writes a summary with openpyxl: sums, one row per agency, one row per file,
the findings, and a chart. This is what a competent script would do, and what
the fast path is measured against.
"""
from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference

from ..catalogue import Status
from ..formats import FORMATS, defined_name
from ..model import FormData
from ..rules import load_rules


def read_form(path: Path) -> FormData:
    workbook = openpyxl.load_workbook(path, data_only=True)
    for sheet in workbook.worksheets:  # "read every cell"
        for _row in sheet.iter_rows(values_only=True):
            pass
    names = workbook.defined_names
    marker = _named(workbook, names, "xxgk_format")
    fmt = FORMATS[str(marker)]
    keys = (*fmt.cover_fields, *fmt.cells)
    values = {key: _named(workbook, names, defined_name(key)) for key in keys}
    return FormData(source=str(path), format_id=fmt.id, values=values)


def _named(workbook, names, name: str):
    definition = names.get(name)
    if definition is None:
        return None
    (sheet, ref), *_ = list(definition.destinations)
    value = workbook[sheet][ref.replace("$", "").split(":")[0]].value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value


def main(folder: str, output: str) -> int:
    ruleset = load_rules()
    files = sorted(p for p in Path(folder).rglob("*.xlsx") if p.is_file())
    rows, statuses, findings, sums = [], [], [], {}
    for path in files:
        try:
            form = read_form(path)
        except Exception as err:  # noqa: BLE001 - the baseline lists what it cannot read
            statuses.append((path.name, Status.UNREADABLE, str(err)[:200]))
            continue
        report = ruleset.validate(form)
        statuses.append((path.name, report.status, ""))
        findings += [(path.name, f.rule_id, f.severity, f.location, f.message) for f in report.findings]
        cells = list(FORMATS[form.format_id].cells)
        rows.append([form.values.get("cover.agency"), form.values.get("cover.year")]
                    + [form.values.get(key) for key in cells])
        for key in cells:
            value = form.values.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                sums[key] = sums.get(key, 0) + value
    _write(Path(output), sums, rows, statuses, findings)
    return 0


def _write(output: Path, sums: dict, rows: list, statuses: list, findings: list) -> None:
    workbook = openpyxl.Workbook()
    total = workbook.active
    total.title = "汇总"
    for key, value in sums.items():
        total.append([key, value])
    chart = BarChart()
    chart.add_data(Reference(total, min_col=2, min_row=1, max_row=min(len(sums), 7)))
    total.add_chart(chart, "D2")
    for title, data in (("分单位明细", rows), ("报送情况", statuses), ("问题清单", findings)):
        sheet = workbook.create_sheet(title)
        for row in data:
            sheet.append([str(v) if isinstance(v, str) else v for v in row])
    workbook.save(output)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
