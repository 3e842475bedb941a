"""The template in an independent spreadsheet application: LibreOffice headless.

(a) figures written with openpyxl, recalculated by LibreOffice: every total right,
    and the live-check status formulas give 通过 / 不通过 / 已说明 / 待填写;
(b) rendered to PDF and PNG (kept in tests/artifacts/ for a person to look at).
"""
from __future__ import annotations

import random
import subprocess

import pytest
import xlsxwriter

from xxgk.catalogue import CheckStatus
from xxgk.formats import FORMATS, Kind, get_format
from xxgk.model import LiveCheck
from xxgk.samples import table_values

import libreoffice as lo
from consolidate_support import named_texts
from template_support import build, load, names

pytestmark = [pytest.mark.libreoffice, pytest.mark.heavy(9)]


def _random_inputs(fmt, rng: random.Random) -> dict:
    """Deliberately unbalanced figures: every input random, signed ones may be negative."""
    values = {}
    for key, cell in fmt.cells.items():
        if cell.kind is Kind.SIGNED:
            values[key] = rng.randint(-50, 50)
        elif cell.kind in (Kind.WAN, Kind.MONEY):
            values[key] = round(rng.uniform(0, 9999), 2)
        elif not cell.is_total:
            values[key] = rng.randint(0, 5000)
    return values


def _fill(template, target, values: dict) -> None:
    """Write figures into the named cells with openpyxl (which keeps no cached formula values)."""
    workbook = load(template)
    found = names(workbook)
    for key, value in values.items():
        sheet, coordinate = found[f"xxgk_{key.replace('.', '_')}"]
        workbook[sheet][coordinate].value = value
    workbook.save(target)


def _expected(fmt, key, values):
    cell = fmt.cells[key]
    if not cell.is_total:
        return values[key]
    return sum(_expected(fmt, part, values) for part in cell.total_of)


# Hand-made live checks: the template's status mechanics, independent of rules.yaml.
CHECKS = (
    LiveCheck("E@new", "测试-错误", "error", "表三 · 新收", "新收不超过 5", "xxgk_t3_new_natural>5",
              '"新收为 "&xxgk_t3_new_natural', ("t3.new.natural",)),
    LiveCheck("W@reg", "测试-警告", "warning", "表二 · 规章", "规章制发不超过 3", "xxgk_t2_regulation_issued>3",
              '"制发 "&xxgk_t2_regulation_issued', ("t2.regulation.issued", "t3.new.natural")),
    LiveCheck("P@agency", "测试-待填", "error", "封面 · 单位名称", "单位名称不少于 2 个字",
              "LEN(xxgk_cover_agency)<2", '"单位名称："&xxgk_cover_agency', ("cover.agency",),
              pending_if_blank=("cover.agency",)),
    LiveCheck("T@text", "测试-文字", "error", "表三 · 商业企业", "新收不为负", "xxgk_t3_new_business+0<0",  # text -> #VALUE!
              '"商业企业 "&xxgk_t3_new_business', ("t3.new.business",)),
)
CASES = {  # file -> (inputs, 说明 of the warning, expected statuses in CHECKS order)
    "fail": ({"t3.new.natural": 7, "t2.regulation.issued": 9, "t3.new.business": "abc"}, None,
             [CheckStatus.FAILED, CheckStatus.FAILED, CheckStatus.PENDING, CheckStatus.FAILED]),
    "explained": ({"t3.new.natural": 2, "t2.regulation.issued": 9, "cover.agency": "区财政局"}, "已核实",
                  [CheckStatus.PASSED, CheckStatus.EXPLAINED, CheckStatus.PASSED, CheckStatus.PASSED]),
}


def _stale_formula_file(folder) -> tuple:
    """A workbook whose cached value is wrong on purpose: only a real recalculation fixes it."""
    path = folder / "stale.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet().write_formula("A1", "=2+3", None, 99)
    workbook.close()
    return path


@pytest.fixture(scope="module")
def recalculated(libreoffice, tmp_path_factory):
    """Every file for this module through ONE LibreOffice call."""
    folder = tmp_path_factory.mktemp("lo-in")
    jobs, rng = [], random.Random(2024)
    for format_id in sorted(FORMATS):
        fmt = get_format(format_id)
        template = build(folder, format_id, with_checks=False)
        for label, values in (("balanced", table_values(fmt, rng)), ("random", _random_inputs(fmt, rng))):
            inputs = {k: v for k, v in values.items() if not fmt.cells[k].is_total}
            target = folder / f"{format_id}_{label}.xlsx"
            _fill(template, target, inputs)
            jobs.append(("totals", fmt, inputs, target))
    checks_template = build(folder, "2021", name="checks.xlsx", live_checks=CHECKS)
    for case, (inputs, note, statuses) in CASES.items():
        target = folder / f"checks_{case}.xlsx"
        _fill(checks_template, target, inputs)
        if note:
            workbook = load(target)
            ((sheet, ref),) = workbook.defined_names["xxgk_checks"].destinations
            rows = list(workbook[sheet][ref.replace("$", "")])
            rows[[r[0].value for r in rows].index("W@reg")][1].value = note
            workbook.save(target)
        jobs.append(("checks", case, inputs, target))
    jobs.append(("stale", None, None, _stale_formula_file(folder)))
    # every sheet as LibreOffice computes it on load (CSV: half the cost of a re-saved .xlsx read back)
    computed = libreoffice.sheet_texts([job[-1] for job in jobs], tmp_path_factory.mktemp("lo-out"))
    return [(*job, sheets) for job, sheets in zip(jobs, computed)]


def test_recalculation_really_recalculates(recalculated):
    ((sheet,),) = [list(sheets.values()) for kind, *_, sheets in recalculated if kind == "stale"]
    assert sheet[0][0] == "5"


def test_every_total_right_after_recalculation(recalculated):
    checked = 0
    for kind, fmt, inputs, source, sheets in recalculated:
        if kind != "totals":
            continue
        found = named_texts(source, sheets)
        for key, cell in fmt.cells.items():
            assert float(found[cell.name]) == pytest.approx(_expected(fmt, key, inputs)), f"{source.name} {key}"
            checked += cell.is_total
    assert checked > 100


def test_live_check_statuses_after_recalculation(recalculated):
    for kind, case, inputs, source, sheets in recalculated:
        if kind != "checks":
            continue
        found = named_texts(source, sheets)
        statuses = [found[f"xxgk_chk_{i}"] for i in range(1, len(CHECKS) + 1)]
        assert statuses == CASES[case][2], case
        texts = [text for row in sheets["校验结果"] for text in row]
        assert f"新收为 {inputs['t3.new.natural']}" in texts
        assert "表三 · 新收" in texts  # the HYPERLINK shows our location text
        errors_failing = sum(s == CheckStatus.FAILED and c.severity == "error" for s, c in zip(statuses, CHECKS))
        assert int(sheets["校验结果"][1][4]) == errors_failing, case  # E2: the sheet's count of failing errors


@pytest.fixture(scope="module")
def rendered(libreoffice, tmp_path_factory, artifacts_dir):
    folder = tmp_path_factory.mktemp("render")
    templates = [build(folder, f, name=f"template_{f}.xlsx") for f in sorted(FORMATS)]
    pdfs = libreoffice.to_pdf(templates, artifacts_dir)
    return {pdf: libreoffice.to_png(pdf, artifacts_dir, dpi=50) for pdf in pdfs}


def test_pdf_has_every_sheet_and_pages_are_not_blank(rendered):
    visible = 6  # 封面 表二 表三 表四 校验结果 填报说明
    for pdf, pngs in rendered.items():
        assert lo.pdf_page_count(pdf) == len(pngs) >= visible
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        fmt = get_format(pdf.stem.rsplit("_", 1)[1])
        for title in ["政府信息公开工作年度报告", "校验结果", "填报说明", *(t.title for t in fmt.tables)]:
            assert title in text, f"{pdf.name}: '{title}' not rendered"
        assert "_xxgk" not in text  # the marker sheet stays hidden in print
        for png in pngs:
            assert lo.ink_fraction(png) > 0.01, f"{png.name} is blank"
