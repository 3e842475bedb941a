"""Published reports as they really are: real reports (tests/data/reports) changed the ways published
reports differ import to the same figures, and audit to exactly the findings the change deserves.

Each case changes one thing of a real report (tests/published_support.py): blank cells written as
&nbsp;, left empty or as “/”; merged blank areas (colspan, rowspan); markdown pipes; labels apart from
their figures; figures one per line; “/” placeholders; amounts in 元; traditional characters; titles of
other shapes; compound narrative figures; rows lost in extraction that the table's equalities fix.
"""
from __future__ import annotations

import re

import pytest

from import_fixtures import report_parts, write_html
from published_support import (GULOU, SHANGHAI, SHUYANG, TABLE2_2019_FIGURES, ZAOZHUANG, as_2019, as_markdown,
                               blank_cells, label_then_figures, shanghai_2019_html,
                               merge_blank_columns, merge_blank_run, one_per_line, replace_once, rewrite_rows,
                               set_row_cells, tab_rows, traditional, zeros_as)
from xxgk.audit import audit_report
from xxgk.formats import get_format
from xxgk.rules import load_rules
from xxgk.samples import agency_values

FMT = get_format("2021")
T3 = "本年新收"  # marks 表三 in the 沭阳 page


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def audited(tmp_path, name: str, text: str, rules):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = audit_report(path, rules)
    assert result.error is None, result.error
    return result


def figures(result) -> dict:
    return {k: result.report.form.values[k] for k in get_format(result.report.form.format_id).cells}


def found(result) -> set[str]:
    return {f.instance_id for f in result.report.findings}


@pytest.fixture(scope="module")
def shuyang(rules, tmp_path_factory):
    html = SHUYANG.read_text(encoding="utf-8")
    return html, figures(audited(tmp_path_factory.mktemp("base"), "base.html", html, rules))


def same_as_published(result, expected: dict) -> None:
    assert figures(result) == expected
    assert found(result) == set() and result.report.form.format_id == "2021"
    assert (result.imported.agency, result.imported.year) in {("沭阳县发展和改革局", 2023),
                                                               ("济宁市兖州区鼓楼街道办事处", 2023)}


@pytest.mark.parametrize("blank", ["&nbsp;", "", "/", "—", "无", "<p>&nbsp;</p><p> </p>"],
                         ids=["nbsp", "empty", "slash", "dash", "none-word", "paragraphs"])
def test_blank_cells_of_every_kind_read_as_zero(blank, shuyang, rules, tmp_path):
    html, expected = shuyang
    result = audited(tmp_path, "r.html", blank_cells(html, lambda attrs: f"<td{attrs}>{blank}</td>"), rules)
    same_as_published(result, expected)
    assert len(result.imported.blanks) == 125 and "t3.new.business" in result.imported.blanks
    assert result.report.form.problems[0] == "原文留空 125 格，按 0 计（表三 125 格）。"


def test_merged_blank_areas_keep_every_column(shuyang, rules, tmp_path):
    html, expected = shuyang
    across = rewrite_rows(html, T3, lambda i, row: merge_blank_run(row, 5))  # one <td colspan=5> per row
    same_as_published(audited(tmp_path, "colspan.html", across, rules), expected)
    down = merge_blank_columns(html, T3, 3, slice(1, 6))  # five <td rowspan=25> in the first data row
    result = audited(tmp_path, "rowspan.html", down, rules)
    same_as_published(result, expected)
    assert len(result.imported.blanks) == 125


def test_blanks_between_and_after_figures_keep_their_columns(shuyang, rules, tmp_path):
    """The issue's row 40 | 3 | | | 1 | | 44, and a row whose last cells are blank."""
    html, _ = shuyang
    changed = html
    for index in (3, 5, 26):  # 一、本年新收, （一）予以公开, （七）总计
        changed = set_row_cells(changed, T3, index, ["40", "3", "", "", "1", "", "44"])
    changed = set_row_cells(changed, T3, 4, ["", "", "", "", "", "", ""])  # 二、上年结转 all blank
    result = audited(tmp_path, "row.html", changed, rules)
    values = result.report.form.values
    assert [values[f"t3.new.{c}"] for c in FMT.group("t3", "columns")] == [40, 3, 0, 0, 1, 0, 44]
    assert [values[f"t3.carried.{c}"] for c in FMT.group("t3", "columns")] == [0] * 7
    assert found(result) == {"叙述-一致:新收申请:t3.new.total:26"}  # the text still says 26


def test_a_blank_total_hiding_its_parts_is_one_finding_naming_the_row(shuyang, rules, tmp_path):
    html, _ = shuyang
    result = audited(tmp_path, "r.html", set_row_cells(html, T3, 3, ["26", "", "", "", "", "", ""]), rules)
    [finding] = result.report.findings
    assert (finding.rule_id, finding.severity, finding.cells[0]) == ("原文留空", "error", "t3.new.total")
    assert "一、本年新收政府信息公开申请数量" in finding.message and "26" in finding.message
    zero_parts = set_row_cells(html, T3, 4, ["0", "", "", "", "", "", ""])  # parts add up to 0: no finding
    assert found(audited(tmp_path, "zero.html", zero_parts, rules)) == set()


def test_traditional_characters(shuyang, rules, tmp_path):
    html, expected = shuyang
    result = audited(tmp_path, "trad.html", traditional(html), rules)
    same_as_published(result, expected)
    assert "原文为繁体字，已转换为简体后导入。" in result.imported.notes
    text = traditional(ZAOZHUANG.read_text(encoding="utf-8"))
    assert audited(tmp_path, "trad.txt", text, rules).imported.agency == "市中区人民政府办公室"


@pytest.fixture(scope="module")
def gulou(rules, tmp_path_factory):
    text = GULOU.read_text(encoding="utf-8")
    return text, figures(audited(tmp_path_factory.mktemp("base"), "base.txt", text, rules))


@pytest.mark.parametrize("layout", [as_markdown, label_then_figures, one_per_line], ids=lambda f: f.__name__)
def test_text_layouts_of_the_same_tables(layout, gulou, rules, tmp_path):
    text, expected = gulou
    same_as_published(audited(tmp_path, "r.txt", tab_rows(text, layout), rules), expected)


@pytest.mark.parametrize("mark", ["/", "—", "-"])
def test_placeholders_for_none(mark, gulou, rules, tmp_path):
    text, expected = gulou
    result = audited(tmp_path, "r.txt", tab_rows(text, zeros_as(mark)), rules)
    same_as_published(result, expected)
    assert result.report.form.problems[0] == "原文留空 194 格，按 0 计（表二 10 格、表三 169 格、表四 15 格）。"


@pytest.mark.parametrize("printed, wan, noted", [("38000元", 3.8, True), ("12.5万元", 12.5, False),
                                                 ("0.00", 0, False)])
def test_amounts_with_their_unit(printed, wan, noted, gulou, rules, tmp_path):
    text, _ = gulou
    result = audited(tmp_path, "r.txt", replace_once(text, "行政事业性收费\t0", f"行政事业性收费\t{printed}"), rules)
    assert result.report.form.values["t2.fee.amount"] == wan and found(result) == set()
    assert any("38000 元，已换算为 3.8 万元" in n for n in result.imported.notes) == noted


TITLE = "2023 年政府信息公开工作年度报告"
AGENCY = "济宁市兖州区鼓楼街道办事处"


@pytest.mark.parametrize("title, sources", [
    (f"{AGENCY} 2023 年度信息公开工作年度报告", ("标题", "标题")),  # spaces, no 政府
    ("2023 年政府信息公开\n工作年度报告", ("标题", "标题")),  # split over two lines
    ("二〇二三年政府信息公开工作年度报告", ("标题", "标题")),
    ("", ("首段", "统计期限")),  # no title: 本报告由…编制, 统计期限自 2023 年
    (None, ("首段", "首段")),  # no title, no 统计期限: “现将…2023年度政务公开工作报告如下”
], ids=["spaces", "two-lines", "chinese-numerals", "none", "first-paragraph-only"])
def test_titles_of_every_shape(title, sources, gulou, rules, tmp_path):
    text, expected = gulou
    if not title:
        text = text.replace(AGENCY + "\n", "", 1)
    if title is None:
        title = ""
        text = replace_once(text, "本报告所列数据的统计期限自 2023 年 1 月 1 日起至 2023 年 12 月 31 日止。",
                            f"现将{AGENCY}2023年度政务公开工作报告如下。")
    result = audited(tmp_path, "r.txt", replace_once(text, TITLE, title), rules)
    same_as_published(result, expected)
    assert (result.imported.found["agency"].source, result.imported.found["year"].source) == sources


def test_a_year_stated_elsewhere_that_differs_is_a_warning(gulou, rules, tmp_path):
    text, _ = gulou
    result = audited(tmp_path, "r.txt", replace_once(text, "统计期限自 2023 年", "统计期限自 2022 年"), rules)
    [finding] = result.report.findings
    assert (finding.rule_id, finding.severity, finding.actual, finding.expected) == ("叙述-年度", "warning", "2022", "2023")
    assert "统计期限" in finding.message and "2022年1月1日" in finding.message


def test_rows_lost_in_extraction_are_derived_from_the_equalities(gulou, rules, tmp_path):
    """Both 表三 totals rows gone: （七）总计 follows from 三-总计行, then 四、结转下年度 from 三-勾稽."""
    text, expected = gulou
    lines = [line for line in text.split("\n") if not line.startswith(("(七) 总计", "四、结转下年度"))]
    result = audited(tmp_path, "r.txt", "\n".join(lines), rules)
    assert figures(result) == expected and found(result) == set()
    derived = {d for d in result.published.derived}
    assert derived == {f"t3.{r}.{c}" for r in ("total", "carry_next") for c in FMT.group("t3", "columns")}
    assert any(n.startswith("未能从原文导入的 14 格由表格的勾稽关系推算得出") for n in result.report.form.problems)


def test_shanghai_extract_with_its_layout_changed_again(rules, tmp_path):
    """The PDF extract without pipes (cells separated by spaces) and with every figure on its own line."""
    text = SHANGHAI.read_text(encoding="utf-8")
    base = audited(tmp_path, "base.txt", text, rules)
    spaced = "\n".join(" ".join(c.strip() for c in line.strip().strip("|").split("|")) if line.startswith("|")
                       else line for line in text.split("\n") if not line.startswith("|---"))
    per_line = "\n".join("\n".join(line.split()) if sum(w.isdigit() for w in line.split()) >= 3 else line
                         for line in spaced.split("\n"))
    for name, changed in (("spaces", spaced), ("per-line", per_line)):
        result = audited(tmp_path, f"{name}.txt", changed, rules)
        assert figures(result) == figures(base), name
        assert found(result) == found(base) == {"导入-缺失@t2.regulation", "导入-缺失@t2.normative"}, name


def test_the_2019_layout_in_a_2021_year_and_signed_changes(rules, tmp_path):
    """Detected from the table; the year then does not fit the form (格式-年度); 本年增/减 may be negative."""
    fmt = get_format("2019")
    values = agency_values(fmt, "某某区司法局", 2022, 3)
    values["t2.license.change"] = -4
    values["t2.license.prev_items"] = 10
    path = write_html(tmp_path / "r.html", report_parts(fmt, values, "某某区司法局", 2022, []))
    result = audit_report(path, rules)
    assert result.report.form.format_id == "2019" and result.imported.found["format"].source == "表格标签"
    assert result.report.form.values["t2.license.change"] == -4
    assert {f.instance_id for f in result.report.errors} == {"格式-年度"}
    assert any("表格标签属于2019年格式" in p for p in result.imported.problems)


@pytest.mark.parametrize("year, errors", [(2020, set()), (2023, {"格式-年度"})])
def test_a_real_report_in_the_2019_layout(year, errors, gulou, rules, tmp_path):
    """Detected from its labels; signed 本年增/减 (−2, +1) kept; （六）其他处理 one row; in a 2021-format year
    the format does not fit the year (格式-年度) and the import says so."""
    text, expected = gulou
    result = audited(tmp_path, "r.txt", as_2019(text, year), rules)
    assert (result.report.form.format_id, result.imported.found["format"].source) == ("2019", "表格标签")
    assert result.imported.year == year and result.imported.missing == []
    assert {k: v for k, v in figures(result).items() if k.startswith("t2.")} == TABLE2_2019_FIGURES
    assert {k: v for k, v in figures(result).items() if k.startswith(("t3.", "t4."))} == {
        k: v for k, v in expected.items() if k.startswith(("t3.", "t4.")) and not k.startswith("t3.other_")} | {
        f"t3.other.{c}": 0 for c in FMT.group("t3", "columns")}
    assert {f.instance_id for f in result.report.errors} == errors
    assert any("按表格标签导入" in p for p in result.imported.problems) == bool(errors)


def test_a_2019_web_page_whose_totals_are_left_blank(rules, tmp_path):
    """上海市人民政府办公厅 2019 as its page prints it: each 总计 left blank over parts that are not 0 is
    one finding naming its row (and stands in as the parts' sum for the other checks, which then pass);
    表四's trailing blank cells keep their columns; the text's compound figures that disagree are warnings."""
    result = audited(tmp_path, "sh2019.html", shanghai_2019_html(), rules)
    values = result.report.form.values
    assert (result.report.form.format_id, result.imported.agency, result.imported.year) == (
        "2019", "上海市人民政府办公厅", 2019)
    blank_totals = {"public", "partial", "deny_secret", "deny_internal", "deny_process", "deny_query", "unable_no_info",
                    "unable_create", "unable_unclear", "reject_complaint", "reject_repeat"}
    assert {f.instance_id for f in result.report.errors} == {f"原文留空@t3.{r}.total" for r in blank_totals}
    assert {(f.rule_id, f.actual, f.expected) for f in result.report.warnings} == {
        ("叙述-一致", "258", "275"), ("叙述-一致", "265", "337")}
    assert values["t3.public.total"] == 272 and values["t3.total.total"] == 805
    assert [values[f"t4.{r}.total"] for r in ("review", "direct", "after")] == [7, 9, 0]
    assert (values["t2.procurement.amount"], values["t2.regulation.public_total"]) == (251000, 524)


def test_a_report_whose_tables_are_all_blank_is_audited_not_refused(shuyang, rules, tmp_path):
    """Every figure cell left blank (an office with nothing to report): three tables of zeros, noted."""
    html, _ = shuyang
    start, end = html.index("二、主动公开政府信息情况"), html.index("五、存在的主要问题")
    html = html[:start] + re.sub(r">\s*\d+\s*<", "><", html[start:end]) + html[end:]
    result = audited(tmp_path, "blank.html", html, rules)
    assert result.imported.missing == [] and result.imported.tables == ["t2", "t3", "t4"]
    assert set(figures(result).values()) == {0} and found(result) == {"叙述-一致:新收申请:t3.new.total:26"}
    assert result.report.form.problems[0] == "原文留空 200 格，按 0 计（表二 10 格、表三 175 格、表四 15 格）。"
