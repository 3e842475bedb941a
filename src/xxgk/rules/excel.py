"""Compiling rule instances to Excel formulas for the template's live checks.

Cells are referred to by defined name only. ``and``/``or`` become nested IFs
so that, as in Python, the right side is not evaluated when the left decides:
``ISNUMBER(x)`` then guards ``x=INT(x)`` against #VALUE!.
"""
from __future__ import annotations

import re

from ..formats import Format, defined_name
from ..model import LiveCheck
from .compile import Instance
from .expr import Binary, Call, Num, Str, Unary, walk
from .resolve import CellRef, Const

_EXCEL_OPS = {"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "+": "+", "-": "-", "*": "*", "/": "/"}
_FUNCTIONS = {"sum": "SUM", "abs": "ABS", "isnumber": "ISNUMBER", "isblank": "ISBLANK", "istext": "ISTEXT",
              "len": "LEN", "trim": "TRIM"}
_DYNAMIC = re.compile(r"\{(lhs|rhs|value)\}")


class NotCompilable(Exception):
    """The instance needs data a workbook does not hold (last year's, the agencies')."""


def compilable(instance: Instance) -> bool:
    """Only the form's own cells, and only functions Excel has (a credit code's check character is
    judged by xxgk validate alone)."""
    calls = {node.name for node in walk(instance.tree) if isinstance(node, Call)}
    return instance.sources <= {""} and calls <= {*_FUNCTIONS, "iswhole"}


def formula(node) -> str:
    if isinstance(node, (Num, Const)) and isinstance(node.value, (int, float)):
        return repr(node.value)
    if isinstance(node, (Str, Const)):
        return _string(str(node.value))
    if isinstance(node, CellRef):
        if node.source:
            raise NotCompilable(node.source)
        if node.family:
            raise NotCompilable("family outside sum()")
        return defined_name(node.keys[0])
    if isinstance(node, Call):
        return _call(node)
    if isinstance(node, Unary):
        inner = formula(node.operand)
        return f"NOT({inner})" if node.op == "not" else f"-({inner})"
    return _binary(node)


def _call(node: Call) -> str:
    if node.name == "sum":
        names = [defined_name(k) for a in node.args for k in _family_keys(a)]
        return f"SUM({','.join(names)})"
    (arg,) = node.args
    inner = formula(arg)
    if node.name == "iswhole":
        return f"IF(ISNUMBER({inner}),{inner}=INT({inner}),FALSE)"
    return f"{_FUNCTIONS[node.name]}({inner})"


def _family_keys(node) -> tuple[str, ...]:
    if isinstance(node, CellRef) and not node.source:
        return node.keys
    raise NotCompilable("sum() of an expression")


def _binary(node: Binary) -> str:
    left, right = formula(node.left), formula(node.right)
    if node.op == "and":
        return f"IF({left},{right},FALSE)"
    if node.op == "or":
        return f"IF({left},TRUE,{right})"
    return f"({left}{_EXCEL_OPS[node.op]}{right})"


def _string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fail_formula(instance: Instance) -> str:
    """TRUE when the instance fails; FALSE when it passes or cannot be judged."""
    check = formula(instance.tree)
    if not instance.guarded:
        return f"NOT({check})"
    names = [defined_name(key) for _source, key in instance.guarded]
    return f"IF(COUNT({','.join(names)})={len(names)},NOT({check}),FALSE)"


def detail_formula(instance: Instance) -> str:
    """The rule's Chinese message with its numbers, as an Excel text formula."""
    tree = instance.tree
    sides = {}
    if isinstance(tree, Binary) and tree.op in ("==", "!=", "<", "<=", ">", ">="):
        sides = {"lhs": formula(tree.left), "rhs": formula(tree.right)}
    main = defined_name(instance.mark[0]) if instance.mark else None
    if main:
        sides["value"] = f'IF(ISBLANK({main}),"空白",{main}&"")'
    parts, pos = [], 0
    for match in _DYNAMIC.finditer(instance.message):
        parts.append(_string(instance.message[pos:match.start()]))
        expression = sides.get(match.group(1))
        parts.append(f"({expression})" if expression else '""')
        pos = match.end()
    parts.append(_string(instance.message[pos:]))
    return "IFERROR(" + "&".join(p for p in parts if p != '""') + ',"")'


def live_check(instance: Instance, fmt: Format) -> LiveCheck:
    key = instance.mark[0] if instance.mark else ""
    location = fmt.cells[key].label if key in fmt.cells else fmt.cover_fields[key].label_full
    spec = instance.spec
    return LiveCheck(
        instance_id=instance.instance_id, rule_id=spec.id, severity=spec.severity, location=location,
        description=spec.title or spec.id, fail_formula=fail_formula(instance),
        detail_formula=detail_formula(instance), cells=instance.mark,
        pending_if_blank=instance.pending_if_blank,
    )

