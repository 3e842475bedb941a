"""Neutral data passed between readers, the rule engine and writers.

Nothing here knows about files, Excel or rules: a reader fills a FormData,
the engine turns it into Findings, writers present them.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class CellError:
    """An Excel error value found in a cell, e.g. ``#REF!``."""

    code: str

    def __str__(self) -> str:
        return self.code


# What a cell holds after reading: a number, text, nothing, or an error value.
Value = Union[int, float, str, None, CellError]


@dataclass
class FormData:
    """One filled report: every cell value by key (``t3.new.natural``, ``cover.year``)."""

    source: str  # file path or other label shown to the user
    format_id: str
    values: Mapping[str, Value]  # a dict from a reader; a compact or spooled mapping for a province's thousands
    template_version: str = ""
    formulas: frozenset[str] = frozenset()  # keys whose cell holds a formula
    explanations: dict[str, str] = field(default_factory=dict)  # instance id -> 说明
    addresses: dict[str, str] = field(default_factory=dict)  # key -> "表三!D5"
    problems: list[str] = field(default_factory=list)  # reader remarks (Chinese), not rule findings
    sheets: tuple[str, ...] = ()  # the workbook's sheet names, in order (a summary has sheets of its own)
    origin: str = ""  # "summary" / "marked": one of our own outputs (see xxgk.origin), not an agency's file


@dataclass(frozen=True)
class Finding:
    """One failed rule instance."""

    rule_id: str
    severity: str  # "error" | "warning"
    instance_id: str  # rule id plus its bound variables, stable across runs
    message: str  # Chinese, with the numbers
    cells: tuple[str, ...]  # keys of the cells to mark; the first is the main one
    location: str = ""  # 表三 · row × column of the main cell
    expected: str = ""
    actual: str = ""
    explanation: str = ""  # the clerk's 说明, when one was written

    @property
    def explained(self) -> bool:
        return self.severity == "warning" and bool(self.explanation.strip())


# The most rule instances one format may have (ours: about 460). The rule loader refuses more, and a
# reader reads no more rows of a workbook's 校验结果 area (the template lists one instance a row).
MAX_CHECKS = 5000


@dataclass(frozen=True)
class LiveCheck:
    """A rule instance compiled to Excel formulas, for the template's live checks.

    Formulas refer to cells by defined name only, so they survive inserted rows
    and never depend on the template's layout.
    """

    instance_id: str
    rule_id: str
    severity: str
    location: str  # where, in Chinese
    description: str  # what is checked, in Chinese
    fail_formula: str  # Excel expression, TRUE when the instance fails (no leading '=')
    detail_formula: str  # Excel expression giving the Chinese message with the numbers
    cells: tuple[str, ...]  # keys of the cells to colour when failing
    pending_if_blank: tuple[str, ...] = ()  # keys: while any is blank, show 待填写, not 不通过
