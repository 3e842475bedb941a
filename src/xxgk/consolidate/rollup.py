"""A city's roll-up (节点汇总): district summaries among the inputs stand for their agencies.

A summary is recognised by its content (``xxgk.origin``: the name it carries,
or the sheets only our summary has), never by its file name. Its 分单位明细 gives one entry per agency, each judged
afresh and marked with the district it came through (区: the summary's cover
name, before the row's own 区 when the summary is itself a roll-up, so a
province reads 某市某区). Those entries then go through the usual policy: an
agency in two districts' summaries is counted once and both are named.

A warning the district accepted (已说明 in its 问题清单, with the agency's
单位说明) stays explained: the explanation travels with the agency.

A summary whose every agency is also among the inputs in its own workbook is
an earlier output left in the folder, not a district's report: it stays one
entry, not included, saying so. Otherwise each of its agencies is counted once
with the agencies' own workbooks (the policy keeps the newer); a row without a
name or a real credit code cannot be matched, so beside a workbook that has
neither it is not counted (it could be the same agency), saying why.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from ..catalogue import Level, ReadMessage, Status
from ..errors import ReadError
from ..model import FormData
from ..origin import SUMMARY
from ..pathtext import readable
from .identity import NO_NAME, text_of, year_of
from .labels import (COL_AGENCY, FINDING_LEVEL, FINDING_LOCATION, FINDING_NOTE, FINDING_RULE, SHEET_DETAIL,
                     SHEET_FINDINGS)
from .policy import identity_keys, same_agency_groups
from .previous import detail_rows
from .previous_summary import detail_part, read_summary_with
from .result import Entry

DEFAULT_NAME = re.compile(r"汇总（\d+ 个单位）")  # the cover name of a summary made without --district
UNNAMED_ROW = ("汇总表中这一行没有单位名称和有效的统一社会信用代码，无法确认它不是另行报送的那份未填名称的报表，"
               "为免重复计算未计入；请核实")


def is_summary(form: FormData | None) -> bool:
    """One of our summaries, told by its content whatever the file is called: the reader's ``origin``
    (``xxgk.origin.origin_of``: the name the summary carries, or the sheets only a summary has)."""
    return form is not None and form.origin == SUMMARY


def expand_summaries(entries: Sequence[Entry], judge: Callable[[Entry], None]) -> list[Entry]:
    """``entries`` with each district summary replaced by its agencies' entries, judged by ``judge``."""
    if not any(is_summary(e.form) for e in entries):
        return list(entries)
    direct = [e for e in entries if e.form is not None and not is_summary(e.form)]
    reported = Reported({key for e in direct for key in identity_keys(e)}, any(not identity_keys(e) for e in direct))
    expanded: list[Entry] = []
    for entry in entries:
        if not is_summary(entry.form):
            expanded.append(entry)
            continue
        agencies, explained = _agencies(entry)
        if agencies and all(reported.covers(a) for a in agencies):
            entry.status = Status.SUMMARY_LEFT_OUT
            entry.note = (f"这是一份汇总表（{district_name(entry)}），其中 {len(agencies)} 个单位都已另行报送，"
                          "未重复计入")
            expanded.append(entry)
            continue
        for agency in agencies:
            judge(agency)
            _explain(agency, explained, judge)
            if reported.anonymous and not identity_keys(agency):
                agency.status, agency.note = Status.REPLACED, UNNAMED_ROW
        expanded.extend(agencies or [entry])
    return expanded


@dataclass(frozen=True)
class Reported:
    """Who reported in a workbook of their own: identity keys, and whether some workbook has none
    (neither a name nor a real credit code: it cannot be told from a summary's unnamed row)."""

    keys: set[str]
    anonymous: bool

    def covers(self, agency: Entry) -> bool:
        keys = set(identity_keys(agency))
        return bool(keys & self.keys) if keys else self.anonymous


def district_name(entry: Entry) -> str:
    """The district a summary stands for: its cover name, or its file name when that is our default."""
    name = entry.agency
    return readable(entry.path.stem) if not name or DEFAULT_NAME.fullmatch(name) else name


def _agencies(entry: Entry) -> tuple[list[Entry], dict]:
    """The summary's agencies as entries, and the warnings it explained ((agency, rule, location) -> 单位说明);
    on failure the summary's own entry says why (and none are given)."""
    member = detail_part(entry.path)
    district = district_name(entry)
    try:
        if member is None:
            raise ReadMessage.SHEET_MISSING.error(entry.path, sheet=SHEET_DETAIL)
        form, rows, sheets = read_summary_with(entry.path, member, (SHEET_FINDINGS,))
        agencies = [_entry(entry, agency, district, district + inner) for agency, inner in
                    detail_rows(entry.path, form.format_id, rows)]
    except ReadError as err:
        entry.status, entry.form, entry.report, entry.note = Status.UNREADABLE, None, None, err.reason
        return [], {}
    if not agencies:
        entry.status, entry.form, entry.report = Status.UNREADABLE, None, None
        entry.note = f"汇总表的“{SHEET_DETAIL}”中没有任何单位"
    return agencies, _explained(sheets[SHEET_FINDINGS])


def _explained(rows: list[list]) -> dict[tuple[str, str, str], str]:
    """The explained warnings of a summary's 问题清单, by (agency, rule, location)."""
    if not rows:
        return {}
    header = [text_of(h) for h in rows[0]]
    wanted = (COL_AGENCY, FINDING_RULE, FINDING_LEVEL, FINDING_LOCATION, FINDING_NOTE)
    if not all(name in header for name in wanted):
        return {}
    agency, rule, level, location, note = (header.index(name) for name in wanted)
    return {(text_of(row[agency]), text_of(row[rule]), text_of(row[location])): text_of(row[note])
            for row in rows[1:] if len(row) == len(header) and text_of(row[level]) == Level.EXPLAINED.label
            and text_of(row[note]).strip()}


def _explain(entry: Entry, explained: dict, judge: Callable[[Entry], None]) -> None:
    """Judge again with the district's accepted explanations, when any of the entry's warnings has one."""
    notes = {f.instance_id: explained[key] for f in entry.findings if f.severity == "warning"
             and (key := (entry.agency, f.rule_id, f.location)) in explained}
    if notes:
        entry.form.explanations = notes
        judge(entry)


def _entry(summary: Entry, form: FormData, source: str, district: str) -> Entry:
    values = form.values
    agency = text_of(values.get("cover.agency"))
    return Entry(summary.path, "", agency="" if agency == NO_NAME else agency,
                 credit_code=text_of(values.get("cover.credit_code")), year=year_of(values.get("cover.year")),
                 format_id=form.format_id, modified=summary.modified, form=form, district=district,
                 note=f"来自“{source}”的汇总表")


def note_cross_district(entries: Sequence[Entry]) -> None:
    """An agency found in two districts' summaries: say where else it is (it is counted once)."""
    rolled = [e for e in entries if e.district and (e.included or e.status == Status.REPLACED)]
    for group in same_agency_groups(rolled):
        kept = next((e for e in group if e.included), None)
        for entry in group:
            if kept is not None and entry is not kept and entry.district != kept.district:
                entry.note = (f"同一单位也在“{kept.district}”的汇总表（{kept.name}）中，只计入一次；"
                              "请核实该单位属于哪个区")
                kept.note = f"来自“{kept.district}”的汇总表；同一单位也出现在“{entry.district}”的汇总表中"

