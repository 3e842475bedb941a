"""A published report's figures as the rules judge them.

A published table leaves "none" blank: a blank reads as 0, said once in a note. It is a
finding only where it hides a figure the table needs: a 总计 left blank while its parts
add up to more than 0 (the row is named, and its parts' sum stands in for it so that no
other check trips over the same blank). Cells the import could not place are derived
where the rule set's equalities fix them, and said so. Knows no file format.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .catalogue import FindingKind
from .formats import Format, get_format
from .importer import ImportResult
from .model import Finding, FormData
from .rules import RuleSet
from .rules.derive import derive
from .rules.pyeval import show

BLANK_TOTAL_RULE = FindingKind.BLANK_TOTAL


@dataclass
class Published:
    form: FormData  # every cell the rules read: blanks as 0, derived cells filled, the rest None
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # blank totals that hide their parts
    derived: dict[str, str] = field(default_factory=dict)  # key -> the rules it was derived by
    missing: list[str] = field(default_factory=list)  # keys still unknown


def published_form(imported: ImportResult, ruleset: RuleSet) -> Published:
    fmt = get_format(imported.format_id)
    form = imported.to_form_data()
    result = Published(form)
    _blanks(imported, fmt, result)
    missing = {k for k in imported.missing if k in fmt.cells}
    for item in derive(ruleset, fmt.id, form.values, missing):
        form.values[item.key] = item.value
        result.derived[item.key] = "、".join(item.rule_ids)
        missing.discard(item.key)
    if result.derived:
        result.notes.append(f"未能从原文导入的 {len(result.derived)} 格由表格的勾稽关系推算得出："
                            + "；".join(f"{fmt.cells[k].label} = {form.values[k]}" for k in result.derived))
    for key in imported.derived:
        result.derived.setdefault(key, "原文合并一行")
    result.missing = [k for k in imported.missing if k in missing or k not in fmt.cells]
    result.notes = imported.notes + result.notes
    return result


def _blanks(imported: ImportResult, fmt: Format, result: Published) -> None:
    values = result.form.values
    blanks = set(imported.blanks)
    for key, cell in fmt.cells.items():  # parts come before their total in this order
        if key not in blanks:
            continue
        parts = [p for p in cell.total_of if p in imported.values]
        hidden = sum(values[p] for p in parts if isinstance(values[p], (int, float)))
        if cell.total_of and len(parts) == len(cell.total_of) and hidden > 0:
            values[key] = hidden
            result.findings.append(_blank_total(cell, fmt, hidden, imported.where.get(key, "")))
        else:
            values[key] = 0
    if blanks:
        tables = "、".join(f"表{t.number} {n} 格" for t in fmt.tables
                          if (n := sum(1 for k in blanks if k.startswith(t.key + "."))))
        result.notes.insert(0, f"原文留空 {len(blanks)} 格，按 0 计（{tables}）。")


def _blank_total(cell, fmt: Format, hidden, where: str) -> Finding:
    parts = [fmt.cells[p] for p in cell.total_of]
    across = parts[0].row is cell.row  # the parts are the row's columns, else the column's rows
    whose = f"本行{len(parts)}列" if across else f"本列{len(parts)}行"
    return Finding(
        rule_id=BLANK_TOTAL_RULE, severity="error", instance_id=f"{BLANK_TOTAL_RULE}@{cell.key}",
        message=BLANK_TOTAL_RULE.message(label=cell.label, whose=whose, hidden=show(hidden)),
        cells=(cell.key, *cell.total_of), location=cell.label, expected=show(hidden), actual="留空",
    )
