"""The fast reader: exactly what read_workbook returns, or None when it has any doubt.

The careful reader (``workbook.read_workbook``) stays the authority; this one
only takes the files it can vouch for and returns None for everything else,
so that ``read_form_fast`` hands them to the careful reader, which reads them
or says in Chinese what is wrong.

Where the time goes instead: a workbook's structure (relationships, sheets,
defined names → the Plan of which cell holds which key) is derived by the
careful reader's own code once per distinct set of structural parts, keyed by
their compressed bytes, so a district's thousands of files made from one
template share it. Sheets holding no report cell (the hidden marker sheet, the
big 校验结果 sheet whose 说明 column the reader needs) are scanned once per
distinct content the same way. Table sheets and the shared strings are read
per file, picking only the wanted cells (``fastxml``).
"""
from __future__ import annotations

import os
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from functools import cached_property

from ..formats import TEMPLATE_VERSION, Format, UnknownFormat, get_format
from ..model import FormData, Value
from .fastxml import READY, Cell, SharedStrings, sheet_cells
from .fastzip import Doubt, MemoryArchive, RawZip
from .refs import Area
from .values import cell_value, recompute_totals
from .workbook import CHECKS_NAME, FORMAT_NAME, VERSION_NAME, Plan, _marker_text, _Reader, _text

CACHE_SIZE = 64
CONTENT_TYPES = "[Content_Types].xml"
# How often the fast path answered and why it did not: the benchmark reports it.
STATS: Counter = Counter()


def read_fast(path: str | os.PathLike) -> FormData | None:
    """FormData equal to ``read_workbook(path)``'s, or None: then read it carefully."""
    try:
        form = _read(str(path))
    except Exception as err:  # any doubt at all, even a bug here: the careful reader decides
        STATS[f"fallback:{type(err).__name__}:{err}"[:80]] += 1
        return None
    STATS["fast"] += 1
    return form


def read_form_fast(path: str | os.PathLike) -> FormData:
    """read_workbook, fast when it can be: the careful reader handles whatever the fast one declines."""
    form = read_fast(path)
    if form is None:
        from .workbook import read_workbook

        form = read_workbook(path)
    return form


@dataclass
class _Layout:
    """One format's Plan in a given structure, flattened for quick lookups."""

    plan: Plan
    cells: list[tuple[str, str, tuple[int, int]]]  # key, sheet, (row, column)
    addresses: dict[str, str]
    order: tuple[str, ...]  # every cover and table key, as FormData.values lists them
    wanted: dict[str, frozenset]  # sheet -> positions to read (marker, report cells, check area)
    table_sheets: frozenset[str]


@dataclass
class _Structure:
    reader: _Reader  # the careful reader's view of names and sheets (its archive dropped)
    layouts: dict[str, _Layout] = field(default_factory=dict)

    @cached_property
    def markers(self) -> list[tuple[str, tuple[int, int]]]:
        targets = [self.reader.names.get(name) for name in (FORMAT_NAME, VERSION_NAME)]
        if any(t is None or t.area is None for t in targets):
            raise Doubt("marker names missing")
        return [(t.area.sheet, (t.area.first_row, t.area.first_col)) for t in targets]

    @cached_property
    def marker_wanted(self) -> dict[str, frozenset]:
        return _by_sheet(self.markers)

    @cached_property
    def check_area(self) -> Area | None:
        checks = self.reader.names.get(CHECKS_NAME)
        return checks.area if checks else None

    def layout(self, fmt: Format) -> _Layout:
        if fmt.id not in self.layouts:
            plan = self.reader.plan(fmt)
            cells = [(key, a.sheet, (a.first_row, a.first_col)) for key, a in plan.areas.items()]
            addresses = {key: a.address for key, a in plan.areas.items()}
            area, positions = self.check_area, [(sheet, position) for _k, sheet, position in cells]
            if area is not None:
                positions += [(area.sheet, (row, col)) for row in range(area.first_row, area.last_row + 1)
                              for col in (area.first_col, area.last_col)]
            self.layouts[fmt.id] = _Layout(plan, cells, addresses, (*fmt.cover_fields, *fmt.cells),
                                           _by_sheet([*self.markers, *positions]),
                                           frozenset(sheet for _k, sheet, _p in cells))
        return self.layouts[fmt.id]


def _by_sheet(cells) -> dict[str, frozenset]:
    grouped: dict[str, set] = {}
    for sheet, position in cells:
        grouped.setdefault(sheet, set()).add(position)
    return {sheet: frozenset(positions) for sheet, positions in grouped.items()}


@dataclass
class _Scanned:
    """Raw cells of a sheet without report cells, and what the check area needs of them."""

    cells: dict
    notes: dict = field(default_factory=dict)  # area -> (cells whose strings matter, rows with a 说明)

    def notes_in(self, area: Area) -> tuple[list, tuple]:
        if area not in self.notes:
            self.notes[area] = _notes(self.cells, area)
        return self.notes[area]


class _Lru(OrderedDict):
    def remember(self, key, value):
        self[key] = value
        if len(self) > CACHE_SIZE:
            self.popitem(last=False)
        return value


_STRUCTURES: dict[tuple[str, ...], list[tuple[tuple[tuple[str, bytes], ...], _Structure]]] = {}
_SHEETS = _Lru()  # (compressed bytes, positions) -> raw cells of a sheet without report cells
_CHECKED = _Lru()  # compressed bytes of [Content_Types].xml that inflated cleanly


def _structure(archive: RawZip) -> _Structure:
    names = tuple(archive.members)
    candidates = _STRUCTURES.setdefault(names, [])
    for parts, structure in candidates:
        if all(archive.raw(member) == raw for member, raw in parts):
            return structure
    memory = MemoryArchive(archive)
    reader = _Reader(archive.path, memory)
    reader.archive = None  # keep no file's bytes alive in the cache
    parts = tuple((m, archive.raw(m)) for m in dict.fromkeys(memory.opened))
    structure = _Structure(reader)
    candidates.append((parts, structure))
    del candidates[:-4]
    return structure


def _kind_ok(archive: RawZip) -> None:
    """What detect_kind must find for read_workbook to go on: an xlsx or xlsm package."""
    members = archive.members
    if "mimetype" in members or "xl/workbook.bin" in members or not any(n.startswith("xl/") for n in members):
        raise Doubt("not a plain workbook package")
    if CONTENT_TYPES in members:
        raw = archive.raw(CONTENT_TYPES)
        if raw not in _CHECKED:
            archive.read(CONTENT_TYPES)
            _CHECKED.remember(raw, True)


def _read(path: str) -> FormData:
    archive = RawZip(path)
    _kind_ok(archive)
    structure = _structure(archive)
    reader = structure.reader
    scanned = _scan(archive, reader, structure.marker_wanted, frozenset())  # the marker decides the format
    marker_raws = [scanned[sheet].cells.get(position) for sheet, position in structure.markers]
    table: list = []
    strings = _strings(archive, reader, marker_raws, table)
    fmt, version = _marker(*(_value(raw, strings) for raw in marker_raws))
    layout = structure.layout(fmt)
    scanned = _scan(archive, reader, layout.wanted, layout.table_sheets)
    cell_raws = [scanned[sheet].cells.get(position) for _key, sheet, position in layout.cells]
    area = structure.check_area
    notes, note_rows = scanned[area.sheet].notes_in(area) if area is not None else ([], ())
    strings = _strings(archive, reader, [*marker_raws, *cell_raws, *notes], table)
    values = {key: _value(raw, strings) for (key, _s, _p), raw in zip(layout.cells, cell_raws)}
    formulas = {key for (key, _s, _p), raw in zip(layout.cells, cell_raws) if raw is not None and raw.formula}
    uncached = {key for key in formulas if key in fmt.cells and values.get(key) is None}
    recompute_totals(fmt, values, uncached)
    return FormData(
        source=path, format_id=fmt.id, values={key: values.get(key) for key in layout.order},
        template_version=version, formulas=frozenset(formulas),
        explanations=_explanations(scanned[area.sheet].cells, area, note_rows, strings) if area else {},
        addresses=dict(layout.addresses), problems=list(layout.plan.problems),
    )


def _scan(archive: RawZip, reader: _Reader, wanted: dict, table_sheets: frozenset) -> dict:
    found = {}
    for sheet, positions in wanted.items():
        member = reader.sheet_parts.get(sheet)
        if not member or member not in archive.members:
            raise Doubt("sheet part missing")
        if sheet in table_sheets:  # report figures: read per file, never cached
            found[sheet] = _Scanned(sheet_cells(archive.read(member), positions))
            continue
        key = (archive.raw(member), positions)
        scanned = _SHEETS.get(key)
        if scanned is None:
            scanned = _SHEETS.remember(key, _Scanned(sheet_cells(archive.read(member), positions)))
        found[sheet] = scanned
    return found


def _notes(cells: dict, area: Area) -> tuple[list, tuple]:
    """Check-area cells whose strings matter: every 说明 cell, and the id beside a written one.

    The careful reader looks up every string of the area, so the highest id index is
    fetched too: an index past the table must fail here as it fails there.
    """
    picked, rows, highest = [], [], None
    for row in range(area.first_row, area.last_row + 1):
        note = cells.get((row, area.last_col))
        instance = cells.get((row, area.first_col))
        picked.append(note)
        if instance is not None and instance.type == "s" and instance.text is not None:
            _check_index(instance)
            if highest is None or int(instance.text) > int(highest.text):
                highest = instance
        if note is not None and note.text:
            picked.append(instance)
            rows.append(row)
    return [*picked, highest], tuple(rows)


def _check_index(raw: Cell | None) -> None:
    if raw is not None and raw.type == "s" and raw.text is not None and not (raw.text.isascii() and raw.text.isdigit()):
        raise Doubt("bad shared string reference")


def _strings(archive: RawZip, reader: _Reader, raws: list, table: list) -> dict[int, str]:
    """The strings these cells refer to; ``table`` holds the file's parsed table once read."""
    indexes = set()
    for raw in raws:
        if raw is not None and raw.type == "s" and raw.text is not None:
            _check_index(raw)
            indexes.add(int(raw.text))
    if not indexes:
        return {}
    if not table:
        member = reader.parts.shared_strings
        if member is None or member not in archive.members:
            raise Doubt("no shared strings")
        table.append(SharedStrings(archive.read(member)))
    return table[0].pick(indexes)


def _value(raw: Cell | None, strings: dict[int, str]) -> Value:
    if raw is None:
        return None
    cell_type, text, _formula = raw
    if cell_type == READY or text is None:
        return text
    if cell_type == "n" and text.isascii() and text.isdigit() and len(text) < 16:
        return int(text)  # what values.number gives for plain digits
    if cell_type == "s":
        return strings[int(text)] or None
    return cell_value(raw, strings)


def _marker(format_mark: Value, version_mark: Value) -> tuple[Format, str]:
    format_id, version = _marker_text(format_mark), _marker_text(version_mark)
    if not format_id or version != TEMPLATE_VERSION:
        raise Doubt("not this template version")
    try:
        return get_format(format_id), version
    except UnknownFormat:
        raise Doubt("unknown format") from None


def _explanations(cells: dict, area: Area, rows: tuple, strings: dict[int, str]) -> dict[str, str]:
    """As the careful reader finds them; only rows with something in the 说明 column can count."""
    found: dict[str, str] = {}
    for row in rows:
        note = _text(_value(cells.get((row, area.last_col)), strings))
        instance = _text(_value(cells.get((row, area.first_col)), strings))
        if instance.strip() and note.strip() and area.first_col != area.last_col:
            found[instance.strip()] = note
    return found
