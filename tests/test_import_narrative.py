"""The text of a report checked against its tables, and the pattern table itself."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from import_fixtures import report_parts, write_docx
from xxgk.formats import FORMATS, get_format
from xxgk.importer import import_report
from xxgk.importer.document import clean_text
from xxgk.importer.narrative import sentences
from xxgk.importer.narrative_patterns import FIGURE_PATTERNS, YEAR_PATTERNS
from xxgk.model import FormData
from xxgk.samples import table_values

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared folder {SHARED} is absent")
GULOU = SHARED / "reports/2023-jining-yanzhou-gulou.txt"
ZAOZHUANG = SHARED / "reports/2023-zaozhuang-shizhong-govoffice.txt"


def edited(source: Path, tmp: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp / source.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@needs_shared
def test_stated_applications_differ_from_table(tmp_path):
    result = import_report(edited(GULOU, tmp_path, "收到依申请公开**1**件", "收到依申请公开**3**件"))
    [finding] = result.narrative
    assert (finding.rule_id, finding.severity) == ("叙述-一致", "warning")
    assert finding.cells == ("t3.new.total",) and (finding.actual, finding.expected) == ("3", "1")
    assert "街道收到依申请公开3件" in finding.message  # the sentence
    assert "表三 · 一、本年新收政府信息公开申请数量 × 总计为1" in finding.message  # the cell
    assert result.values["t3.new.total"] == 1 and result.problems == []  # the table is not touched


@needs_shared
def test_stated_answers_differ_from_table(tmp_path):
    result = import_report(edited(ZAOZHUANG, tmp_path, "答复28件", "答复29件"))
    assert [(f.cells, f.actual, f.expected) for f in result.narrative] == [(("t3.total.total",), "29", "28")]


@needs_shared
def test_statistics_period_of_another_year(tmp_path):
    result = import_report(edited(GULOU, tmp_path, "统计期限自 2023 年", "统计期限自 2022 年"))
    [finding] = result.narrative
    assert (finding.rule_id, finding.cells, finding.actual, finding.expected) == ("叙述-年度", ("cover.year",), "2022", "2023")
    assert "统计期限" in finding.message and "2023年" in finding.message


@needs_shared
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


@pytest.mark.parametrize("pattern", FIGURE_PATTERNS, ids=lambda p: p.id)
def test_every_figure_pattern_finds_its_example(pattern):
    assert any(all(key in fmt.cells for key in pattern.cells) for fmt in FORMATS.values())
    found = [int(m.group("n")) for s in sentences(clean_text(pattern.example)) for m in re.finditer(pattern.regex, s)]
    assert found == [7]


def test_patterns_do_not_read_unrelated_figures():
    """Sentences from real reports that state other things must not be taken for table figures."""
    unrelated = [
        "2023年，区政府办公室共办理依申请公开27件，较上年增加10件。",  # 办理, not 收到/受理
        "市政府及市政府办政策性文件11件",  # 政策性, not 规范性
        "除1件需转2024年办理外，基本做到当年件，当年清。",
        "未收到人大代表建议和政协委员提案。",
        "全年收取政府信息公开信息处理费3940元。",
    ]
    for text in unrelated:
        for sentence in sentences(clean_text(text)):
            hits = [p.id for p in (*FIGURE_PATTERNS, *YEAR_PATTERNS) if re.search(p.regex, sentence)]
            assert hits == [], (text, hits)


@needs_shared
def test_result_as_form_data():
    result = import_report(ZAOZHUANG)
    form = result.to_form_data()
    assert isinstance(form, FormData) and form.format_id == "2021"
    assert set(form.values) == set(get_format("2021").cells) | {"cover.agency", "cover.year"}
    assert form.values["t3.total.total"] == 28 and form.values["cover.agency"] == "市中区人民政府办公室"
