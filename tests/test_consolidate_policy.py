"""The consolidation policy and its parts, on real workbooks built with the template builder:
discovery, identity, duplicates, year and format, roster matching; plus the library API."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from xxgk.catalogue import Status
from xxgk.consolidate import consolidate
from xxgk.consolidate.discover import discover
from xxgk.consolidate.identity import code_key, credit_code_problem, date_of, name_key, year_of
from xxgk.consolidate.roster import read_roster
from xxgk.errors import ReadError, WriteError
from xxgk.readers import detect_kind

from consolidate_support import YEAR, build, roster_rows
from modes import mode  # noqa: F401 - a fixture

CODE = "91320000MA1XXXXX0Q"  # a real code: its check character (GB 32100-2015) is right


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


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u00a0", "\u3000", "\u2060", "\u00ad", "\u200d",
                                       "\u180e", "\u3164", "\ufe0f", "\t", "\x01", "\u2028"])
def test_names_match_whatever_invisible_characters_they_carry(invisible):
    """Issue 17, item 4: pasted names bring zero-width spaces, BOMs, soft hyphens …"""
    assert name_key(f"某某区{invisible}教育局{invisible}") == name_key("某某区教育局")


@pytest.mark.parametrize("code, real", [(CODE, True), ("91110000100010433L", True), ("0" * 18, False),
                                        ("1" * 18, False), ("A" * 18, False), (CODE[:-1] + "A", False),
                                        (CODE[:17], False), (CODE + "0", False), ("91320000MA1IOZSV0Q", False),
                                        (" 9132 0000 MA1X XXXX 0Q ", True), ("９１３２００００ＭＡ１ＸＸＸＸＸ０Ｑ", True)])
def test_only_a_real_credit_code_is_an_identity(code, real):
    """Issue 17, item 3: placeholders (all one character, cut short, wrong check character) identify nobody."""
    assert bool(code_key(code)) == real
    assert (credit_code_problem(code) is None) == real


def test_duplicates_newest_by_date_then_file_time(tmp_path):
    old = build(tmp_path / "old.xlsx", "甲局", 1, **{"cover.date": f"{YEAR + 1}-01-20"})
    new = build(tmp_path / "new.xlsx", " 甲局", 2, **{"cover.date": f"{YEAR + 1}-01-10"})
    os.utime(old, (1, 1))  # the later 填报日期 wins, whatever the file times say
    result = consolidate([tmp_path], tmp_path / "汇总.xlsx")
    assert statuses(result) == {"old.xlsx": Status.PASSED, "new.xlsx": Status.REPLACED}
    replaced = next(e for e in result.entries if e.path == new)
    assert "old.xlsx" in replaced.note and "填报日期" in replaced.note


def test_duplicates_same_date_use_file_time(tmp_path):
    a = build(tmp_path / "a.xlsx", "甲局", 1, **{"cover.date": ""})
    b = build(tmp_path / "b.xlsx", "甲局", 2, **{"cover.date": ""})
    os.utime(b, (1_000_000, 1_000_000))
    os.utime(a, (2_000_000, 2_000_000))
    result = consolidate([tmp_path], tmp_path / "汇总.xlsx")
    assert statuses(result) == {"a.xlsx": Status.PASSED, "b.xlsx": Status.REPLACED}


def test_one_credit_code_under_different_names_is_a_warning_not_a_merge(tmp_path):
    """Issue 17, item 3: a code copied from a colleague's workbook must not merge two agencies."""
    build(tmp_path / "a.xlsx", "甲局", 1, **{"cover.credit_code": CODE, "cover.date": f"{YEAR + 1}-01-01"})
    build(tmp_path / "b.xlsx", "甲局（更名）", 2, **{"cover.credit_code": CODE, "cover.date": f"{YEAR + 1}-01-02"})
    build(tmp_path / "c.xlsx", "乙局", 3, **{"cover.credit_code": "", "cover.date": f"{YEAR + 1}-01-03"})
    result = consolidate([tmp_path], tmp_path / "汇总.xlsx")
    assert statuses(result) == {"a.xlsx": Status.WARNINGS, "b.xlsx": Status.WARNINGS, "c.xlsx": Status.PASSED}
    for entry in result.entries[:2]:
        shared = [f for f in entry.findings if f.rule_id == "单位-信用代码重复"]
        assert len(shared) == 1 and CODE in shared[0].message
    assert result.included == 3


def test_placeholder_codes_merge_nobody_and_are_warned_about(tmp_path):
    for i, code in enumerate(("0" * 18, "0" * 18, "1" * 18, CODE[:-1] + "A")):
        build(tmp_path / f"{i}.xlsx", f"第{i}局", i, **{"cover.credit_code": code})
    result = consolidate([tmp_path], tmp_path / "汇总.xlsx")
    assert result.included == 4 and set(statuses(result).values()) == {Status.WARNINGS}
    assert all(f.rule_id == "单位-信用代码校验" for e in result.entries for f in e.findings)


def test_the_same_agency_with_invisible_characters_is_counted_once(tmp_path):
    """Issue 17, item 4: blank codes, names differing only by zero-width space, BOM, NBSP …"""
    for i, name in enumerate(("甲局", "\ufeff甲局", "甲\u200b局", "甲局\u00a0", "甲\u2060局")):
        build(tmp_path / f"{i}.xlsx", name, i, **{"cover.credit_code": "", "cover.date": f"{YEAR + 1}-01-0{i + 1}"})
    result = consolidate([tmp_path], tmp_path / "汇总.xlsx")
    assert statuses(result) == {"0.xlsx": Status.REPLACED, "1.xlsx": Status.REPLACED, "2.xlsx": Status.REPLACED,
                                "3.xlsx": Status.REPLACED, "4.xlsx": Status.PASSED}


def test_wrong_year_and_format_are_excluded(tmp_path, mode):
    build(tmp_path / "a.xlsx", "甲局", 1)
    build(tmp_path / "b.xlsx", "乙局", 2)
    build(tmp_path / "c.xlsx", "丙局", 3, year=YEAR - 1)
    build(tmp_path / "d.xlsx", "丁局", 4, format_id="2019")
    build(tmp_path / "e.xlsx", "戊局", 5, **{"cover.year": None})
    result = consolidate([tmp_path], tmp_path / "汇总.xlsx")
    assert statuses(result) == {"a.xlsx": Status.PASSED, "b.xlsx": Status.PASSED, "c.xlsx": Status.WRONG_YEAR,
                                "d.xlsx": Status.WRONG_FORMAT, "e.xlsx": Status.WRONG_YEAR}
    assert (result.included, result.excluded) == (2, 3)


def test_format_2019_summary_for_2020(tmp_path):
    build(tmp_path / "a.xlsx", "甲局", 1, year=2020, format_id="2019")
    build(tmp_path / "b.xlsx", "乙局", 2, year=2020)  # the 2021 form used for 2020
    result = consolidate([tmp_path], tmp_path / "汇总.xlsx")
    assert result.format_id == "2019" and result.year == 2020
    assert statuses(result) == {"a.xlsx": Status.PASSED, "b.xlsx": Status.WRONG_FORMAT}


def test_library_api_progress_and_counts(tmp_path, mode):
    build(tmp_path / "a.xlsx", "甲局", 1)
    build(tmp_path / "b.xlsx", "乙局", 2, **{"t3.public.natural": "１２件"})
    (tmp_path / "c.xlsx").write_bytes(b"PK\x03\x04broken")
    calls = []
    result = consolidate([tmp_path], tmp_path / "汇总.xlsx", progress=lambda i, n, p: calls.append((i, n, p.name)))
    assert calls == [(1, 3, "a.xlsx"), (2, 3, "b.xlsx"), (3, 3, "c.xlsx")]
    assert statuses(result) == {"a.xlsx": Status.PASSED, "b.xlsx": Status.ERRORS, "c.xlsx": Status.UNREADABLE}
    assert result.errors >= 1 and result.warnings == 0 and result.seconds > 0
    bad = next(e for e in result.entries if e.status == Status.ERRORS)
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


def test_our_own_outputs_in_the_input_folder_are_listed_not_counted(tmp_path):
    """Issue 17, item 2: told by their content, whatever they are called."""
    from xxgk.rules import load_rules
    from xxgk.validate import check_file, write_marked

    a = build(tmp_path / "a.xlsx", "甲局", 1)
    output = tmp_path / "汇总.xlsx"
    consolidate([tmp_path], output)
    again = consolidate([tmp_path], output)  # replacing our own earlier summary is allowed
    assert statuses(again) == {"a.xlsx": Status.PASSED}
    output.rename(tmp_path / "05_某局.xlsx")
    write_marked(check_file(a, load_rules()), tmp_path / "甲局（最终版）.xlsx")
    third = consolidate([tmp_path], tmp_path / "新汇总.xlsx")
    assert statuses(third) == {"a.xlsx": Status.PASSED, "05_某局.xlsx": Status.SUMMARY_LEFT_OUT,
                               "甲局（最终版）.xlsx": Status.MARKED_COPY}
    assert third.included == 1 and "标记副本" in next(e.note for e in third.entries if e.status == Status.MARKED_COPY)


def test_an_output_that_is_an_input_is_refused_before_anything_is_written(tmp_path):
    """Issue 17, item 1: the file itself, a symbolic link to it, a hard link to it."""
    a = build(tmp_path / "a.xlsx", "甲局", 1)
    build(tmp_path / "b.xlsx", "乙局", 2)
    before = a.read_bytes()
    (tmp_path / "link.xlsx").symlink_to(a)
    os.link(a, tmp_path / "hard.xlsx")
    for output in (a, tmp_path / "link.xlsx", tmp_path / "hard.xlsx"):
        with pytest.raises(WriteError, match="不能写在输入文件"):
            consolidate([tmp_path / "a.xlsx", tmp_path / "b.xlsx"], output)
    assert a.read_bytes() == before and (tmp_path / "link.xlsx").is_symlink()


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
