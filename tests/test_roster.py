"""The roster (名单): columns found by their headings wherever the table starts, a clear Chinese
refusal when no column is headed like agency names, and no csv traceback on an overlong field."""
from __future__ import annotations

import pytest

from consolidate_support import roster_rows
from xxgk.consolidate.roster import read_roster
from xxgk.errors import ReadError

CODE = "11320100MB1234567X"


@pytest.mark.parametrize("heading", ["单位全称", "机构名称", "名称", "部门名称", "报送单位名称", "单位名称（全称）*",
                                     " 机关 全称 "])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_name_column_is_found_by_its_heading_not_its_place(tmp_path, heading, suffix):
    rows = [["序号", heading, "统一社会信用代码"], [1, "甲局", CODE], [2, "乙局", ""]]
    entries = read_roster(roster_rows(tmp_path / f"r{suffix}", rows))
    assert [(e.name, e.credit_code) for e in entries] == [("甲局", CODE), ("乙局", "")]


@pytest.mark.parametrize("code_heading", ["统一社会信用代码", "信用代码", "社会信用代码（18位）"])
def test_a_title_above_the_table_and_the_code_column_by_heading(tmp_path, code_heading):
    rows = [["2025 年度政府信息公开工作年度报告报送单位名单", "", ""], ["", "", ""],
            [code_heading, "备注", "单位全称"], [CODE, "", "甲局"]]
    entries = read_roster(roster_rows(tmp_path / "r.xlsx", rows))
    assert [(e.name, e.credit_code) for e in entries] == [("甲局", CODE)]


def test_no_name_heading_is_a_clear_refusal_never_the_first_column(tmp_path):
    rows = [["序号", "单位代号", "联系人"], ["1", "甲局", "张三"], ["2", "乙局", "李四"]]
    with pytest.raises(ReadError, match="找不到单位名称所在的列.*“序号”、“单位代号”、“联系人”.*单位全称") as err:
        read_roster(roster_rows(tmp_path / "r.csv", rows))
    assert "r.csv" in str(err.value)


def test_a_bare_list_of_names_needs_no_heading(tmp_path):
    assert [e.name for e in read_roster(roster_rows(tmp_path / "r.csv", [["甲局"], ["乙局"]]))] == ["甲局", "乙局"]


@pytest.mark.parametrize("text", [
    "单位名称\n甲局\n" + "乙" * 140_000 + "\n",  # one field past csv's 131,072 characters
    '单位名称\n"甲局\n' + "乙局\n" * 70_000,  # an unclosed quote swallowing the rest
], ids=["long field", "open quote"])
def test_an_overlong_csv_field_is_a_chinese_message(tmp_path, text):
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError, match="无法按 CSV 读取.*引号"):
        read_roster(path)
