"""Importing the real published reports in tests/data/reports (copies of ../shared; see SOURCES.md there).

Expected figures were read by hand from the texts and from the PDFs (checked on the PDF's
own text layer, page by page); each test says where its figures come from.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import pytest

from published_support import (DATA, GULOU, HONGZE_2023, HONGZE_2024, HUAIAN, SECTION3, SHANGHAI, SHUYANG,
                               ZAOZHUANG)
from xxgk.formats import get_format
from xxgk.importer import import_document, import_report
from xxgk.importer.pdfsource import read_pdf

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

GULOU_TXT, ZAOZHUANG_TXT = GULOU, ZAOZHUANG
FMT = get_format("2021")
T3_ROWS = [r.key for r in FMT.table("t3").blocks[0].rows]
T3_COLUMNS = [c.key for c in FMT.table("t3").blocks[0].columns]


@functools.cache
def imported_pdf(path: Path):
    """``import_report`` of a real PDF, once per module: three PDFs are asserted by eleven tests, ~0.8 s of
    pdfplumber each time (the tests only read the result; the import of a file is the same every time)."""
    return import_report(path)


def table3(text: str) -> dict[str, int | None]:
    """Rows of ``row-key n n n n n n n`` (the 7 columns in printed order, _ for a blank) to cell values."""
    values = {}
    for line in text.strip().splitlines():
        row, *figures = line.split()
        assert len(figures) == 7, line
        values.update({f"t3.{row}.{c}": None if f == "_" else int(f) for c, f in zip(T3_COLUMNS, figures)})
    return values


def figures(prefix: str, keys: str, numbers: str) -> dict:
    return {f"{prefix}.{k}": (float(n) if "." in n else int(n)) for k, n in zip(keys.split(), numbers.split())}


T2_KEYS = ("regulation.issued regulation.repealed regulation.in_force normative.issued normative.repealed "
           "normative.in_force license.decisions penalty.decisions coercion.decisions fee.amount")
T4_KEYS = " ".join(f"{r}.{c}" for r in ("review", "direct", "after")
                   for c in ("upheld", "corrected", "other", "pending", "total"))

# 济宁市兖州区鼓楼街道办事处 2023: one application from a natural person, made public.
GULOU_T3 = table3(
    "\n".join(f"{row} {'1 0 0 0 0 0 1' if row in ('new', 'public', 'total') else '0 0 0 0 0 0 0'}" for row in T3_ROWS)
)
GULOU = {
    **GULOU_T3,
    **figures("t2", T2_KEYS, "0 0 0 0 0 0 0 0 0 0"),
    **figures("t4", T4_KEYS, "0 " * 15),
    "cover.agency": "济宁市兖州区鼓楼街道办事处",
    "cover.year": 2023,
}
# 市中区人民政府办公室 2023: every application from natural persons.
ZAOZHUANG_T3 = table3("""
new 27 0 0 0 0 0 27
carried 2 0 0 0 0 0 2
public 4 0 0 0 0 0 4
partial 4 0 0 0 0 0 4
deny_secret 0 0 0 0 0 0 0
deny_law 0 0 0 0 0 0 0
deny_safety 0 0 0 0 0 0 0
deny_third_party 0 0 0 0 0 0 0
deny_internal 1 0 0 0 0 0 1
deny_process 1 0 0 0 0 0 1
deny_enforcement 0 0 0 0 0 0 0
deny_query 0 0 0 0 0 0 0
unable_no_info 10 0 0 0 0 0 10
unable_create 4 0 0 0 0 0 4
unable_unclear 0 0 0 0 0 0 0
reject_complaint 0 0 0 0 0 0 0
reject_repeat 1 0 0 0 0 0 1
reject_publication 0 0 0 0 0 0 0
reject_massive 3 0 0 0 0 0 3
reject_confirm 0 0 0 0 0 0 0
other_overdue 0 0 0 0 0 0 0
other_fee 0 0 0 0 0 0 0
other_misc 0 0 0 0 0 0 0
total 28 0 0 0 0 0 28
carry_next 1 0 0 0 0 0 1
""")
ZAOZHUANG = {
    **ZAOZHUANG_T3,
    **figures("t2", T2_KEYS, "0 0 0 0 4 12 0 0 0 0"),
    **figures("t4", T4_KEYS, "1 0 0 0 1 0 0 0 0 0 0 0 0 0 0"),
    "cover.agency": "市中区人民政府办公室",
    "cover.year": 2023,
}


@pytest.mark.parametrize("path, expected", [(GULOU_TXT, GULOU), (ZAOZHUANG_TXT, ZAOZHUANG)], ids=["gulou", "zaozhuang"])
def test_text_reports_import_clean(path, expected):
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = import_report(path)
    assert result.format_id == "2021"
    assert result.values == expected  # every cell, nothing more
    assert result.missing == [] and result.blanks == [] and result.problems == []
    assert result.narrative == []
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def total_column(result, rows: str) -> list:
    return [result.values.get(f"t3.{row}.total") for row in rows.split()]


def assert_table3_adds_up(result, rows=T3_ROWS):
    """The published relations hold on every imported row: a shifted figure would break them."""
    v = result.values
    for row in rows:
        assert v[f"t3.{row}.total"] == sum(v[f"t3.{row}.{c}"] for c in T3_COLUMNS[:-1]), row
    for column in T3_COLUMNS:
        assert v[f"t3.new.{column}"] + v[f"t3.carried.{column}"] == v[f"t3.total.{column}"] + v[f"t3.carry_next.{column}"]


def test_huaian_2024_pdf_matches_hand_checked_figures():
    result = imported_pdf(HUAIAN)
    assert (result.agency, result.year, result.format_id) == ("淮安市人民政府", 2024, "2021")
    assert result.missing == [] and result.problems == [] and result.narrative == []
    assert total_column(result, "new carried public partial total carry_next") == [3119, 34, 1362, 454, 3050, 103]
    assert result.values | figures("t4", T4_KEYS, "72 64 178 37 351 13 4 8 1 26 12 1 1 6 20") == result.values
    # SOURCES.md gives 550 / 4119 / 195 / 7730.28 for 许可 / 处罚 / 强制 / 收费; the PDF prints (page 3-4,
    # checked on the rendered page) 447228 / 3985758 / 88283 / 96171.6. SOURCES.md's figures are those of
    # hzq2023_working.pdf (tested below), so the PDF's own figures are asserted here.
    assert result.values | figures("t2", T2_KEYS, "1 0 11 8 26 66 447228 3985758 88283 96171.6") == result.values
    assert_table3_adds_up(result)


def test_hongze_2024_pdf():
    result = imported_pdf(HONGZE_2024)
    assert (result.agency, result.year, result.format_id) == ("淮安市洪泽区人民政府", 2024, "2021")
    assert result.missing == [] and result.problems == []
    assert total_column(result, "new carried total carry_next") == [95, 0, 95, 0]
    assert result.values | figures("t4", T4_KEYS, "1 1 0 0 2 1 0 0 0 1 2 0 1 0 3") == result.values
    assert result.values | figures("t2", T2_KEYS, "0 0 0 3 0 8 9487 2776 84 7545") == result.values
    assert_table3_adds_up(result)
    # The text says 17 applications; the table says 95: a real inconsistency of the published report.
    [finding] = result.narrative
    assert (finding.rule_id, finding.severity, finding.cells) == ("叙述-一致", "warning", ("t3.new.total",))
    assert (finding.actual, finding.expected) == ("17", "95") and "17件" in finding.message


@pytest.mark.parametrize("path", [HONGZE_2023, HONGZE_2024], ids=["2023", "2024"])
def test_hongze_prints_other_handling_as_one_row(path):
    """（六）其他处理 is printed as one row of zeros (the 2019 layout) in a 2021 table: each of its three
    rows is 0 (counts are never negative), marked as derived and said so."""
    result = imported_pdf(path)
    others = [k for k in FMT.cells if k.startswith("t3.other_")]
    assert result.missing == [] and sorted(result.derived) == sorted(others)
    assert {result.values[k] for k in others} == {0}
    assert any("（六）其他处理" in n and "只印一行" in n for n in result.notes)


def test_hongze_2023_pdf_table4_kept_as_published():
    result = imported_pdf(HONGZE_2023)
    assert (result.agency, result.year) == ("洪泽区人民政府", 2023)
    assert total_column(result, "new total") == [21, 21]
    # As published: 复议 总计 0 although 维持 + 纠正 = 11; 复议后起诉 总计 0 although 维持 = 5.
    assert {k: v for k, v in result.values.items() if k.startswith("t4.")} == figures(
        "t4", T4_KEYS, "10 1 0 0 0 0 0 0 0 0 5 0 0 0 0")
    # These are the figures SOURCES.md lists for szfgs2024.pdf's table 二 (see above).
    assert result.values | figures("t2", T2_KEYS, "0 0 0 0 5 5 550 4119 195 7730.28") == result.values


@pytest.mark.parametrize("path", [HUAIAN, HONGZE_2023, HONGZE_2024], ids=["huaian", "hongze2023", "hongze2024"])
def test_pdf_text_layer_alone_gives_the_same_figures(path):
    """Without table geometry (as text copied from a PDF viewer): split labels, vertical group labels,
    figures printed beside vertically centred labels, page numbers between rows."""
    with_tables = imported_pdf(path)
    text_only = import_document(read_pdf(path, use_tables=False))
    assert text_only.values == with_tables.values
    assert text_only.missing == with_tables.missing


def test_partial_text_extract_places_what_it_has():
    """section3_raw_text.txt: the end of table 二 and 13 rows of table 三, nothing else."""
    result = import_report(SECTION3)
    v = result.values
    assert (v["t2.penalty.decisions"], v["t2.coercion.decisions"], v["t2.fee.amount"]) == (3985758, 88283, 96171.6)
    assert [v[f"t3.new.{c}"] for c in T3_COLUMNS] == [3001, 53, 0, 0, 61, 4, 3119]
    assert [v[f"t3.partial.{c}"] for c in T3_COLUMNS] == [447, 7, 0, 0, 0, 0, 454]
    assert [v[f"t3.unable_no_info.{c}"] for c in T3_COLUMNS] == [746, 12, 0, 0, 10, 1, 769]
    assert "t3.unable_create.total" in result.missing and "t4.review.total" in result.missing
    assert any("2.没有现成信息需要另行制作" in p for p in result.problems)
    assert (result.agency, result.year) == (None, None) and "t4" not in result.tables


def _cell_per_line(text: str) -> str:
    """Every table cell on a line of its own, no tabs, no blank lines: a copy from some web pages."""
    lines = []
    for line in text.split("\n"):
        lines += [c for c in line.split("\t") if c.strip()] if "\t" in line else [line]
    return "\n".join(line.strip() for line in lines if line.strip())


def _spaced_gbk(text: str) -> str:
    """Tabs become spaces, full-width digits, Windows line ends."""
    return text.replace("\t", " ").replace("\n", "\r\n").translate(str.maketrans("0123456789", "０１２３４５６７８９"))


@pytest.mark.parametrize("variant, encoding", [(_cell_per_line, "utf-8"), (_spaced_gbk, "gb18030")],
                         ids=["cell-per-line", "spaces-gb18030"])
@pytest.mark.parametrize("path, expected", [(GULOU_TXT, GULOU), (ZAOZHUANG_TXT, ZAOZHUANG)], ids=["gulou", "zaozhuang"])
def test_other_layouts_of_the_same_text(variant, encoding, path, expected, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_bytes(variant(path.read_text(encoding="utf-8")).encode(encoding))
    result = import_report(copy)
    assert result.values == expected
    assert result.problems == [] and result.narrative == []


# 沭阳县发展和改革局 2023 (a saved web page): 表三 every 法人或其他组织 cell blank, 26 applications made public.
SHUYANG_T3 = table3("\n".join(
    f"{row} {n} _ _ _ _ _ {n}" for row, n in
    [(r, 26 if r in ("new", "public", "total") else 0) for r in T3_ROWS]))


def test_shuyang_web_page_blank_cells_keep_their_columns():
    result = import_report(SHUYANG)
    assert (result.agency, result.year, result.format_id) == ("沭阳县发展和改革局", 2023, "2021")
    assert result.found["agency"].source == "标题" and result.found["format"].source == "表格标签"
    assert result.missing == [] and result.problems == [] and result.narrative == []
    assert {k: v for k, v in result.values.items() if k.startswith("t3.")} == SHUYANG_T3
    assert sorted(result.blanks) == sorted(k for k, v in SHUYANG_T3.items() if v is None)  # 125: 25 rows x 5
    # 表二 prints the 2019 row label 规范性文件 in the 2021 table; 表四 one pending 行政复议
    assert result.values | figures("t2", T2_KEYS, "0 0 0 8 0 18 0 0 0 0") == result.values
    assert result.values | figures("t4", T4_KEYS, "0 0 0 1 1 " + "0 " * 10) == result.values


# 上海市人民政府办公厅 2025, text extracted from its PDF by another tool (read by hand from the text).
SHANGHAI_T3 = table3("""
new 1259 36 0 0 0 0 1295
carried 170 15 0 0 4 0 189
public 201 5 0 0 0 0 206
partial 2 0 0 0 0 0 2
deny_secret 4 0 0 0 0 0 4
deny_law 0 0 0 0 0 0 0
deny_safety 1 0 0 0 0 0 1
deny_third_party 0 0 0 0 0 0 0
deny_internal 8 0 0 0 1 0 9
deny_process 1 0 0 0 0 0 1
deny_enforcement 0 0 0 0 0 0 0
deny_query 5 0 0 0 0 0 5
unable_no_info 484 28 0 0 1 0 513
unable_create 47 1 0 0 0 0 48
unable_unclear 3 0 0 0 0 0 3
reject_complaint 61 1 0 0 0 0 62
reject_repeat 16 0 0 0 0 0 16
reject_publication 1 0 0 0 0 0 1
reject_massive 1 0 0 0 0 0 1
reject_confirm 0 0 0 0 0 0 0
other_overdue 40 1 0 0 2 0 43
other_fee 0 0 0 0 0 0 0
other_misc 264 12 0 0 0 0 276
total 1139 48 0 0 4 0 1191
carry_next 290 3 0 0 0 0 293
""")


def test_shanghai_pdf_extract_rows_realigned_by_the_form():
    """Markdown pipes, （二） label split from its figures, 5.要求… and （六）1、2 printed apart from their
    labels and out of order: placed by the form's row order, and said so. The 表二 rows whose remark cells
    (“22（其中修订16件）”) fell out of the table are reported, not guessed."""
    result = import_report(SHANGHAI)
    assert (result.agency, result.year, result.format_id) == ("上海市人民政府办公厅", 2025, "2021")
    assert result.found["agency"].source == "标题"  # split over two lines
    assert {k: v for k, v in result.values.items() if k.startswith("t3.")} == SHANGHAI_T3
    assert result.values | figures("t4", T4_KEYS, "40 0 10 5 55 2 0 4 6 12 6 0 9 7 22") == result.values
    assert [result.values[f"t2.{r}.decisions"] for r in ("license", "penalty", "coercion")] == [0, 0, 0]
    assert sorted(result.missing) == sorted(f"t2.{r}.{c}" for r in ("regulation", "normative")
                                            for c in ("issued", "repealed", "in_force"))
    assert [p for p in result.problems if "应有3个数字" in p] == [
        p for p in result.problems if "规章" in p or "行政规范性文件" in p]
    [order] = [n for n in result.notes if "行序" in n]
    assert "5.要求行政机关确认" in order and "缴纳费用" in order
    assert result.narrative == []  # 予以公开及部分公开208件, 无法提供564件 … all agree with the sums


@pytest.mark.parametrize("path", sorted(p for p in DATA.iterdir() if p.name != "SOURCES.md"), ids=lambda p: p.name)
def test_copies_are_those_of_the_shared_folder(path):
    """tests/data holds byte-for-byte copies; when ../shared is at hand they are compared with it."""
    originals = [SHARED / "reports" / path.name, SHARED / "reports" / "real" / path.name,
                 SHARED / "peer-reports" / path.name]
    found = [p for p in originals if p.is_file()]
    if not found:
        pytest.skip(f"{path.name}: not in {SHARED}")
    assert hashlib.sha256(found[0].read_bytes()).digest() == hashlib.sha256(path.read_bytes()).digest()


@pytest.fixture(scope="module")
def pdftotext():
    import shutil

    found = shutil.which("pdftotext")
    if found is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return found


@pytest.mark.parametrize("path", [HUAIAN, HONGZE_2023, HONGZE_2024], ids=["huaian", "hongze2023", "hongze2024"])
def test_pdf_text_of_another_tool(path, pdftotext, tmp_path):
    """pdftotext -layout keeps rows on their lines: every figure as from the PDF. Plain pdftotext prints the
    table column after column: rows are placed only where certain, and no placed figure differs."""
    import subprocess

    from_pdf = imported_pdf(path).values
    layout, raw = tmp_path / "layout.txt", tmp_path / "raw.txt"
    subprocess.run([pdftotext, "-layout", str(path), str(layout)], check=True)
    subprocess.run([pdftotext, str(path), str(raw)], check=True)
    assert import_report(layout).values == from_pdf
    columns = import_report(raw).values
    assert {k: v for k, v in columns.items() if from_pdf.get(k) != v} == {}
