"""Turning names in a condition into cell keys of one format.

A reference is ``[source.]table.row.column`` or ``[source.]cover.field`` or
``format.attribute``. ``row`` may name a row group (or ``rows``), ``column`` a
column group (or ``columns``): such a reference is a *family* of cells, usable
inside ``sum()`` and in element-wise arithmetic.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import product

from ..formats import Format
from .expr import ExprError

SOURCES = ("prev", "agencies")  # other forms a rule may compare with
FORMAT_ATTRIBUTES = ("first_year", "last_year", "id", "document")


@dataclass(frozen=True)
class CellRef:
    source: str  # "" for the form under check, else one of SOURCES
    keys: tuple[str, ...]
    family: bool


@dataclass(frozen=True)
class Const:
    value: object


def resolve(path: tuple[str, ...], fmt: Format) -> CellRef | Const:
    source = ""
    if path[0] in SOURCES:
        source, path = path[0], path[1:]
    if not path:
        raise ExprError("引用不完整")
    if path[0] == "format" and not source:
        return _format_attribute(path, fmt)
    if path[0] == "cover":
        key = ".".join(path)
        if key not in fmt.cover_fields:
            raise ExprError(f"封面中没有“{key}”，可用：{'、'.join(fmt.cover_fields)}")
        return CellRef(source, (key,), False)
    return _table_ref(source, path, fmt)


def _format_attribute(path: tuple[str, ...], fmt: Format) -> Const:
    if len(path) != 2 or path[1] not in FORMAT_ATTRIBUTES:
        raise ExprError(f"“{'.'.join(path)}”不是格式属性，可用：format.{'、format.'.join(FORMAT_ATTRIBUTES)}")
    return Const(getattr(fmt, path[1]))


def _table_ref(source: str, path: tuple[str, ...], fmt: Format) -> CellRef:
    tables = {t.key for t in fmt.tables}
    if len(path) != 3 or path[0] not in tables:
        raise ExprError(f"“{'.'.join(path)}”不是单元格引用（应为 表.行.列，如 t3.new.natural）")
    table, row, column = path
    rows = _members(fmt, table, row, "rows")
    columns = _members(fmt, table, column, "columns")
    keys = tuple(k for r, c in product(rows, columns) if (k := f"{table}.{r}.{c}") in fmt.cells)
    family = len(rows) > 1 or len(columns) > 1
    if not keys:
        raise ExprError(f"格式 {fmt.id} 中没有单元格“{'.'.join(path)}”")
    return CellRef(source, keys, family)


def _members(fmt: Format, table: str, name: str, axis: str) -> tuple[str, ...]:
    """A row or column key, a named group of them, or all of them."""
    t = fmt.table(table)
    singles = fmt.group(table, axis)
    if name in singles:
        return (name,)
    groups = t.row_groups if axis == "rows" else t.column_groups
    if name == axis or name in groups:
        return fmt.group(table, name)
    label = "行" if axis == "rows" else "列"
    raise ExprError(f"表 {table} 中没有{label}“{name}”（格式 {fmt.id}）")


def labels_for(fmt: Format) -> dict[str, str]:
    """Chinese labels for every key a for_each variable may take: cells, cover fields, rows, columns."""
    labels: dict[str, str] = {}
    for table in fmt.tables:
        for block in table.blocks:
            for column in block.columns:
                labels.setdefault(column.key, column.label)
            for row in block.rows:
                labels.setdefault(row.key, row.label)
    labels.update({key: f.label for key, f in fmt.cover_fields.items()})
    labels.update({key: cell.label for key, cell in fmt.cells.items()})
    return labels
