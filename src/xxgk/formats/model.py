"""The shape of a national report format, as plain immutable data.

A format is tables of blocks; a block is rows x columns; a cell is keyed
``table.row.column``. Labels are exactly as the printed form shows them.
Everything else (template layout, defined names, readers, rules) is derived
from these objects.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from enum import Enum


class Kind(str, Enum):
    """What a cell may hold."""

    COUNT = "count"  # whole number >= 0
    SIGNED = "signed"  # whole number, may be negative (本年增/减)
    WAN = "wan"  # amount in 万元, decimal >= 0
    MONEY = "money"  # money amount, decimal >= 0
    TEXT = "text"  # cover fields
    YEAR = "year"
    DATE = "date"


NAME_PREFIX = "xxgk_"


def defined_name(key: str) -> str:
    """Workbook defined name for a cell key: ``t3.new.natural`` -> ``xxgk_t3_new_natural``.

    The prefix keeps names from ever looking like A1 or R1C1 references.
    """
    return NAME_PREFIX + key.replace(".", "_")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = Kind.COUNT
    # header labels above this column, outermost first (e.g. ("法人或其他组织",))
    path: tuple[str, ...] = ()
    # a total column: the name of the column group it adds up
    total_of: str | None = None


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    # group labels to the left of this row, outermost first
    path: tuple[str, ...] = ()
    total_of: str | None = None
    # the row of last year's report this row starts from (二、上年结转 <- 四、结转下年度继续办理)
    carried_from: str | None = None


@dataclass(frozen=True)
class Block:
    """Rows x columns under one heading (a 第二十条第（x）项 block of table 二, or a whole table)."""

    key: str
    label: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    corner: str = ""  # label of the top-left header cell, e.g. 信息内容
    header: str = ""  # label spanning all value columns, e.g. 申请人情况


@dataclass(frozen=True)
class Table:
    key: str  # t2, t3, t4
    number: str  # 二, 三, 四
    title: str
    blocks: tuple[Block, ...]
    note: str = ""
    # wide: each row is printed as a column group side by side (table 四)
    wide: bool = False
    row_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    column_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Cell:
    key: str
    table: Table
    block: Block
    row: Row
    column: Column
    total_of: tuple[str, ...] = ()  # keys this total cell adds up; empty for inputs

    @property
    def kind(self) -> Kind:
        return self.column.kind

    @property
    def is_total(self) -> bool:
        return bool(self.total_of)

    @property
    def name(self) -> str:
        return defined_name(self.key)

    @property
    def label(self) -> str:
        """Human label: 表三 · 一、本年新收… × 自然人."""
        row_label = self.row.label or self.block.label
        if self.table.wide:
            row_label = " ".join((*self.row.path, self.row.label))
        column = " ".join((*self.column.path, self.column.label)) if self.column.path else self.column.label
        return f"表{self.table.number} · {row_label} × {column}"


@dataclass(frozen=True)
class CoverField:
    key: str  # cover.agency ...
    label: str
    kind: Kind
    required: bool
    prompt: str

    @property
    def name(self) -> str:
        return defined_name(self.key)

    @property
    def label_full(self) -> str:
        return f"封面 · {self.label}"


@dataclass(frozen=True)
class Format:
    id: str  # "2021" or "2019"
    document: str  # 国办公开办函〔2021〕30号
    first_year: int
    last_year: int
    tables: tuple[Table, ...]
    cover: tuple[CoverField, ...]

    @property
    def years_label(self) -> str:
        """The report years this format is for, in Chinese."""
        if self.last_year >= 9999:
            return f"{self.first_year} 年及以后"
        return f"{self.first_year}—{self.last_year} 年"

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    @cached_property
    def cells(self) -> dict[str, Cell]:
        """Every table cell, in reading order (table, block, row, column)."""
        cells: dict[str, Cell] = {}
        for table in self.tables:
            for block in table.blocks:
                for row in block.rows:
                    for column in block.columns:
                        key = f"{table.key}.{row.key}.{column.key}"
                        cells[key] = Cell(key, table, block, row, column, _total_of(table, row, column))
        return cells

    @cached_property
    def carried_over(self) -> dict[str, str]:
        """Input cells that start from last year's report: this year's key -> last year's key."""
        return {key: f"{cell.table.key}.{cell.row.carried_from}.{cell.column.key}"
                for key, cell in self.cells.items() if cell.row.carried_from and not cell.is_total}

    @cached_property
    def key_figures(self) -> tuple[str, ...]:
        """The figures that sum a table up: every cell that is no part of a total, in a row that is
        not itself added into a total row (表三: 新收, 结转, 总计, 结转下年度 of the 总计 column; 表二: all)."""
        parts = {part for cell in self.cells.values() for part in cell.total_of}
        summed_rows = {(t.key, r) for t in self.tables for b in t.blocks for row in b.rows if row.total_of
                       for r in t.row_groups[row.total_of]}
        return tuple(key for key, cell in self.cells.items()
                     if key not in parts and (cell.table.key, cell.row.key) not in summed_rows)

    @cached_property
    def cover_fields(self) -> dict[str, CoverField]:
        return {f.key: f for f in self.cover}

    def group(self, table_key: str, name: str) -> tuple[str, ...]:
        """Row or column keys of a named group, or of all rows / columns."""
        table = self.table(table_key)
        if name == "rows":
            return tuple(r.key for b in table.blocks for r in b.rows)
        if name == "columns":
            return tuple(dict.fromkeys(c.key for b in table.blocks for c in b.columns))
        if name in table.row_groups:
            return table.row_groups[name]
        return table.column_groups[name]


def _total_of(table: Table, row: Row, column: Column) -> tuple[str, ...]:
    if column.total_of:
        return tuple(f"{table.key}.{row.key}.{c}" for c in table.column_groups[column.total_of])
    if row.total_of:
        return tuple(f"{table.key}.{r}.{column.key}" for r in table.row_groups[row.total_of])
    return ()
