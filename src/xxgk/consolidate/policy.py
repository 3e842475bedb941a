"""Which workbooks make the summary: the consolidation policy, as plain decisions on Entries.

* every readable workbook of the summary's year and format is included, errors or not;
* a report year other than the summary's → 年度不符; a format that is not the one
  for that year → 格式不符 (both excluded);
* two or more workbooks of one agency (same name or same credit code) → the newest
  by its own 填报日期, then by file time, is used; the others → 重复（已被替代）;
* with ``exclude_invalid`` a workbook with errors → 已排除 (after the duplicates are
  settled: an agency whose newest workbook has errors is left out altogether).
"""
from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from typing import Sequence

from ..formats import Format
from ..pathtext import readable
from .identity import code_key, name_key
from .result import EXCLUDED, NOT_RECEIVED, REPLACED, WRONG_FORMAT, WRONG_YEAR, Entry, MissingAgency


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
        if entry.form is None:
            continue
        if entry.year != year:
            entry.status = WRONG_YEAR
            shown = f"为 {entry.year} 年" if entry.year is not None else "未填写或无法识别"
            entry.note = f"报告年度{shown}，本次汇总的是 {year} 年度，未纳入汇总"
        elif entry.format_id != fmt.id:
            entry.status = WRONG_FORMAT
            entry.note = (f"用的是 {entry.format_id} 版格式，{year} 年度应使用 {fmt.id} 版格式"
                          f"（{fmt.document}），未纳入汇总，请用最新模板重新填报")
        else:
            candidates.append(entry)
    for group in same_agency_groups(candidates):
        _keep_newest(group)
    if exclude_invalid:
        for entry in candidates:
            if entry.included and entry.errors:
                entry.status = EXCLUDED
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
    keys = []
    if name_key(entry.agency):
        keys.append("name:" + name_key(entry.agency))
    if code_key(entry.credit_code):
        keys.append("code:" + code_key(entry.credit_code))
    return keys


def _freshness(entry: Entry) -> tuple:
    return (entry.filled or dt.date.min, entry.modified, str(entry.path))


def _keep_newest(group: list[Entry]) -> None:
    if len(group) < 2:
        return
    newest = max(group, key=_freshness)
    for entry in group:
        if entry is not newest:
            entry.status = REPLACED
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
        if entry.included and not on_roster & set(identity_keys(entry)):
            entry.note = _join(entry.note, "不在名单中")
    covered = _covered_keys(entries)
    missing = []
    for agency in roster:
        keys = set(_roster_keys(agency))
        if keys & covered:
            continue
        mine = [e for e in entries if keys & set(identity_keys(e))]
        unread = [e for e in entries if e.form is None and name_key(agency.name) in name_key(readable(e.path.stem))]
        missing.append(MissingAgency(agency.name, agency.credit_code, _missing_note(mine, unread)))
    return missing


def _covered_keys(entries: Sequence[Entry]) -> set[str]:
    """Identity keys of agencies in the summary, including the old names of replaced workbooks.

    An agency that renamed itself is matched through its credit code: its old
    workbook (replaced) and new one (included) share a group, so the roster's old
    name still counts as reported.
    """
    related = [e for e in entries if e.included or e.status == REPLACED]
    covered: set[str] = set()
    for group in same_agency_groups(related):
        if any(e.included for e in group):
            for entry in group:
                covered.update(identity_keys(entry))
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
