"""Expanding a RuleSpec over one format into concrete rule instances."""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ..formats import Format
from ..model import MAX_CHECKS
from .expr import TYPE_FUNCTIONS, Binary, Call, ExprError, Ref, parse, walk
from .load import RuleSpec
from .resolve import CellRef, labels_for, resolve

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
DYNAMIC_PLACEHOLDERS = ("lhs", "rhs", "value")
_TABLE_SELECTOR = re.compile(r"^(t\d)\.([a-z_]+)$")
_CELLS_SELECTOR = re.compile(r"^cells\((.*)\)$")


@dataclass(frozen=True)
class Instance:
    spec: RuleSpec
    instance_id: str
    tree: object  # parsed condition with every reference resolved (see resolve_tree)
    mark: tuple[str, ...]  # cell keys to colour, main cell first
    guarded: tuple[tuple[str, str], ...]  # (source, key) that must hold numbers to judge
    message: str  # labels and params filled in; {lhs} {rhs} {value} left for evaluation
    pending_if_blank: tuple[str, ...]

    @property
    def sources(self) -> set[str]:
        return {node.source for node in walk(self.tree) if isinstance(node, CellRef)}


class FieldError(ExprError):
    """An ExprError tied to the rule field it came from, so the line can be named."""

    def __init__(self, field_name: str, error: ExprError):
        super().__init__(str(error))
        self.field = field_name


def _in_field(field_name: str, func, *args):
    try:
        return func(*args)
    except FieldError:
        raise
    except ExprError as err:
        raise FieldError(field_name, err) from None


def expand(spec: RuleSpec, fmt: Format) -> list[Instance]:
    """All instances of a rule for one format; FieldError says what is wrong and where."""
    variables = {name: _in_field("for_each", bindings, selector, fmt) for name, selector in spec.for_each.items()}
    names = list(variables)
    count = 1
    for values in variables.values():
        count *= len(values)
    if count > MAX_CHECKS:  # counted before a single instance is made
        raise FieldError("for_each", ExprError(f"for_each 展开后有 {count} 项检查，超过上限 {MAX_CHECKS}"))
    instances = []
    for combo in itertools.product(*(variables[n] for n in names)):
        keys = {n: key for n, (key, _label) in zip(names, combo)}
        labels = {n: label for n, (_key, label) in zip(names, combo)}
        suffix = ",".join(keys[n] for n in names)
        instance_id = f"{spec.id}@{suffix}" if suffix else spec.id
        instances.append(_instance(spec, fmt, instance_id, keys, labels))
    return instances


def bindings(selector, fmt: Format) -> list[tuple[str, str]]:
    """Values a for_each variable takes, each with its Chinese label."""
    if isinstance(selector, list):
        labels = labels_for(fmt)
        return [(str(v), labels.get(str(v), str(v))) for v in selector]
    text = str(selector).strip()
    if match := _CELLS_SELECTOR.match(text):
        return _select_cells(match.group(1), fmt)
    if match := _TABLE_SELECTOR.match(text):
        return _select_axis(match.group(1), match.group(2), fmt)
    raise ExprError(f"无法理解的取值范围“{text}”（可用：t3.columns、t3.rows、表的行组或列组、cells(kind=count) 或列表）")


def _select_axis(table_key: str, name: str, fmt: Format) -> list[tuple[str, str]]:
    try:
        table = fmt.table(table_key)
    except StopIteration:
        raise ExprError(f"格式 {fmt.id} 中没有表 {table_key}") from None
    rows = {r.key: r.label for b in table.blocks for r in b.rows}
    columns = {c.key: c.label for b in table.blocks for c in b.columns}
    if name == "rows" or name in table.row_groups:
        return [(k, rows[k]) for k in fmt.group(table_key, name)]
    if name == "columns" or name in table.column_groups:
        return [(k, columns[k]) for k in fmt.group(table_key, name)]
    raise ExprError(f"表 {table_key} 中没有行组或列组“{name}”")


def _select_cells(arguments: str, fmt: Format) -> list[tuple[str, str]]:
    wanted: dict[str, set[str]] = {}
    for part in filter(None, (p.strip() for p in arguments.split(","))):
        name, _, value = part.partition("=")
        if name.strip() not in ("kind", "role", "table"):
            raise ExprError(f"cells() 只接受 kind、role、table 条件，不认识“{name.strip()}”")
        wanted[name.strip()] = {v.strip() for v in value.split("|")}

    def keep(cell) -> bool:
        facts = {"kind": cell.kind.value, "role": "total" if cell.is_total else "input", "table": cell.table.key}
        return all(facts[name] in values for name, values in wanted.items())

    return [(key, cell.label) for key, cell in fmt.cells.items() if keep(cell)]


def _substitute(text: str, values: dict[str, str], where: str, allowed_extra=()) -> str:
    def replace(match):
        name = match.group(1)
        if name in values:
            return str(values[name])
        if name in allowed_extra:
            return match.group(0)
        raise ExprError(f"{where}中的占位符“{{{name}}}”没有定义")
    return _PLACEHOLDER.sub(replace, text)


def _instance(spec: RuleSpec, fmt: Format, instance_id: str, keys: dict, labels: dict) -> Instance:
    condition = _in_field("assert", _substitute, spec.condition, {**keys, **spec.params}, "条件")
    tree = _in_field("assert", resolve_tree, _in_field("assert", parse, condition), fmt)
    _in_field("assert", _check_families, tree, False)
    refs = [n for n in walk(tree) if isinstance(n, CellRef)]
    mark = _in_field("mark", _mark_keys, spec, fmt, keys, refs)
    guard = spec.guard if spec.guard is not None else not _uses_type_functions(tree)
    guarded = tuple(dict.fromkeys((r.source, k) for r in refs for k in r.keys)) if guard else ()
    extras = {"document": fmt.document, "years": fmt.years_label}
    message = _in_field("message", _substitute, spec.message, {**labels, **spec.params, **extras}, "提示信息",
                        DYNAMIC_PLACEHOLDERS)
    pending = tuple(_in_field("pending_if_blank", _substitute, p, keys, "pending_if_blank")
                    for p in spec.pending_if_blank)
    return Instance(spec, instance_id, tree, mark, guarded, message, pending)


def _mark_keys(spec: RuleSpec, fmt: Format, keys: dict, refs: list[CellRef]) -> tuple[str, ...]:
    if spec.mark:
        marked = []
        for template in spec.mark:
            ref = resolve(tuple(_substitute(template, keys, "mark").split(".")), fmt)
            if not isinstance(ref, CellRef) or ref.source:
                raise ExprError(f"mark 中的“{template}”应为本表单元格")
            marked.extend(ref.keys)
        return tuple(dict.fromkeys(marked))
    return tuple(dict.fromkeys(k for r in refs if not r.source for k in r.keys))


def _check_families(node, in_sum: bool) -> None:
    """A family of cells has no single value: it may only appear inside sum()."""
    if isinstance(node, CellRef):
        if node.family and not in_sum:
            raise ExprError(f"“{'、'.join(node.keys[:2])}…”是一组单元格，只能用在 sum() 中")
        return
    if isinstance(node, Call):
        for arg in node.args:
            _check_families(arg, in_sum or node.name == "sum")
    elif isinstance(node, Binary):
        _check_families(node.left, in_sum)
        _check_families(node.right, in_sum)
    elif hasattr(node, "operand"):
        _check_families(node.operand, in_sum)


def _uses_type_functions(tree) -> bool:
    return any(isinstance(n, Call) and n.name in TYPE_FUNCTIONS for n in walk(tree))


def resolve_tree(node, fmt: Format):
    """Replace every Ref by a CellRef or Const; a family is allowed only under sum()/abs() or arithmetic."""
    if isinstance(node, Ref):
        return resolve(node.path, fmt)
    if isinstance(node, Call):
        return Call(node.name, tuple(resolve_tree(a, fmt) for a in node.args))
    if isinstance(node, Binary):
        return Binary(node.op, resolve_tree(node.left, fmt), resolve_tree(node.right, fmt))
    if hasattr(node, "operand"):
        return type(node)(node.op, resolve_tree(node.operand, fmt))
    return node
