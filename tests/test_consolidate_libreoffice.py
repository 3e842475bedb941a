"""The summary in LibreOffice, the independent spreadsheet application: recalculated, its totals,
live checks and chart data agree with the sums; rendered, its tables and charts show.

PNGs of the 表三 and 图表 pages are kept in tests/artifacts/consolidate/ for a person to look at.
"""
from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest
from click.testing import CliRunner

import libreoffice as lo
from xxgk.catalogue import Status
from xxgk.cli import main
from xxgk.demo import write_sample_folder

from consolidate_support import YEAR, independent_sums, named_texts, table_names

pytestmark = [pytest.mark.libreoffice, pytest.mark.heavy(7)]


def consolidate(folder, output) -> None:
    result = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(output), "--district", "示例区"])
    assert result.exit_code in (0, 1, 2) and "Traceback" not in result.output, result.output


@pytest.fixture(scope="module")
def summaries(tmp_path_factory, libreoffice):
    root = tmp_path_factory.mktemp("lo-consolidate")
    samples = write_sample_folder(root / "报送", YEAR, live_checks=False)
    clean_folder = root / "clean"
    clean_folder.mkdir()
    clean = [s for s in samples if s.expected_status in (Status.PASSED, Status.WARNINGS, Status.REPLACED)]
    for sample in clean:
        shutil.copy(sample.path, clean_folder / sample.path.name)
    consolidate(root / "报送", root / "full.xlsx")
    consolidate(clean_folder, root / "clean.xlsx")
    # every sheet as LibreOffice computes it on load (CSV: half the cost of a re-saved .xlsx read back)
    computed = libreoffice.sheet_texts([root / "full.xlsx", root / "clean.xlsx"], root / "computed")
    included = [s.path for s in clean if s.expected_status != Status.REPLACED]
    return {"full": root / "full.xlsx", "clean": root / "clean.xlsx", "computed": dict(zip(("full", "clean"), computed)),
            "clean_inputs": included}


def error_count(sheets: dict[str, list[list[str]]]) -> int:
    """The 校验结果 sheet's own count of failing errors (its cell E2), as LibreOffice computed it."""
    return int(sheets["校验结果"][1][4])


def as_text(value) -> str:
    """A cached cell value as LibreOffice's CSV writes the computed one (blank: empty; 3.0: 3)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_totals_after_recalculation_equal_the_inputs_sums(summaries):
    expected = independent_sums(summaries["clean_inputs"])
    got = table_names(named_texts(summaries["clean"], summaries["computed"]["clean"]))
    assert got.keys() == expected.keys()
    assert {k: float(got[k]) for k in expected} == pytest.approx(expected)


def test_live_checks_pass_on_a_clean_summary_and_fail_on_a_faulty_one(summaries):
    assert error_count(summaries["computed"]["clean"]) == 0
    assert error_count(summaries["computed"]["full"]) > 0


def test_chart_data_recalculates_to_the_cached_values(summaries):
    ours = openpyxl.load_workbook(summaries["full"], data_only=True)["图表"]
    cached = [[c.value for c in row] for row in ours.iter_rows(max_col=5)]
    computed = [row[:5] + [""] * (5 - len(row)) for row in summaries["computed"]["full"]["图表"]]
    assert [[as_text(v) for v in row] for row in cached] == computed
    figures = [v for row in cached for v in row if isinstance(v, (int, float))]
    assert len(figures) > 20 and sum(figures) > 0


def page_texts(pdf) -> list[str]:
    """The text of every page (pdftotext ends each page with a form feed)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) == lo.pdf_page_count(pdf)
    return pages


@pytest.fixture(scope="module")
def rendered(summaries, libreoffice, artifacts_dir):
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.skip(lo.PDFTOPPM_SKIP_REASON)
    folder = artifacts_dir / "consolidate"
    folder.mkdir(exist_ok=True)
    source = folder / "汇总示例.xlsx"
    shutil.copy(summaries["full"], source)
    (pdf,) = libreoffice.to_pdf([source], folder)
    texts = page_texts(pdf)
    wanted = {"表三": "三、收到和处理政府信息公开申请情况", "图表": "汇总图表", "报送情况": "主要问题"}
    pages = {}
    for label, marker in wanted.items():
        matches = [i + 1 for i, text in enumerate(texts) if marker in text]
        assert matches, f"no page shows {marker}"
        first = matches[0]
        count = 2 if label == "图表" else 1  # four charts, two per page
        for page in range(first, first + count):
            prefix = folder / f"{label}-{page}"
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
                            str(pdf), str(prefix)], check=True, timeout=120)
            pages.setdefault(label, []).append(prefix.with_suffix(".png"))
    return texts, pages


def test_rendered_pages_show_tables_and_charts(rendered):
    texts, pages = rendered
    everything = "\n".join(texts)
    for title in ("本年新收申请：按申请人类型", "本年度办理结果", "新收申请最多的单位", "行政复议、行政诉讼结果",
                  "示例区人民政府办公室（修改版）.xlsx", Status.WRONG_YEAR, Status.UNREADABLE):
        assert title in everything, title
    for label, pngs in pages.items():
        for png in pngs:
            assert lo.ink_fraction(png) > 0.01, f"{png.name} is blank"
    assert all(lo.coloured_fraction(png) > 0.01 for png in pages["图表"]), "charts have no coloured bars"
