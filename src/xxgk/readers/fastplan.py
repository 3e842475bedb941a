"""Where a template's report cells are, derived once per distinct workbook structure.

A district's thousands of files made from one template share their structural
parts (relationships, workbook.xml with its defined names): the careful reader's
own code derives the Plan from them once, keyed by those parts' compressed
bytes, and each format's Plan is flattened into the per-sheet lists the fast
reader walks (``Layout``). Nothing here is keyed on what a clerk typed.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property

from ..formats import Format
from .fastsheet import Picker
from .fastzip import Doubt, MemoryArchive, RawZip
from .refs import Area, column_letters
from .workbook import FORMAT_NAME, VERSION_NAME, Plan, WorkbookReader


@dataclass(frozen=True)
class Table:
    """The report cells of one sheet, in the order the careful reader's plan lists them."""

    sheet: str
    keys: tuple[str, ...]
    refs: tuple[bytes, ...]  # b"D8" for each key
    positions: tuple[tuple[int, int], ...]
    wanted: frozenset  # what the careful reader's scan of this sheet asks for (it stops below the last row)
    picker: Picker  # picks the cells of the wanted columns out of a plain data region

    @classmethod
    def of(cls, sheet: str, cells: list[tuple[str, tuple[int, int]]], wanted: frozenset) -> "Table":
        refs = tuple(f"{column_letters(col)}{row}".encode() for _key, (row, col) in cells)
        picker = Picker(max(row for row, _col in wanted))
        return cls(sheet, tuple(key for key, _p in cells), refs, tuple(p for _k, p in cells), wanted, picker)


@dataclass
class Layout:
    """One format's Plan in a given structure, flattened for quick lookups."""

    plan: Plan
    addresses: dict[str, str]
    order: tuple[str, ...]  # every cover and table key, as FormData.values lists them
    tables: tuple[Table, ...]  # sheets holding report cells: read per file, never cached
    others: dict[str, frozenset]  # other sheets the scan reads (the check area's) -> positions


@dataclass
class Structure:
    reader: WorkbookReader  # the careful reader's view of names and sheets (its archive dropped)
    layouts: dict[tuple[str, bool], Layout] = field(default_factory=dict)

    @cached_property
    def markers(self) -> list[tuple[str, tuple[int, int]]]:
        targets = [self.reader.names.get(name) for name in (FORMAT_NAME, VERSION_NAME)]
        if any(t is None or t.area is None for t in targets):
            raise Doubt("marker names missing")
        return [(t.area.sheet, (t.area.first_row, t.area.first_col)) for t in targets]

    @cached_property
    def marker_wanted(self) -> dict[str, frozenset]:
        return by_sheet(self.markers)

    @cached_property
    def check_area(self) -> Area | None:
        return self.reader.check_area  # bounded as the careful reader bounds it

    def layout(self, fmt: Format, explanations: bool) -> Layout:
        key = (fmt.id, explanations)
        if key not in self.layouts:
            self.layouts[key] = self._layout(fmt, self.check_area if explanations else None)
        return self.layouts[key]

    def _layout(self, fmt: Format, area: Area | None) -> Layout:
        """What the careful reader's main scan reads: each sheet's report cells plus the check area."""
        plan = self.reader.plan(fmt)
        cells = [(key, a.sheet, (a.first_row, a.first_col)) for key, a in plan.areas.items()]
        wanted = by_sheet([(sheet, position) for _key, sheet, position in cells])
        if area is not None:
            extra = by_sheet([(area.sheet, (row, col)) for row in range(area.first_row, area.last_row + 1)
                               for col in (area.first_col, area.last_col)])
            wanted = {sheet: wanted.get(sheet, frozenset()) | extra.get(sheet, frozenset())
                      for sheet in {**wanted, **extra}}
        tables = [Table.of(sheet, [(key, p) for key, s, p in cells if s == sheet], wanted[sheet])
                  for sheet in dict.fromkeys(sheet for _k, sheet, _p in cells)]
        others = {sheet: positions for sheet, positions in wanted.items() if sheet not in {t.sheet for t in tables}}
        return Layout(plan, {key: a.address for key, a in plan.areas.items()}, (*fmt.cover_fields, *fmt.cells),
                       tuple(tables), others)


def by_sheet(cells) -> dict[str, frozenset]:
    grouped: dict[str, set] = {}
    for sheet, position in cells:
        grouped.setdefault(sheet, set()).add(position)
    return {sheet: frozenset(positions) for sheet, positions in grouped.items()}


MEMBER_LISTS = 16  # distinct lists of zip members remembered (a district's templates: one or two)
PER_LIST = 4  # distinct structures remembered per list of members
STRUCTURES: OrderedDict[tuple[str, ...], list[tuple[tuple[tuple[str, bytes], ...], Structure]]] = OrderedDict()


def structure_of(archive: RawZip) -> Structure:
    """The Structure of the archive's workbook, derived once per distinct set of structural parts.

    Remembered for at most MEMBER_LISTS x PER_LIST structures, the least recently used forgotten first.
    """
    names = tuple(archive.members)
    candidates = STRUCTURES.setdefault(names, [])
    STRUCTURES.move_to_end(names)
    while len(STRUCTURES) > MEMBER_LISTS:
        STRUCTURES.popitem(last=False)
    for parts, structure in candidates:
        if all(archive.raw(member) == raw for member, raw in parts):
            return structure
    memory = MemoryArchive(archive)
    reader = WorkbookReader(archive.path, memory)
    reader.archive = None  # keep no file's bytes alive in the cache
    parts = tuple((m, archive.raw(m)) for m in dict.fromkeys(memory.opened))
    structure = Structure(reader)
    candidates.append((parts, structure))
    del candidates[:-PER_LIST]
    return structure
