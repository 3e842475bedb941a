"""同比: this year's key figures beside last year's, for the whole summary, each district and each agency.

The key figures are the format's (``Format.key_figures``: the figures that sum
each table up). Last year's figures are those ``--previous`` gave: the same
agencies' forms the cross-year rules use. Agencies are matched as those rules
match them (credit code, then name).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

from ..formats import Format, Kind
from ..model import FormData
from .identity import NO_NAME, text_of
from .previous import PreviousIndex
from .result import Entry
from .sums import DECIMALS, number

COUNTED = (Kind.COUNT, Kind.SIGNED)
MAX_AGENCY_ROWS = 5000  # the largest changes; a province's every agency × figure would be a million rows


@dataclass(frozen=True)
class Change:
    """One figure of one whole (the summary, a district or an agency) in both years."""

    who: str  # agency or district; "" for the whole summary
    district: str
    key: str
    label: str
    this_year: int | float
    last_year: int | float | None  # None: nothing to compare with
    counted: bool = True  # a count of cases (not an amount of money): charted with the others

    @property
    def change(self) -> int | float | None:
        return None if self.last_year is None else _rounded(self.this_year - self.last_year)

    @property
    def ratio(self) -> float | None:
        """The change as a share of last year's figure; None when last year's was 0 or unknown."""
        return self.change / self.last_year if self.last_year else None


@dataclass
class Comparison:
    year: int
    totals: list[Change]  # the whole summary, in the format's order
    districts: list[Change] = field(default_factory=list)  # largest changes first
    agencies: list[Change] = field(default_factory=list)  # largest changes first, at most MAX_AGENCY_ROWS
    agency_changes: int = 0  # all agency changes, before the cut
    gone: list[tuple[str, str]] = field(default_factory=list)  # (agency, 区) reported last year, not this year
    new: list[tuple[str, str]] = field(default_factory=list)  # (agency, 区) with no report last year


def compare(fmt: Format, year: int, sums: Mapping, entries: Sequence[Entry], last_year: PreviousIndex) -> Comparison:
    keys = fmt.key_figures
    labels = {key: (fmt.cells[key].label, fmt.cells[key].kind in COUNTED) for key in keys}
    included = [e for e in entries if e.included]
    last_forms = last_year.forms()
    matched: dict[int, FormData] = {}
    result = Comparison(year, _changes("", "", keys, labels, sums, _sum(keys, last_forms)))
    agency_changes = []
    for entry in included:
        found = last_year.find(entry.agency, entry.credit_code)
        who = entry.agency or NO_NAME
        if found is None:
            result.new.append((who, entry.district))
            continue
        matched[id(found)] = found
        values = entry.form.values
        agency_changes += [c for c in _changes(who, entry.district, keys, labels, values, found.values) if c.change]
    result.gone = [(text_of(f.values.get("cover.agency")) or NO_NAME, last_year.district_of(f))
                   for f in last_forms if id(f) not in matched]
    result.agency_changes = len(agency_changes)
    result.agencies = _largest_first(agency_changes)[:MAX_AGENCY_ROWS]
    result.districts = _largest_first(_district_changes(keys, labels, included, last_year))
    return result


def _changes(who: str, district: str, keys, labels, this: Mapping, last: Mapping | None) -> list[Change]:
    return [Change(who, district, key, labels[key][0], number(this.get(key)) or 0,
                   None if last is None else number(last.get(key)) or 0, labels[key][1]) for key in keys]


def _sum(keys, forms: Sequence[FormData]) -> dict:
    return {key: _rounded(sum(number(f.values.get(key)) or 0 for f in forms)) for key in keys}


def _district_changes(keys, labels, included: Sequence[Entry], last_year: PreviousIndex) -> list[Change]:
    """Per district, when the summary rolls districts up (its agencies came through their summaries)."""
    if not any(e.district for e in included):
        return []
    this: dict[str, list] = {}
    for entry in included:  # the key figures only: an entry's values may be read back from disk one by one
        values = entry.form.values
        this.setdefault(entry.district, []).append({key: values.get(key) for key in keys})
    last: dict[str, list] = {}
    for form in last_year.forms():
        last.setdefault(last_year.district_of(form), []).append(form)
    changes = []
    for district, values in this.items():
        now = {key: _rounded(sum(number(v.get(key)) or 0 for v in values)) for key in keys}
        before = _sum(keys, last[district]) if district in last else None
        changes += _changes(district, district, keys, labels, now, before)
    return changes


def _largest_first(changes: list[Change]) -> list[Change]:
    return sorted(changes, key=lambda c: (c.change is None, -abs(c.change or 0), c.who, c.key))


def _rounded(total: int | float) -> int | float:
    """Whole numbers stay whole; 万元 sums lose float noise (0.1 + 0.2)."""
    return total if isinstance(total, int) else round(total, DECIMALS)
