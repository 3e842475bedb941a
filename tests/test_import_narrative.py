"""The text of a report checked against its tables, and the pattern table itself."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from import_fixtures import report_parts, write_docx
from published_support import GULOU, ZAOZHUANG
from xxgk.formats import FORMATS, get_format
from xxgk.importer import import_report
from xxgk.importer.document import clean_text
from xxgk.importer.narrative import sentences, stated_figures
from xxgk.importer.narrative_patterns import AFTER_TERMS, TERMS
from xxgk.model import FormData
from xxgk.samples import table_values


def edited(source: Path, tmp: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp / source.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_stated_applications_differ_from_table(tmp_path):
    result = import_report(edited(GULOU, tmp_path, "收到依申请公开**1**件", "收到依申请公开**3**件"))
    [finding] = result.narrative
    assert (finding.rule_id, finding.severity) == ("叙述-一致", "warning")
    assert finding.cells == ("t3.new.total",) and (finding.actual, finding.expected) == ("3", "1")
    assert "街道收到依申请公开3件" in finding.message  # the sentence
    assert "表三 · 一、本年新收政府信息公开申请数量 × 总计为1" in finding.message  # the cell
    assert result.values["t3.new.total"] == 1 and result.problems == []  # the table is not touched


def test_stated_answers_differ_from_table(tmp_path):
    result = import_report(edited(ZAOZHUANG, tmp_path, "答复28件", "答复29件"))
    assert [(f.cells, f.actual, f.expected) for f in result.narrative] == [(("t3.total.total",), "29", "28")]


def test_statistics_period_of_another_year(tmp_path):
    result = import_report(edited(GULOU, tmp_path, "统计期限自 2023 年", "统计期限自 2022 年"))
    [finding] = result.narrative
    assert (finding.rule_id, finding.cells, finding.actual, finding.expected) == ("叙述-年度", ("cover.year",), "2022", "2023")
    assert "统计期限" in finding.message and "2023年" in finding.message


def test_no_comparison_with_a_cell_not_imported(tmp_path):
    """The new-applications row lost a figure: the sentence about it has nothing to be compared with."""
    text = GULOU.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("一、本年新收"))
    path = tmp_path / "r.txt"
    path.write_text(text.replace(row, row.rsplit("\t", 1)[0]).replace("**1**件", "**5**件"), encoding="utf-8")
    result = import_report(path)
    assert "t3.new.total" in result.missing and result.narrative == []


def test_sum_of_cells_in_a_generated_report(tmp_path):
    """行政诉讼 in the text is the sum of two table cells (direct and after review)."""
    fmt = get_format("2021")
    values = table_values(fmt, random.Random(5))
    suits = values["t4.direct.total"] + values["t4.after.total"]
    parts = report_parts(fmt, values, "某某区司法局", 2023, [f"政府信息公开行政诉讼{suits + 2}件。"])
    result = import_report(write_docx(tmp_path / "r.docx", parts))
    [finding] = result.narrative
    assert finding.cells == ("t4.direct.total", "t4.after.total")
    assert (finding.actual, finding.expected) == (str(suits + 2), str(suits)) and "等2格之和" in finding.message


def claims(text: str, format_id: str = "2021") -> list[tuple[int, tuple[str, ...]]]:
    return [(n, ids) for s in sentences(clean_text(text)) for n, _, _, ids, _ in stated_figures(s, format_id)]


@pytest.mark.parametrize("term", TERMS + AFTER_TERMS, ids=lambda t: t.id)
def test_every_term_claims_its_example(term):
    formats = [fid for fid in FORMATS if claims(term.example, fid)]
    assert formats, term.example
    assert (7, term.id) in [(n, ids[-1]) for n, ids in claims(term.example, formats[0])]


def test_terms_do_not_read_unrelated_figures():
    """Sentences from real reports that state other things must not be taken for table figures."""
    unrelated = [
        "2023年，区政府办公室共办理依申请公开27件，较上年增加10件。",  # 办理, not 收到/受理
        "市政府及市政府办政策性文件11件",  # 政策性, not 规范性
        "除1件需转2024年办理外，基本做到当年件，当年清。",
        "未收到人大代表建议和政协委员提案。",
        "全年收取政府信息公开信息处理费3940元。",
        "全年受理网络问政182件，答复网民留言300件。",
        "其他处理319件（26.78%，含申请人主动撤回157件）",  # 157: no term claims it
        "全市累计发布政策解读短视频近300个，人事任免文件196件。",
    ]
    for text in unrelated:
        found = [c for c in claims(text) if c[0] != 319]
        assert found == [], (text, found)


def test_compound_statements_state_sums_never_one_row():
    """上海 2025: “予以公开及部分公开208件” is 予以公开 + 部分公开; “因本机关不掌握等原因无法提供564件” all of （四）."""
    text = ("其中，予以公开及部分公开208件（17.46%），不予公开20件（1.68%），因本机关不掌握等原因无法提供564件"
            "（47.36%），属信访、重复申请等不予处理80件（6.72%），其他处理319件。")
    found = {n: cells for s in sentences(clean_text(text)) for n, cells, _, _, _ in stated_figures(s, "2021")}
    fmt = get_format("2021")
    assert found[208] == ("t3.public.total", "t3.partial.total")
    assert found[564] == tuple(f"t3.{r}.total" for r in ("unable_no_info", "unable_create", "unable_unclear"))
    assert found[80] == tuple(f"t3.{r.key}.total" for r in fmt.table("t3").blocks[0].rows if r.key.startswith("reject"))
    assert found[319] == ("t3.other_overdue.total", "t3.other_fee.total", "t3.other_misc.total")
    assert claims(text, "2019")[-1] == (319, ("其他处理",))  # one row in 2019


def test_compound_statement_that_disagrees_is_a_warning_quoting_it(tmp_path):
    result = import_report(edited(GULOU, tmp_path, "收到依申请公开**1**件", "收到依申请公开**1**件，其中予以公开及部分公开3件"))
    [finding] = result.narrative
    assert finding.cells == ("t3.public.total", "t3.partial.total") and (finding.actual, finding.expected) == ("3", "1")
    assert "予以公开及部分公开3件" in finding.message and "等2格之和" in finding.message
    agreeing = import_report(edited(GULOU, tmp_path, "收到依申请公开**1**件", "收到依申请公开**1**件，其中予以公开及部分公开1件"))
    assert agreeing.narrative == []


def test_a_long_clause_costs_time_in_proportion_to_its_length():
    """Each figure looks at a bounded window: a clause of 60,000 repetitions is read, not backtracked."""
    sentence = "行政复议" * 60_000 + "结果维持3件"
    assert stated_figures(sentence, "2021") == [(3, ("t4.review.upheld",), "行政复议结果维持", ("复议维持",), ())]


def test_result_as_form_data():
    result = import_report(ZAOZHUANG)
    form = result.to_form_data()
    assert isinstance(form, FormData) and form.format_id == "2021"
    assert set(form.values) == set(get_format("2021").cells) | {"cover.agency", "cover.year"}
    assert form.values["t3.total.total"] == 28 and form.values["cover.agency"] == "市中区人民政府办公室"
