"""Rules as data: rules.yaml → checks on filled forms and Excel formulas for the template."""
from __future__ import annotations

from ..formats import Format
from ..model import LiveCheck
from .engine import Report, RuleSet, load_rules
from .excel import NotCompilable, compilable, live_check
from .load import RulesError, default_rules_path


def live_checks_for(fmt: Format, ruleset: RuleSet) -> list[LiveCheck]:
    """Every instance that a workbook can check by itself, errors first."""
    checks = [live_check(i, fmt) for i in ruleset.instances(fmt.id) if compilable(i)]
    return sorted(checks, key=lambda c: c.severity != "error")


__all__ = ["Report", "RuleSet", "RulesError", "NotCompilable", "compilable", "load_rules", "live_checks_for",
           "default_rules_path"]
