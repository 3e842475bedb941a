"""Which workbooks make the summary: the consolidation policy, as plain decisions on Entries.

* every readable workbook of the summary's year and format is included, errors or not;
* a report year other than the summary's → 年度不符; a format that is not the one
  for that year → 格式不符 (both excluded);
* two or more workbooks of one agency (the same name, compared by ``identity.name_key``;
  the same real credit code when the name is blank) → the newest by its own 填报日期,
  then by file time, is used; the others → 重复（已被替代）;
* one real credit code under different names is no identity (a code copied from a colleague's
  workbook): each workbook counts as its own agency and gets a warning naming the others;
  a placeholder code (all zeros, cut short, a wrong check character) identifies nobody;
* with ``exclude_invalid`` a workbook with errors → 已排除 (after the duplicates are
  settled: an agency whose newest workbook has errors is left out altogether).
"""
from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from typing import Sequence

from ..catalogue import NOT_RECEIVED, FindingKind, Status
from ..formats import Format
from ..model import Finding
from ..pathtext import readable
from .identity import code_key, name_key
from .result import Entry, MissingAgency

SHARED_CODE_RULE = FindingKind.SHARED_CODE


def common_year(entries: Sequence[Entry]) -> int | None:
    """The most common report year among readable workbooks; the later one on a tie."""
    years = Counter(e.year for e in entries if e.form is not None and e.year is not None)
    if not years:
        return None
    return max(years, key=lambda year: (years[year], year))


def apply_policy(entries: Sequence[Entry], year: int, fmt: Format, exclude_invalid: bool) -> None:
    """Set the status of every readable entry (unreadable ones keep 无法读取)."""
    candidates = []
    for entry in entries:
        if entry.form is None or not entry.included:  # unreadable, or a summary already left out
            continue
        if entry.year != year:
            entry.status = Status.WRONG_YEAR
            shown = f"为 {entry.year} 年" if entry.year is not None else "未填写或无法识别"
            entry.note = f"报告年度{shown}，本次汇总的是 {year} 年度，未纳入汇总"
        elif entry.format_id != fmt.id:
            entry.status = Status.WRONG_FORMAT
            entry.note = (f"用的是 {entry.format_id} 版格式，{year} 年度应使用 {fmt.id} 版格式"
                          f"（{fmt.document}），未纳入汇总，请用最新模板重新填报")
        else:
            candidates.append(entry)
    for group in same_agency_groups(candidates):
        _keep_newest(group)
    _flag_shared_codes([e for e in candidates if e.included])
    if exclude_invalid:
        for entry in candidates:
            if entry.included and entry.errors:
                entry.status = Status.EXCLUDED
                entry.note = f"有 {entry.errors} 处错误，按“排除有错误的报表”的要求未纳入汇总"


def same_agency_groups(entries: Sequence[Entry]) -> list[list[Entry]]:
    """Entries joined when they share a name or a credit code (transitively), in input order."""
    parent = list(range(len(entries)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index, entry in enumerate(entries):
        for key in identity_keys(entry):
            if key in owner:
                parent[root(index)] = root(owner[key])
            else:
                owner[key] = index
    groups: dict[int, list[Entry]] = {}
    for index, entry in enumerate(entries):
        groups.setdefault(root(index), []).append(entry)
    return list(groups.values())


def identity_keys(entry: Entry) -> list[str]:
    """Who an entry is from: its name; its credit code only when the name is blank."""
    if name_key(entry.agency):
        return ["name:" + name_key(entry.agency)]
    return ["code:" + code_key(entry.credit_code)] if code_key(entry.credit_code) else []


def _match_keys(entry: Entry) -> set[str]:
    """What a roster line may match: the name, and a real credit code (an agency renamed since)."""
    keys = {"name:" + name_key(entry.agency)} if name_key(entry.agency) else set()
    return keys | ({"code:" + code_key(entry.credit_code)} if code_key(entry.credit_code) else set())


def _flag_shared_codes(included: Sequence[Entry]) -> None:
    """A real credit code under different names: a warning on each of those workbooks, no merge."""
    by_code: dict[str, list[Entry]] = {}
    for entry in included:
        if code_key(entry.credit_code) and name_key(entry.agency):
            by_code.setdefault(code_key(entry.credit_code), []).append(entry)
    for code, sharing in by_code.items():
        if len({name_key(e.agency) for e in sharing}) < 2:
            continue
        for entry in sharing:
            others = "；".join(f"“{e.name}”（{e.agency}）" for e in sharing if e is not entry)
            message = SHARED_CODE_RULE.message(code=code, others=others)
            entry.report.findings.append(Finding(SHARED_CODE_RULE, "warning", f"{SHARED_CODE_RULE}@{code}", message,
                                                 ("cover.credit_code",), location="封面 · 统一社会信用代码",
                                                 actual=code))
            entry.status = entry.report.status


def _freshness(entry: Entry) -> tuple:
    return (entry.filled or dt.date.min, entry.modified, str(entry.path))


def _keep_newest(group: list[Entry]) -> None:
    if len(group) < 2:
        return
    newest = max(group, key=_freshness)
    for entry in group:
        if entry is not newest:
            entry.status = Status.REPLACED
            entry.note = f"同一单位另有更新的报表“{newest.name}”（{_why_newer(newest, entry)}），本文件未纳入汇总"


def _why_newer(newest: Entry, older: Entry) -> str:
    if newest.filled and newest.filled != older.filled:
        return f"填报日期 {newest.filled.isoformat()}" + (f"，晚于本文件的 {older.filled.isoformat()}"
                                                       if older.filled else "，本文件未填填报日期")
    if newest.modified != older.modified:
        stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(newest.modified))
        return f"填报日期相同或未填，该文件修改时间 {stamp} 更晚"
    return "填报日期和修改时间都相同，按文件名取后者"


def missing_agencies(roster: Sequence, entries: Sequence[Entry]) -> list[MissingAgency]:
    """Roster agencies (objects with .name and .credit_code) whose figures are not in the summary.

    The note says whether nothing came, or what came and why it was left out; an
    unreadable file is matched by the agency's name appearing in its file name.
    Included agencies that are not on the roster get the remark 不在名单中.
    """
    on_roster = set()
    for agency in roster:
        on_roster.update(_roster_keys(agency))
    for entry in entries:
        if entry.included and not on_roster & _match_keys(entry):
            entry.note = _join(entry.note, "不在名单中")
    covered = _covered_keys(entries)
    missing = []
    for agency in roster:
        keys = set(_roster_keys(agency))
        if keys & covered:
            continue
        mine = [e for e in entries if keys & _match_keys(e)]
        unread = [e for e in entries
                  if e.status == Status.UNREADABLE and name_key(agency.name) in name_key(readable(e.path.stem))]
        missing.append(MissingAgency(agency.name, agency.credit_code, _missing_note(mine, unread)))
    return missing


def _covered_keys(entries: Sequence[Entry]) -> set[str]:
    """Names and real credit codes of the agencies in the summary.

    An agency that renamed itself is matched through its credit code, so the
    roster's old name still counts as reported.
    """
    covered: set[str] = set()
    for entry in entries:
        if entry.included:
            covered.update(_match_keys(entry))
    return covered


def _roster_keys(agency) -> list[str]:
    keys = ["name:" + name_key(agency.name)]
    if code_key(agency.credit_code):
        keys.append("code:" + code_key(agency.credit_code))
    return keys


def _missing_note(mine: list[Entry], unread: list[Entry]) -> str:
    if mine:
        return "已报送但未纳入汇总：" + "；".join(f"“{e.name}” {e.status}" for e in mine)
    if unread:
        return "收到的文件无法读取：" + "；".join(f"“{e.name}”" for e in unread)
    return NOT_RECEIVED


def _join(note: str, remark: str) -> str:
    return f"{note}；{remark}" if note else remark
