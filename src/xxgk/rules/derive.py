"""Cells a reader could not place, worked out from the rule set's own equalities.

Each ``==`` rule instance whose sides are sums of the form's cells (三-勾稽, 三-合计列,
三-总计行, 四-合计 …) is a linear equation. A missing cell is derived when equations
fix it: it is the only unknown of an equation, and every equation where it is the only
unknown gives the same whole number ≥ 0; or the unknowns of an equation are counts
that must add up to 0 (counts are never negative), so each is 0. Repeated until
nothing more follows. Nothing is derived from an equation the known figures already
break: such a table is left to the rules to report.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..formats import Kind, get_format
from .engine import RuleSet
from .expr import Binary, Call, Num, Unary
from .resolve import CellRef

_NON_NEGATIVE = (Kind.COUNT, Kind.WAN, Kind.MONEY)


@dataclass(frozen=True)
class Equation:
    rule_id: str
    terms: dict  # cell key -> coefficient
    constant: Fraction  # sum(coefficient * cell) + constant == 0


@dataclass(frozen=True)
class Derived:
    key: str
    value: int
    rule_ids: tuple[str, ...]  # the rules whose equations gave it


def equations(ruleset: RuleSet, format_id: str) -> list[Equation]:
    found = []
    for instance in ruleset.instances(format_id):
        tree = instance.tree
        if not (isinstance(tree, Binary) and tree.op == "=="):
            continue
        left, right = _linear(tree.left), _linear(tree.right)
        if left is None or right is None:
            continue
        terms = dict(left[0])
        for key, coefficient in right[0].items():
            terms[key] = terms.get(key, 0) - coefficient
        terms = {k: c for k, c in terms.items() if c}
        if terms:
            found.append(Equation(instance.spec.id, terms, left[1] - right[1]))
    return found


def _linear(node):
    """(cell -> coefficient, constant) of a sum of cells and numbers; None for anything else."""
    if isinstance(node, Num) and not isinstance(node.value, bool):
        return {}, Fraction(node.value)
    if isinstance(node, CellRef) and node.source == "" and not node.family:
        return {node.keys[0]: 1}, Fraction(0)
    if isinstance(node, Call) and node.name == "sum":
        parts = [({k: 1 for k in a.keys}, Fraction(0)) if isinstance(a, CellRef) and a.source == "" else _linear(a)
                 for a in node.args]
        return _combine(parts, [1] * len(parts))
    if isinstance(node, Unary) and node.op == "-":
        inner = _linear(node.operand)
        return None if inner is None else ({k: -c for k, c in inner[0].items()}, -inner[1])
    if isinstance(node, Binary) and node.op in "+-":
        return _combine([_linear(node.left), _linear(node.right)], [1, 1 if node.op == "+" else -1])
    return None


def _combine(parts, signs):
    if any(p is None for p in parts):
        return None
    terms: dict = {}
    for (part_terms, _), sign in zip(parts, signs):
        for key, coefficient in part_terms.items():
            terms[key] = terms.get(key, 0) + sign * coefficient
    return terms, sum(sign * p[1] for p, sign in zip(parts, signs))


def derive(ruleset: RuleSet, format_id: str, values: dict, missing: set[str]) -> list[Derived]:
    """Values for missing cells that the equations fix, in the order they were found."""
    fmt = get_format(format_id)
    system = [e for e in equations(ruleset, format_id) if all(k in fmt.cells for k in e.terms)]
    known = {k: Fraction(v) for k, v in values.items() if k in fmt.cells and k not in missing
             and isinstance(v, (int, float)) and not isinstance(v, bool)}
    unknown = set(missing) & set(fmt.cells)
    derived: list[Derived] = []
    while True:
        found = _step(system, known, unknown, fmt)
        if not found:
            return derived
        for key, (value, rules) in found.items():
            known[key] = Fraction(value)
            unknown.discard(key)
            derived.append(Derived(key, value, rules))


def _step(system, known, unknown, fmt) -> dict:
    candidates: dict[str, set] = {}
    rules: dict[str, list[str]] = {}
    for equation in system:
        open_keys = [k for k in equation.terms if k in unknown]
        if not open_keys or any(k not in known for k in equation.terms if k not in unknown):
            continue
        rest = equation.constant + sum(c * known[k] for k, c in equation.terms.items() if k in known)
        for key, value in _solve(equation, open_keys, rest, fmt).items():
            candidates.setdefault(key, set()).add(value)
            rules.setdefault(key, []).append(equation.rule_id)
    return {k: (next(iter(v)), tuple(dict.fromkeys(rules[k]))) for k, v in candidates.items()
            if len(v) == 1 and next(iter(v)) is not None}


def _solve(equation: Equation, open_keys: list[str], rest: Fraction, fmt) -> dict:
    """What this equation alone says of its unknown cells: a value each, or None (contradiction)."""
    if len(open_keys) == 1:
        key = open_keys[0]
        value = -rest / equation.terms[key]
        ok = value.denominator == 1 and (value >= 0 or fmt.cells[key].kind not in _NON_NEGATIVE)
        return {key: int(value) if ok else None}
    signs = {equation.terms[k] > 0 for k in open_keys}
    counts = all(fmt.cells[k].kind in _NON_NEGATIVE for k in open_keys)
    if len(signs) == 1 and counts and rest == 0:
        return {k: 0 for k in open_keys}  # counts that add up to 0 are each 0
    return {}
