"""The consolidation policy and its parts, on real workbooks built with the template builder:
discovery, identity, duplicates, year and format, roster matching; plus the library API."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from xxgk.consolidate import consolidate
from xxgk.consolidate.discover import discover
from xxgk.consolidate.identity import code_key, date_of, name_key, year_of
from xxgk.consolidate.roster import read_roster
from xxgk.errors import ReadError
from xxgk.readers import detect_kind

from consolidate_support import YEAR, build, roster_rows
from modes import mode  # noqa: F401 - a fixture

CODE = "91320000MA1XXXXX0A"


def statuses(result) -> dict[str, str]:
    return {e.path.name: e.status for e in result.entries}


def test_discovery_rules(tmp_path):
    (tmp_path / "sub" / ".git").mkdir(parents=True)
    (tmp_path / "__MACOSX").mkdir()
    build(tmp_path / "a.xlsx", "甲", 1)
    build(tmp_path / "sub" / "附件", "乙", 2)
    for name in ("b.xls", "c.et", "d.ods", "e.csv", "f.XLSX", "sub/g.xlsm"):
        (tmp_path / name).write_bytes(b"x")
    for name in ("~$a.xlsx", ".a.xlsx", "sub/.git/h.xlsx", "__MACOSX/a.xlsx", "Thumbs.db"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "正文.docx").write_bytes(b"x")
    explicit = tmp_path / "sub" / ".git" / "h.xlsx"
    found = discover([tmp_path, explicit, tmp_path / "a.xlsx"], exclude=[tmp_path / "f.XLSX"], sniff=detect_kind)
    names = sorted(str(p.relative_to(tmp_path)) for p in found.files)
    assert names == ["a.xlsx", "b.xls", "c.et", "d.ods", "e.csv", "sub/.git/h.xlsx", "sub/g.xlsm", "sub/附件"]
    assert [p.name for p in found.skipped] == ["正文.docx"]
    assert discover([tmp_path / "nope"]).missing == [tmp_path / "nope"]


@pytest.mark.parametrize("value, year", [(2025, 2025), (2025.0, 2025), ("2025", 2025), ("２０２５年", 2025),
                                         ("二〇二五", None), (2025.5, None), (None, None), (True, None)])
def test_year_of(value, year):
    assert year_of(value) == year


@pytest.mark.parametrize("value, date", [("2026-01-15", dt.date(2026, 1, 15)), ("2026/1/5", dt.date(2026, 1, 5)),
                                         ("2026年1月5日", dt.date(2026, 1, 5)), (46037, dt.date(2026, 1, 15)),
                                         ("2026-02-30", None), ("明天", None), (None, None)])
def test_date_of(value, date):
    assert date_of(value) == date


def test_identity_keys():
    assert name_key(" 某某区 教育局\u3000") == name_key("某某区教育局")
    assert name_key("ＡＢＣ局") == name_key("ABC局")
    assert code_key(CODE.lower()) == CODE and code_key("123") == ""


def test_duplicates_newest_by_date_then_file_time(tmp_path):
    old = build(tmp_path / "old.xlsx", "甲局", 1, **{"cover.date": f"{YEAR + 1}-01-20"})
    new = build(tmp_path / "new.xlsx", " 甲局", 2, **{"cover.date": f"{YEAR + 1}-01-10"})
    os.utime(old, (1, 1))  # the later 填报日期 wins, whatever the file times say
    result = consolidate([tmp_path], tmp_path / "汇总.xlsx")
    assert statuses(result) == {"old.xlsx": "通过", "new.xlsx": "重复（已被替代）"}
    replaced = next(e for e in result.entries if e.path == new)
    assert "old.xlsx" in replaced.note and "填报日期" in replaced.note


def test_duplicates_same_date_use_file_time(tmp_path):
    a = build(tmp_path / "a.xlsx", "甲局", 1, **{"cover.date": ""})
    b = build(tmp_path / "b.xlsx", "甲局", 2, **{"cover.date": ""})
    os.utime(b, (1_000_000, 1_000_000))
    os.utime(a, (2_000_000, 2_000_000))
    result = consolidate([tmp_path], tmp_path / "汇总.xlsx")
    assert statuses(result) == {"a.xlsx": "通过", "b.xlsx": "重复（已被替代）"}


def test_duplicates_by_credit_code(tmp_path):
    build(tmp_path / "a.xlsx", "甲局", 1, **{"cover.credit_code": CODE, "cover.date": f"{YEAR + 1}-01-01"})
    build(tmp_path / "b.xlsx", "甲局（更名）", 2, **{"cover.credit_code": CODE, "cover.date": f"{YEAR + 1}-01-02"})
    build(tmp_path / "c.xlsx", "乙局", 3, **{"cover.credit_code": "", "cover.date": f"{YEAR + 1}-01-03"})
    result = consolidate([tmp_path], tmp_path / "汇总.xlsx")
    assert statuses(result) == {"a.xlsx": "重复（已被替代）", "b.xlsx": "通过", "c.xlsx": "通过"}


def test_wrong_year_and_format_are_excluded(tmp_path, mode):
    build(tmp_path / "a.xlsx", "甲局", 1)
    build(tmp_path / "b.xlsx", "乙局", 2)
    build(tmp_path / "c.xlsx", "丙局", 3, year=YEAR - 1)
    build(tmp_path / "d.xlsx", "丁局", 4, format_id="2019")
    build(tmp_path / "e.xlsx", "戊局", 5, **{"cover.year": None})
    result = consolidate([tmp_path], tmp_path / "汇总.xlsx")
    assert statuses(result) == {"a.xlsx": "通过", "b.xlsx": "通过", "c.xlsx": "年度不符", "d.xlsx": "格式不符",
                                "e.xlsx": "年度不符"}
    assert (result.included, result.excluded) == (2, 3)


def test_format_2019_summary_for_2020(tmp_path):
    build(tmp_path / "a.xlsx", "甲局", 1, year=2020, format_id="2019")
    build(tmp_path / "b.xlsx", "乙局", 2, year=2020)  # the 2021 form used for 2020
    result = consolidate([tmp_path], tmp_path / "汇总.xlsx")
    assert result.format_id == "2019" and result.year == 2020
    assert statuses(result) == {"a.xlsx": "通过", "b.xlsx": "格式不符"}


def test_library_api_progress_and_counts(tmp_path, mode):
    build(tmp_path / "a.xlsx", "甲局", 1)
    build(tmp_path / "b.xlsx", "乙局", 2, **{"t3.public.natural": "１２件"})
    (tmp_path / "c.xlsx").write_bytes(b"PK\x03\x04broken")
    calls = []
    result = consolidate([tmp_path], tmp_path / "汇总.xlsx", progress=lambda i, n, p: calls.append((i, n, p.name)))
    assert calls == [(1, 3, "a.xlsx"), (2, 3, "b.xlsx"), (3, 3, "c.xlsx")]
    assert statuses(result) == {"a.xlsx": "通过", "b.xlsx": "有错误", "c.xlsx": "无法读取"}
    assert result.errors >= 1 and result.warnings == 0 and result.seconds > 0
    bad = next(e for e in result.entries if e.status == "有错误")
    assert bad.errors >= 1 and any("１２件" in m for m in bad.messages)
    assert result.district == "汇总（2 个单位）" and not result.summary_problems


@pytest.mark.parametrize("name, rows, encoding", [
    ("r.csv", [["单位名称"], ["甲局"], ["乙局"], ["甲局"], [""]], "utf-8-sig"),
    ("r.csv", [["序号", "单位名称", "统一社会信用代码"], ["1", "甲局", CODE], ["2", "乙局", ""]], "gb18030"),
    ("r.csv", [["甲局"], ["乙局"]], "utf-8"),
    ("r.xlsx", [["序号", "单位名称"], [1, "甲局"], [2, "乙局"]], None),
])
def test_roster_formats(tmp_path, name, rows, encoding):
    entries = read_roster(roster_rows(tmp_path / name, rows, encoding))
    assert [e.name for e in entries] == ["甲局", "乙局"]


def test_roster_problems(tmp_path):
    with pytest.raises(ReadError, match="没有找到任何单位名称"):
        read_roster(roster_rows(tmp_path / "r.csv", [["单位名称"]]))
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04broken")
    with pytest.raises(ReadError, match="bad.xlsx"):
        read_roster(tmp_path / "bad.xlsx")


def test_missing_and_unlisted_agencies(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    build(folder / "a.xlsx", "甲局", 1)
    build(folder / "b.xlsx", "名单外局", 2)
    build(folder / "c.xlsx", "丙局", 3, year=YEAR - 1)
    build(folder / "d.xlsx", "丁局（新名）", 4, **{"cover.credit_code": CODE})
    roster = roster_rows(tmp_path / "r.csv", [["单位名称", "统一社会信用代码"], ["甲局", ""], ["乙局", ""],
                                               ["丙局", ""], ["丁局", CODE]])
    result = consolidate([folder], tmp_path / "汇总.xlsx", roster=roster, year=YEAR)
    assert {m.name: m.note for m in result.missing} == {
        "乙局": "未收到报表", "丙局": "已报送但未纳入汇总：“c.xlsx” 年度不符"}
    notes = {e.path.name: e.note for e in result.entries}
    assert notes["b.xlsx"] == "不在名单中" and notes["a.xlsx"] == "" and notes["d.xlsx"] == ""


def test_output_inside_the_input_folder_is_never_an_input(tmp_path):
    build(tmp_path / "a.xlsx", "甲局", 1)
    output = tmp_path / "汇总.xlsx"
    consolidate([tmp_path], output)
    again = consolidate([tmp_path], output)
    assert statuses(again) == {"a.xlsx": "通过"}


def test_summary_self_check_catches_a_summary_that_is_not_the_sum(tmp_path):
    from xxgk.consolidate.build import summary_problems
    from xxgk.formats import get_format
    from xxgk.rules import load_rules

    build(tmp_path / "a.xlsx", "甲局", 1)
    build(tmp_path / "b.xlsx", "乙局", 2)
    output = tmp_path / "汇总.xlsx"
    result = consolidate([tmp_path], output)
    assert result.summary_problems == []
    fmt, ruleset = get_format("2021"), load_rules()
    sums = {key: 0 for key in fmt.cells}
    sums.update(table_names_to_keys(fmt, output))
    assert summary_problems(output, fmt, sums, ruleset) == []
    sums["t4.review.upheld"] += 1  # the agencies say one more than the summary holds
    problems = summary_problems(output, fmt, sums, ruleset)
    assert [p.rule_id for p in problems] == ["汇总"] and problems[0].cells[0] == "t4.review.upheld"


def table_names_to_keys(fmt, path) -> dict:
    from consolidate_support import named_values

    values = named_values(path)
    return {key: values[cell.name] for key, cell in fmt.cells.items()}
