"""Importing the real published reports in ../shared (skipped when the folder is absent).

Expected figures were read by hand from the texts (reports/*.txt) and from
SOURCES.md's hand-checked figures for the PDFs (peer-reports/*.pdf).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from xxgk.formats import get_format
from xxgk.importer import import_document, import_report
from xxgk.importer.pdfsource import read_pdf

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared folder {SHARED} is absent")
REPORTS = SHARED / "reports"
PEERS = SHARED / "peer-reports"
GULOU_TXT = REPORTS / "2023-jining-yanzhou-gulou.txt"
ZAOZHUANG_TXT = REPORTS / "2023-zaozhuang-shizhong-govoffice.txt"
HUAIAN = PEERS / "szfgs2024.pdf"
HONGZE_2023 = PEERS / "hzq2023_working.pdf"
HONGZE_2024 = PEERS / "hzq2024_working.pdf"
FMT = get_format("2021")
T3_ROWS = [r.key for r in FMT.table("t3").blocks[0].rows]
T3_COLUMNS = [c.key for c in FMT.table("t3").blocks[0].columns]


def table3(text: str) -> dict[str, int]:
    """Rows of ``row-key n n n n n n n`` (the 7 columns in printed order) to cell values."""
    values = {}
    for line in text.strip().splitlines():
        row, *figures = line.split()
        assert len(figures) == 7, line
        values.update({f"t3.{row}.{c}": int(f) for c, f in zip(T3_COLUMNS, figures)})
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
    result = import_report(HUAIAN)
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
    result = import_report(HONGZE_2024)
    assert (result.agency, result.year, result.format_id) == ("淮安市洪泽区人民政府", 2024, "2021")
    assert total_column(result, "new carried total carry_next") == [95, 0, 95, 0]
    assert result.values | figures("t4", T4_KEYS, "1 1 0 0 2 1 0 0 0 1 2 0 1 0 3") == result.values
    assert result.values | figures("t2", T2_KEYS, "0 0 0 3 0 8 9487 2776 84 7545") == result.values
    assert_table3_adds_up(result, [r for r in T3_ROWS if not r.startswith("other_")])
    # The text says 17 applications; the table says 95: a real inconsistency of the published report.
    [finding] = result.narrative
    assert (finding.rule_id, finding.severity, finding.cells) == ("叙述-一致", "warning", ("t3.new.total",))
    assert (finding.actual, finding.expected) == ("17", "95") and "17件" in finding.message


@pytest.mark.parametrize("path", [HONGZE_2023, HONGZE_2024], ids=["2023", "2024"])
def test_hongze_prints_other_handling_as_one_row(path):
    """（六）其他处理 is printed as one row (the 2019 layout) in a 2021 table: its sub-rows are not guessed."""
    result = import_report(path)
    others = [k for k in FMT.cells if k.startswith("t3.other_")]
    assert sorted(result.missing) == sorted(others)
    assert any("其他处理" in p and "0 0 0 0 0 0 0" in p for p in result.problems)


def test_hongze_2023_pdf_table4_kept_as_published():
    result = import_report(HONGZE_2023)
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
    with_tables = import_report(path)
    text_only = import_document(read_pdf(path, use_tables=False))
    assert text_only.values == with_tables.values
    assert text_only.missing == with_tables.missing


def test_partial_text_extract_places_what_it_has():
    """section3_raw_text.txt: the end of table 二 and 13 rows of table 三, nothing else."""
    result = import_report(PEERS / "section3_raw_text.txt")
    v = result.values
    assert (v["t2.penalty.decisions"], v["t2.coercion.decisions"], v["t2.fee.amount"]) == (3985758, 88283, 96171.6)
    assert [v[f"t3.new.{c}"] for c in T3_COLUMNS] == [3001, 53, 0, 0, 61, 4, 3119]
    assert [v[f"t3.partial.{c}"] for c in T3_COLUMNS] == [447, 7, 0, 0, 0, 0, 454]
    assert [v[f"t3.unable_no_info.{c}"] for c in T3_COLUMNS] == [746, 12, 0, 0, 10, 1, 769]
    assert "t3.unable_create.total" in result.missing and "t4.review.total" in result.missing
    assert any("2.没有现成信息需要另行制作" in p for p in result.problems)


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
