"""What a consolidation found: one Entry per input file, and the run as a whole."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..catalogue import INCLUDED_STATUSES, NOT_RECEIVED, Status
from ..model import Finding, FormData
from ..pathtext import readable
from ..rules import Report

STATUSES = tuple(Status)  # in the order counts are shown
FIRST_MESSAGES = 3


@dataclass(slots=True)  # a province holds 10,000 of them
class Entry:
    """One input file and what became of it."""

    path: Path
    status: Status
    agency: str = ""
    credit_code: str = ""
    year: int | None = None
    format_id: str = ""
    note: str = ""  # why it is not included, or a remark (no last-year report found …)
    filled: dt.date | None = None  # 填报日期, when readable
    modified: float = 0.0  # file modification time (seconds since the epoch)
    form: FormData | None = field(default=None, repr=False)
    report: Report | None = field(default=None, repr=False)
    district: str = ""  # the district (summary) this agency's row came through, in a city's roll-up

    @property
    def name(self) -> str:
        """The file's name as shown and written in the summary (GBK bytes of a zip decoded)."""
        return readable(self.path.name)

    @property
    def included(self) -> bool:
        return self.status in INCLUDED_STATUSES

    @property
    def findings(self) -> list[Finding]:
        return self.report.findings if self.report else []

    @property
    def errors(self) -> int:
        return len(self.report.errors) if self.report else 0

    @property
    def warnings(self) -> int:
        """Open warnings (not explained)."""
        return len(self.report.warnings) if self.report else 0

    @property
    def explained(self) -> int:
        return len(self.report.explained) if self.report else 0

    @property
    def messages(self) -> list[str]:
        """The first few messages: errors first, then open warnings, then reader remarks."""
        if self.report is None:
            return []
        ordered = [*self.report.errors, *self.report.warnings]
        texts = [f.message for f in ordered] + list(self.form.problems if self.form else [])
        return texts[:FIRST_MESSAGES]


@dataclass(frozen=True)
class MissingAgency:
    """A roster agency whose figures are not in the summary, and why."""

    name: str
    credit_code: str = ""
    note: str = NOT_RECEIVED


@dataclass
class ConsolidationResult:
    output: Path
    year: int
    format_id: str
    district: str
    entries: list[Entry]
    missing: list[MissingAgency] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)  # files in folders that are no workbook
    summary_problems: list[str] = field(default_factory=list)  # the written summary failing 汇总
    csv: Path | None = None  # the long table written beside the summary (--csv)
    comparison: object = None  # compare.Comparison with last year, when --previous was given
    notices: list[str] = field(default_factory=list)  # what went wrong on the way, though the summary is whole
    seconds: float = 0.0

    @property
    def included(self) -> int:
        return sum(1 for e in self.entries if e.included)

    @property
    def excluded(self) -> int:
        return len(self.entries) - self.included

    @property
    def errors(self) -> int:
        """Error findings in the included workbooks."""
        return sum(e.errors for e in self.entries if e.included)

    @property
    def warnings(self) -> int:
        """Open warnings in the included workbooks."""
        return sum(e.warnings for e in self.entries if e.included)

    def count(self, status: Status) -> int:
        return sum(1 for e in self.entries if e.status == status)
