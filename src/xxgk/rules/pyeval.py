"""Evaluating a resolved condition tree in Python, with spreadsheet semantics.

A blank cell counts as 0 in arithmetic (as in Excel); text or an error value in
arithmetic makes the instance undetermined: the value rules report such cells.
Each tree is turned once into nested closures, then called per workbook.
"""
from __future__ import annotations

import operator
import re
from typing import Callable, Mapping

from ..identity import credit_code_problem
from ..model import Value
from .expr import Binary, Call, Num, Str, Unary
from .resolve import CellRef, Const

# env: source name ("" = the form itself, "prev", "agencies") -> values by key
Env = Mapping[str, Mapping[str, Value]]
Compiled = Callable[[Env], object]


class Undetermined(Exception):
    """The instance cannot be judged from these values."""


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def as_number(value):
    if is_number(value):
        return value
    if value is None:
        return 0
    raise Undetermined


_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul}
_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def compile_tree(node) -> Compiled:
    if isinstance(node, (Num, Str, Const)):
        value = node.value
        return lambda env: value
    if isinstance(node, CellRef):
        return _compile_ref(node)
    if isinstance(node, Call):
        return _compile_call(node)
    if isinstance(node, Unary):
        operand = compile_tree(node.operand)
        if node.op == "not":
            return lambda env: not operand(env)
        return lambda env: _elementwise(operator.neg, operand(env))
    return _compile_binary(node)


def _compile_ref(ref: CellRef) -> Compiled:
    source, keys = ref.source, ref.keys
    if ref.family:
        return lambda env: [env[source].get(k) for k in keys]
    key = keys[0]
    return lambda env: env[source].get(key)


def _compile_binary(node: Binary) -> Compiled:
    left, right = compile_tree(node.left), compile_tree(node.right)
    op = node.op
    if op == "and":
        return lambda env: bool(left(env)) and bool(right(env))
    if op == "or":
        return lambda env: bool(left(env)) or bool(right(env))
    if op in ("==", "!="):
        negate = op == "!="
        return lambda env: numbers_equal(left(env), right(env)) != negate
    if op in _ORDER:
        compare = _ORDER[op]
        return lambda env: compare(as_number(left(env)), as_number(right(env)))
    if op == "/":
        return lambda env: _elementwise(_divide, left(env), right(env))
    arithmetic = _ARITHMETIC[op]
    return lambda env: _elementwise(arithmetic, left(env), right(env))


def _divide(a, b):
    if b == 0:
        raise Undetermined
    return a / b


def numbers_equal(a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    a, b = as_number(a), as_number(b)
    return a == b or abs(a - b) < 1e-9 * max(1.0, abs(a), abs(b))


def _elementwise(func, *operands):
    """Apply to numbers, or element by element when an operand is a family."""
    lengths = {len(o) for o in operands if isinstance(o, list)}
    if not lengths:
        return func(*(as_number(o) for o in operands))
    if len(lengths) > 1:
        raise Undetermined
    (n,) = lengths
    columns = [o if isinstance(o, list) else [o] * n for o in operands]
    return [func(*(as_number(v) for v in values)) for values in zip(*columns)]


def _flatten(values):
    for value in values:
        if isinstance(value, list):
            yield from value
        else:
            yield value


def _text(value) -> str:
    if value is None:
        return ""
    if is_number(value):
        return format_number(value)
    return str(value)


_CALLS = {
    # like Excel's SUM, text inside a family is skipped
    "sum": lambda *args: sum(v for v in _flatten(args) if is_number(v)),
    "abs": lambda x: _elementwise(abs, x),
    "isnumber": is_number,
    "isblank": lambda x: x is None,
    "istext": lambda x: isinstance(x, str),
    "iswhole": lambda x: is_number(x) and float(x).is_integer(),
    "len": lambda x: len(_text(x)),
    # Excel's TRIM: runs of spaces become one, ends stripped; other whitespace kept
    "trim": lambda x: re.sub(" +", " ", x).strip(" ") if isinstance(x, str) else x,
    "iscreditcode": lambda x: x is not None and credit_code_problem(_text(x)) is None,
}


def _compile_call(node: Call) -> Compiled:
    func = _CALLS[node.name]
    args = [compile_tree(a) for a in node.args]
    return lambda env: func(*(a(env) for a in args))


def format_number(value) -> str:
    """12 -> '12', 7730.28 -> '7730.28', 1e-12 noise trimmed."""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def show(value: Value) -> str:
    """A value as the person should see it in a message."""
    if value is None:
        return "空白"
    return _text(value)
