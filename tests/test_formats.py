"""The national formats as data: shapes and labels as DESIGN.md §1 gives them."""
from __future__ import annotations

import re

import pytest

from xxgk.formats import FORMATS, Kind, defined_name, format_for_year, get_format

T3_COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
T4_COLUMNS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def table(fid, key):
    return get_format(fid).table(key)


@pytest.mark.parametrize("fid,rows", [("2021", 25), ("2019", 23)])
def test_table3_shape(fid, rows):
    (block,) = table(fid, "t3").blocks
    assert len(block.rows) == rows
    assert [c.label for c in block.columns] == T3_COLUMNS
    assert [c.path for c in block.columns][1:6] == [("法人或其他组织",)] * 5
    assert block.rows[0].label == "一、本年新收政府信息公开申请数量"
    assert block.rows[-2].label == "（七）总计" and block.rows[-1].label == "四、结转下年度继续办理"
    assert table(fid, "t3").note == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def test_table3_other_processing_differs():
    other_2021 = [r for r in table("2021", "t3").blocks[0].rows if "（六）其他处理" in r.path]
    assert len(other_2021) == 3 and other_2021[-1].label == "3.其他"
    assert [r.label for r in table("2019", "t3").blocks[0].rows if r.label == "（六）其他处理"] == ["（六）其他处理"]


@pytest.mark.parametrize("fid", FORMATS)
def test_table4_has_fifteen_columns_in_three_blocks(fid):
    t4 = table(fid, "t4")
    cells = [c for c in get_format(fid).cells.values() if c.table is t4]
    assert len(cells) == 15
    assert [r.label for r in t4.blocks[0].rows] == ["行政复议", "未经复议直接起诉", "复议后起诉"]
    assert [c.label for c in t4.blocks[0].columns] == T4_COLUMNS
    assert t4.wide


def test_table2_blocks_2021():
    blocks = table("2021", "t2").blocks
    assert [b.label for b in blocks] == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    assert [r.label for r in blocks[0].rows] == ["规章", "行政规范性文件"]
    assert [c.label for c in blocks[0].columns] == ["本年制发件数", "本年废止件数", "现行有效件数"]
    assert [r.label for r in blocks[2].rows] == ["行政处罚", "行政强制"]
    (money,) = blocks[3].columns
    assert money.label == "本年收费金额（单位：万元）" and money.kind is Kind.WAN


def test_table2_blocks_2019():
    blocks = table("2019", "t2").blocks
    assert [b.label for b in blocks][-1] == "第二十条第（九）项"
    assert [c.label for c in blocks[1].columns] == ["上一年项目数量", "本年增/减", "处理决定数量"]
    assert [r.label for r in blocks[1].rows] == ["行政许可", "其他对外管理服务事项"]
    assert [c.kind for c in blocks[1].columns] == [Kind.COUNT, Kind.SIGNED, Kind.COUNT]
    assert [c.label for c in blocks[3].columns] == ["上一年项目数量", "本年增/减"]
    assert [(c.label, c.kind) for c in blocks[4].columns] == [("采购项目数量", Kind.COUNT), ("采购总金额", Kind.MONEY)]


@pytest.mark.parametrize("fid", FORMATS)
def test_keys_and_names_are_unique_ascii(fid):
    fmt = get_format(fid)
    keys = [*fmt.cells, *fmt.cover_fields]
    assert len(keys) == len(set(keys))
    names = [defined_name(k) for k in keys]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9_.]+", k) for k in keys)
    assert all(re.fullmatch(r"xxgk_[a-z0-9_]+", n) for n in names)


@pytest.mark.parametrize("fid", FORMATS)
def test_totals_add_up_their_group(fid):
    fmt = get_format(fid)
    totals = [c for c in fmt.cells.values() if c.is_total]
    rows = len(fmt.group("t3", "rows"))
    assert len(totals) == rows + 7 - 1 + 3  # 总计 column, （七）总计 row (corner once), table 四
    for cell in totals:
        assert all(part in fmt.cells and not part == cell.key for part in cell.total_of)


@pytest.mark.parametrize("year,fid", [(2019, "2019"), (2020, "2019"), (2021, "2021"), (2030, "2021"), (2018, None)])
def test_format_for_year(year, fid):
    found = format_for_year(year)
    assert (found.id if found else None) == fid


def test_totals_are_computed_like_spreadsheet_sum():
    from xxgk.formats.totals import computed_totals, spreadsheet_sum
    from xxgk.model import CellError

    assert spreadsheet_sum([1, "５", None, True, 2.5]) == 3.5
    assert spreadsheet_sum([0.1, 0.2]) == 0.3
    assert spreadsheet_sum([1, CellError("#REF!")]) == CellError("#REF!")
    fmt = get_format("2021")
    values = {f"t3.new.{c}": 1 for c in fmt.group("t3", "applicants")}
    values["t3.new.total"] = 99  # a typed-over total is kept unless it is asked for
    assert computed_totals(fmt, values, {"t3.total.total"}) == {"t3.total.total": 0}
    assert computed_totals(fmt, values)["t3.new.total"] == 6
    kept = computed_totals(fmt, {**values, "t3.total.natural": 5}, {"t3.total.total"})
    assert kept == {"t3.total.total": 5}
