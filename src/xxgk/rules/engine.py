"""Running a rule set over filled forms. Knows nothing of files or Excel."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterable

from ..catalogue import Status
from ..formats import FORMATS, get_format
from ..model import MAX_CHECKS, Finding, FormData
from .compile import Instance, expand
from .expr import Binary, ExprError
from .load import RuleSpec, RulesError, read_specs
from .pyeval import Undetermined, compile_tree, is_number, show


@dataclass
class Report:
    """Everything found in one form."""

    form: FormData
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        """Open warnings: those the clerk has not explained."""
        return [f for f in self.findings if f.severity == "warning" and not f.explained]

    @property
    def explained(self) -> list[Finding]:
        return [f for f in self.findings if f.explained]

    @property
    def explainable(self) -> bool:
        """A warning failed: a clerk's 说明 could mark it explained (nothing else can change what fails)."""
        return any(f.severity == "warning" for f in self.findings)

    @property
    def status(self) -> Status:
        if self.errors:
            return Status.ERRORS
        if self.warnings:
            return Status.WARNINGS
        return Status.EXPLAINED if self.explained else Status.PASSED


class CompiledInstance:
    """An instance with its condition turned into Python closures once."""

    def __init__(self, instance: Instance):
        self.instance = instance
        tree = instance.tree
        self.check = compile_tree(tree)
        self.sides = (compile_tree(tree.left), compile_tree(tree.right)) if _is_comparison(tree) else None
        self.needs = instance.sources - {""}


def _is_comparison(tree) -> bool:
    return isinstance(tree, Binary) and tree.op in ("==", "!=", "<", "<=", ">", ">=")


class RuleSet:
    def __init__(self, specs: list[RuleSpec], path: str = ""):
        self.specs = specs
        self.path = path
        self._compiled: dict[str, list[CompiledInstance]] = {}
        problems = [p for fid in FORMATS for p in self._expand_all(fid)]
        problems += [f"{s.source}: 规则“{s.id}”没有匹配到任何单元格" for s in specs
                     if not self._matched(s) and not any(f"规则“{s.id}”" in p for p in problems)]
        if problems:
            raise RulesError(list(dict.fromkeys(problems)))

    def _expand_all(self, format_id: str) -> list[str]:
        fmt, problems, compiled = get_format(format_id), [], []
        for spec in self.specs:
            if format_id not in spec.formats:
                continue
            try:
                compiled.extend(CompiledInstance(i) for i in expand(spec, fmt))
            except ExprError as err:
                where = spec.where(getattr(err, "field", ""))
                problems.append(f"{where}: 规则“{spec.id}”（格式 {format_id}）：{err}")
        if len(compiled) > MAX_CHECKS:
            problems.append(f"{self.path or '规则文件'}: 格式 {format_id} 的规则共展开为 {len(compiled)} 项检查，"
                            f"超过上限 {MAX_CHECKS}")
        self._compiled[format_id] = compiled
        return problems

    def _matched(self, spec: RuleSpec) -> bool:
        return any(c.instance.spec is spec for fid in spec.formats for c in self._compiled.get(fid, ()))

    def instances(self, format_id: str) -> list[Instance]:
        return [c.instance for c in self._compiled[format_id]]

    def compiled(self, format_id: str) -> list[CompiledInstance]:
        """The format's instances, each with its condition compiled, in the order they are judged."""
        return self._compiled[format_id]

    @cached_property
    def ids(self) -> list[str]:
        return [s.id for s in self.specs]

    def validate(self, form: FormData, previous: FormData | None = None,
                 agencies: FormData | None = None) -> Report:
        """Every failing instance of every rule for this form's format."""
        return judge_all(self._compiled[form.format_id], environment(form, previous, agencies), form)


def environment(form: FormData, previous: FormData | None, agencies: FormData | None) -> dict:
    """The values a condition may read: the form's own, and last year's or the agencies' when given."""
    env = {"": form.values}
    if previous is not None:
        env["prev"] = previous.values
    if agencies is not None:
        env["agencies"] = agencies.values
    return env


def judge_all(compiled: Iterable[CompiledInstance], env, form: FormData) -> Report:
    findings = (_judge(c, env, form) for c in compiled)
    return Report(form, [f for f in findings if f is not None])


def _judge(compiled: CompiledInstance, env, form: FormData) -> Finding | None:
    instance = compiled.instance
    if not compiled.needs <= env.keys():
        return None
    if any(not is_number(env[src].get(key)) for src, key in instance.guarded):
        return None
    try:
        if compiled.check(env):
            return None
        sides = tuple(side(env) for side in compiled.sides) if compiled.sides else None
    except Undetermined:
        return None
    return _finding(instance, env, form, sides)


def _finding(instance: Instance, env, form: FormData, sides) -> Finding:
    main = instance.mark[0] if instance.mark else ""
    value = env[""].get(main)
    lhs, rhs = (show(s) for s in sides) if sides else ("", "")
    message = fill_message(instance.message, {"lhs": lhs, "rhs": rhs, "value": show(value)})
    spec = instance.spec
    explanation = form.explanations.get(instance.instance_id, "") if spec.severity == "warning" else ""
    return Finding(
        rule_id=spec.id, severity=spec.severity, instance_id=instance.instance_id, message=message,
        cells=instance.mark, location=_location(main, form.format_id),
        expected=rhs, actual=lhs if sides else show(value), explanation=explanation,
    )


_DYNAMIC = re.compile(r"\{(lhs|rhs|value)\}")


def fill_message(message: str, values: dict[str, str]) -> str:
    """{lhs} {rhs} {value} replaced; nothing else in the text is acted on (never ``str.format``)."""
    return _DYNAMIC.sub(lambda match: values[match.group(1)], message)


def _location(key: str, format_id: str) -> str:
    fmt = get_format(format_id)
    if key in fmt.cells:
        return fmt.cells[key].label
    if key in fmt.cover_fields:
        return fmt.cover_fields[key].label_full
    return key


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Read, check and compile a rules file (default: the project's rules.yaml).

    The file is read and parsed every time (a few milliseconds), so an edited file is always seen;
    compiling its rules (half a second) is done once per distinct content and path: a RuleSet is
    never changed once built, and the Excel buttons, the demo and a long session load the rules often.
    """
    specs = read_specs(path)
    key = (repr(specs), str(path or ""))
    if key not in _COMPILED:
        if len(_COMPILED) >= _COMPILED_KEPT:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[key] = RuleSet(specs, key[1])
    return _COMPILED[key]


_COMPILED: dict[tuple[str, str], RuleSet] = {}  # (the specs' repr, path) -> their RuleSet, oldest first
_COMPILED_KEPT = 4
