"""The rule engine's answer, fast: one generated function tells which instances surely pass.

``RuleSet.validate`` judges each of a format's ~460 instances through a tree of
closures with guards, about 3 µs each. Here the instances are compiled once per
(rule set, format) into the body of one straight-line Python function over local
variables. It only *clears* instances, and only those whose cells all hold
plain numbers — the usual case: an instance it does not clear, every instance
reading a blank or text cell, and every instance it cannot compile (text
functions, division, last year's or the agencies' figures) are judged by the
engine itself (``engine.judge_all``), so messages, order and findings are
exactly the engine's.
"""
from __future__ import annotations

import math
import weakref
from operator import itemgetter

from ..formats import get_format
from ..model import FormData
from .engine import Report, RuleSet, environment, judge_all
from .expr import Binary, Call, Num, Unary
from .pyeval import numbers_equal
from .resolve import CellRef, Const

_COMPARE = {"<", "<=", ">", ">="}
_ARITHMETIC = {"+", "-", "*"}
_NUMBERS = frozenset({int, float})


class NotFast(Exception):
    """This node has no plain-number translation; the engine judges the instance."""


class _Generator:
    """Python source for one instance's condition, valid when every cell read is an int or float."""

    def __init__(self, variables: dict[str, str], constants: list):
        self.variables = variables  # cell key -> local variable name
        self.constants = constants

    def var(self, ref: CellRef) -> str:
        if ref.source or ref.family:
            raise NotFast
        return self.variables.setdefault(ref.keys[0], f"v{len(self.variables)}")

    def truth(self, node) -> str:
        """Source whose truth value is the condition's, in a boolean position."""
        if isinstance(node, Binary) and node.op in ("and", "or"):
            return _joined(self.truth(node.left), node.op, self.truth(node.right))
        if isinstance(node, Unary) and node.op == "not":
            return f"(not {self.truth(node.operand)})"
        if isinstance(node, Binary) and node.op in ("==", "!="):
            left, right = self.number(node.left), self.number(node.right)
            test = f"({left} == {right} or _eq({left}, {right}))"  # exact equality is the usual case
            return test if node.op == "==" else f"(not {test})"
        if isinstance(node, Binary) and node.op in _COMPARE:
            return f"({self.number(node.left)} {node.op} {self.number(node.right)})"
        if isinstance(node, Call) and node.name in ("isnumber", "isblank", "istext", "iswhole"):
            (arg,) = node.args
            if not isinstance(arg, CellRef):
                raise NotFast
            name = self.var(arg)
            return {"isnumber": "True", "isblank": "False", "istext": "False",
                    "iswhole": f"(type({name}) is int or float({name}).is_integer())"}[node.name]
        raise NotFast

    def number(self, node) -> str:
        """Source of a numeric value (the engine's as_number is the identity on numbers)."""
        if isinstance(node, (Num, Const)) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            if math.isfinite(node.value):
                return f"({node.value!r})"  # a literal: repr gives back the very number
            self.constants.append(node.value)
            return f"K[{len(self.constants) - 1}]"
        if isinstance(node, CellRef):
            return self.var(node)
        if isinstance(node, Unary) and node.op == "-":
            return f"(-{self.number(node.operand)})"
        if isinstance(node, Binary) and node.op in _ARITHMETIC:
            return f"({self.number(node.left)} {node.op} {self.number(node.right)})"
        if isinstance(node, Call) and node.name == "abs" and len(node.args) == 1:
            return f"abs({self.number(node.args[0])})"
        if isinstance(node, Call) and node.name == "sum":
            return "sum((" + "".join(f"{part}, " for part in self.parts(node.args)) + "))"
        raise NotFast

    def parts(self, args) -> list[str]:
        """sum()'s operands flattened in order, as the engine flattens families."""
        parts = []
        for arg in args:
            if not isinstance(arg, CellRef) or arg.source:
                raise NotFast
            parts.extend(self.variables.setdefault(key, f"v{len(self.variables)}") for key in arg.keys)
        return parts


def _joined(left: str, op: str, right: str) -> str:
    """``left op right`` in a boolean position, a side that is a constant truth value folded away."""
    decides, neutral = ("False", "True") if op == "and" else ("True", "False")
    if decides in (left, right):  # the other side only compares numbers: nothing is lost by not running it
        return decides
    if left == neutral:
        return right
    if right == neutral:
        return left
    return f"({left} {op} {right})"


class _Tracked(dict):
    """The variables so far, noting the cells one instance reads."""

    def __init__(self, known: dict[str, str]):
        super().__init__(known)
        self.read: set[str] = set()

    def setdefault(self, key: str, default=None):
        self.read.add(key)
        return super().setdefault(key, default)


class FastRules:
    """One rule set's instances of one format, split into generated checks and engine-judged ones."""

    def __init__(self, ruleset: RuleSet, format_id: str):
        self.compiled = ruleset.compiled(format_id)
        self.cells = set(get_format(format_id).cells)
        variables: dict[str, str] = {}
        constants: list = []
        lines, self.exact, self.foreign = [], [], []
        readers: dict[str, list[int]] = {}  # cell key -> the generated instances that read it
        for index, compiled in enumerate(self.compiled):
            sources = compiled.needs
            if sources:
                self.foreign.append((index, sources))  # last year's or the agencies' figures
                continue
            generator = _Generator(_Tracked(variables), constants)
            try:
                test = generator.truth(compiled.instance.tree)
                if not set(generator.variables.read) <= self.cells:
                    raise NotFast  # cover fields hold text: the engine judges those
            except (NotFast, ValueError, RecursionError):
                self.exact.append(index)
                continue
            variables = dict(generator.variables)
            for key in generator.variables.read:
                readers.setdefault(key, []).append(index)
            lines.append(f"    if not {test}: bad.append({index})")
        self.foreign_by_sources: dict[frozenset, list[int]] = {}
        for index, sources in self.foreign:
            self.foreign_by_sources.setdefault(frozenset(sources), []).append(index)
        self.keys = tuple(variables)
        # per position in ``keys``: the generated instances that read that cell
        self.readers = tuple(frozenset(readers.get(key, ())) for key in self.keys)
        self.read = itemgetter(*self.keys) if len(self.keys) > 1 else (lambda values: (values[self.keys[0]],))
        self.generated = [index for index in range(len(self.compiled))
                          if index not in set(self.exact) and index not in {i for i, _ in self.foreign}]
        try:
            self.quick = _build(variables, constants, lines)
        except (SyntaxError, RecursionError, MemoryError, ValueError):  # the engine then judges everything
            self.quick = lambda _cells: list(self.generated)

    def suspects(self, values) -> list[int]:
        """Indexes the generated checks cannot clear: those that fail, and those reading a cell that
        is not a plain number (blank, text), which the generated code cannot judge."""
        try:
            read = self.read(values)
        except (KeyError, TypeError):
            return self.generated
        unjudged: set[int] = set()
        if not set(map(type, read)) <= _NUMBERS:
            odd = [at for at, value in enumerate(read) if type(value) not in _NUMBERS]
            unjudged = set().union(*(self.readers[at] for at in odd))
            read = list(read)
            for at in odd:
                read[at] = 0  # read only by the unjudged instances, whose verdict here is not used
        try:
            return sorted(unjudged.union(self.quick(read))) if unjudged else self.quick(read)
        except Exception:  # an overflow or the like: the engine decides every instance
            return self.generated


def _build(variables: dict[str, str], constants: list, lines: list[str]):
    names = ", ".join(variables.values())
    source = "def quick(cells):\n"
    if variables:
        source += f"    {names}{',' if len(variables) == 1 else ''} = cells\n"
    source += "    bad = []\n" + "\n".join(lines) + "\n    return bad\n"
    namespace = {"_eq": numbers_equal, "K": tuple(constants)}
    exec(compile(source, "<xxgk fast rules>", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace["quick"]


_CACHE: "weakref.WeakKeyDictionary[RuleSet, dict[str, FastRules]]" = weakref.WeakKeyDictionary()


def fast_rules(ruleset: RuleSet, format_id: str) -> FastRules:
    per_format = _CACHE.setdefault(ruleset, {})
    if format_id not in per_format:
        per_format[format_id] = FastRules(ruleset, format_id)
    return per_format[format_id]


def validate_fast(ruleset: RuleSet, form: FormData, previous: FormData | None = None,
                  agencies: FormData | None = None) -> Report:
    """Exactly ``ruleset.validate(form, previous, agencies)``, without judging what surely passes."""
    rules = fast_rules(ruleset, form.format_id)
    env = environment(form, previous, agencies)
    judged = set(rules.suspects(form.values))
    judged.update(rules.exact)
    for sources, indexes in rules.foreign_by_sources.items():
        if sources <= env.keys():
            judged.update(indexes)
    return judge_all((rules.compiled[index] for index in sorted(judged)), env, form)
