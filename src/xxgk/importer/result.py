"""What importing a published report gives back."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..formats import get_format
from ..model import Finding, FormData, Value


@dataclass(frozen=True)
class Source:
    """Where the agency, year or format was read from: 标题, 首段, 统计期限, 表格, 落款, 表格标签, 报告年度."""

    source: str
    where: str = ""  # 第3行, 第2页
    text: str = ""  # the words it was read from


@dataclass
class ImportResult:
    source: str
    format_id: str
    agency: str | None
    year: int | None
    # every cell placed, by key (t3.new.natural, cover.year); a printed blank is None
    values: dict[str, Value] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # keys that could not be placed
    blanks: list[str] = field(default_factory=list)  # keys printed as blank, “/”, “—”, “无”
    problems: list[str] = field(default_factory=list)  # Chinese remarks on what was not imported
    notes: list[str] = field(default_factory=list)  # Chinese remarks on how figures were read (units, order)
    derived: list[str] = field(default_factory=list)  # keys whose figure follows from the table, not printed
    narrative: list[Finding] = field(default_factory=list)  # 叙述-一致 / 叙述-年度 warnings
    statements: list = field(default_factory=list)  # the figures the text states (narrative.Statement)
    year_findings: list[Finding] = field(default_factory=list)  # the 叙述-年度 part of ``narrative``
    where: dict[str, str] = field(default_factory=dict)  # key -> where its figure was printed (原文第3页)
    found: dict[str, Source] = field(default_factory=dict)  # agency / year / format -> where it came from
    tables: list[str] = field(default_factory=list)  # keys of the tables any figure was placed in (t2, t3, t4)

    @property
    def complete(self) -> bool:
        return not self.missing

    def to_form_data(self) -> FormData:
        """The neutral form for the rule engine and writers: cells not placed are None (blank)."""
        fmt = get_format(self.format_id)
        values: dict[str, Value] = {key: None for key in fmt.cells}
        values.update(self.values)
        return FormData(
            source=self.source,
            format_id=self.format_id,
            values=values,
            addresses=dict(self.where),
            problems=list(self.problems),
        )
