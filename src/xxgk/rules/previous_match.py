"""Is "last year's form" really this agency's report of the year before, in this format?

The cross-year rules (跨年-…) compare with whatever form ``--previous`` gives them.
A report of the same year, another agency's or one in the other national format
would be compared silently; each of these is a warning instead, next to the findings.
"""
from __future__ import annotations

from ..catalogue import FindingKind
from ..identity import code_key, name_key, text_of, year_of
from ..model import Finding, FormData

RULE = FindingKind.PREVIOUS_MISMATCH
YEAR, AGENCY, FORMAT = "year", "agency", "format"


def previous_findings(form: FormData, previous: FormData | None) -> list[Finding]:
    """Warnings about ``previous`` as this form's last year (none when it fits, or is not given)."""
    if previous is None:
        return []
    found = []
    year, last = year_of(form.values.get("cover.year")), year_of(previous.values.get("cover.year"))
    if year is not None and last is not None and last != year - 1:
        found.append(_finding(YEAR, "cover.year", f"用于跨年核对的上年报表为 {last} 年度，本表为 {year} 年度，"
                                                  f"应为 {year - 1} 年度的报表；跨年核对的结果不可信，请核实所给的上年报表"))
    name, last_name = (text_of(f.values.get("cover.agency")) for f in (form, previous))
    codes = [code_key(text_of(f.values.get("cover.credit_code"))) for f in (form, previous)]
    same_code = bool(codes[0]) and codes[0] == codes[1]
    if name_key(name) and name_key(last_name) and name_key(name) != name_key(last_name) and not same_code:
        found.append(_finding(AGENCY, "cover.agency", f"用于跨年核对的上年报表是“{last_name}”的，本表是“{name}”的，"
                                                      "不是同一单位；跨年核对的结果不可信，请核实所给的上年报表"))
    if previous.format_id != form.format_id:
        found.append(_finding(FORMAT, "t3.carried.total", f"上年报表是 {previous.format_id} 版格式，本表是 "
                                                         f"{form.format_id} 版格式，跨年核对只比较两版共有的项目"))
    return found


def _finding(what: str, cell: str, message: str) -> Finding:
    return Finding(RULE, "warning", f"{RULE}@{what}", message, (cell,), location="跨年核对 · 上年报表")
