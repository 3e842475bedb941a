"""The fast reader: exactly what read_workbook returns, or None when it has any doubt.

The careful reader (``workbook.read_workbook``) stays the authority; this one
only takes the files it can vouch for and returns None for everything else,
so that ``read_form_fast`` hands them to the careful reader, which reads them
or says in Chinese what is wrong.

Where the time goes instead: a workbook's structure (relationships, sheets,
defined names → the Plan of which cell holds which key) is derived by the
careful reader's own code once per distinct set of structural parts
(``fastplan``), so a district's thousands of files made from one template
share it. Sheets holding no report cell (the hidden marker sheet, and the big
校验结果 sheet whose 说明 column is read only when asked: ``explanations``) are
scanned once per distinct content. Table sheets and the shared strings are read
per file, never cached: the frame around a sheet's data is recognised
(``fastframe``), the data itself is proven well-formed and picked in the plain
dialect by regex (``fastsheet``; plain shared strings by counting, rich ones by
``faststrings``), and handed to expat otherwise (``fastxml``).
Inflating is libdeflate's when installed (``fastzip``).
"""
from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import compress

from .. import speed
from ..formats import TEMPLATE_VERSION, Format, UnknownFormat, get_format
from ..model import FormData, Value
from .fastplan import Table, structure_of
from .fastxml import READY, Cell, SharedStrings, checked_cells, cell_of, sheet_cells, split_sheet
from .fastzip import Doubt, RawZip
from .refs import Area
from .values import cell_value, recompute_totals
from .workbook import WorkbookReader, cell_text, marker_text

CACHE_SIZE = 64
CONTENT_TYPES = "[Content_Types].xml"
FAST, FALLBACK = "reader:fast", "reader:fallback"  # counted in speed.COUNTS; xxgk bench shows them


def read_fast(path: str | os.PathLike, *, explanations: bool = True) -> FormData | None:
    """FormData equal to ``read_workbook(path, explanations=…)``'s, or None: then read it carefully."""
    try:
        form = _read(str(path), explanations)
    except Exception as err:  # any doubt at all, even a bug here: the careful reader decides
        speed.COUNTS[FALLBACK] += 1
        speed.COUNTS[f"{FALLBACK}:{type(err).__name__}:{err}"[:100]] += 1
        return None
    speed.COUNTS[FAST] += 1
    return form


def read_form_fast(path: str | os.PathLike, *, explanations: bool = True) -> FormData:
    """read_workbook, fast when it can be: the careful reader handles whatever the fast one declines."""
    form = read_fast(path, explanations=explanations)
    if form is None:
        from .workbook import read_workbook

        form = read_workbook(path, explanations=explanations)
    return form


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


_SHEETS = _Lru()  # (member, CRC, sizes, positions) -> (compressed bytes, raw cells) of a sheet without report cells
_CHECKED = _Lru()  # compressed bytes of [Content_Types].xml that inflated cleanly


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


def _read(path: str, explanations: bool) -> FormData:
    archive = RawZip(path)
    _kind_ok(archive)
    structure = structure_of(archive)
    reader = structure.reader
    scanned = _scan(archive, reader, structure.marker_wanted)  # the marker decides the format
    marker_raws = [scanned[sheet].cells.get(position) for sheet, position in structure.markers]
    table: list = []
    strings = _strings(archive, reader, marker_raws, table)
    fmt, version = _marker(*(_value(raw, strings) for raw in marker_raws))
    layout = structure.layout(fmt, explanations)
    values: dict[str, Value] = dict.fromkeys(layout.order)
    formulas: list[str] = []
    pending: list[tuple[str, Cell]] = []  # cells whose value is a shared string
    for plan in layout.tables:
        _read_table(archive, reader, plan, values, formulas, pending)
    scanned = _scan(archive, reader, layout.others)
    area = structure.check_area if explanations else None  # without them the careful reader skips the area
    notes, note_rows = scanned[area.sheet].notes_in(area) if area is not None else ([], ())
    strings = _strings(archive, reader, [*marker_raws, *(raw for _key, raw in pending), *notes], table)
    for key, raw in pending:
        values[key] = _value(raw, strings)
    uncached = {key for key in formulas if key in fmt.cells and values[key] is None}
    if uncached:
        recompute_totals(fmt, values, uncached)
    return FormData(
        source=path, format_id=fmt.id, values=values,
        template_version=version, formulas=frozenset(formulas),
        explanations=_explanations(scanned[area.sheet].cells, area, note_rows, strings) if area else {},
        addresses=dict(layout.addresses), problems=list(layout.plan.problems), sheets=tuple(reader.sheet_parts),
        origin=reader.origin,
    )


def _read_table(archive: RawZip, reader: WorkbookReader, plan: Table, values: dict, formulas: list, pending: list) -> None:
    """One sheet's report cells into ``values``; read per file, never cached."""
    region = split_sheet(archive.read(_member(archive, reader, plan.sheet)))
    if region is None:
        return  # an empty sheet: every cell blank
    middle, frame = region
    data = plan.picker.read(middle, frame.x14ac)
    if data is not None:
        numbers = data.numbers(plan.refs)
        if numbers is not None:  # the usual case: whole numbers only, taken in bulk
            values.update(zip(plan.keys, numbers[0]))
            formulas.extend(compress(plan.keys, numbers[1]))
            return
        raws = [cell_of(data.raw(ref)) for ref in plan.refs]
    else:
        found = checked_cells(middle, frame, plan.wanted)
        raws = [found.get(position) for position in plan.positions]
    for key, raw in zip(plan.keys, raws):
        if raw is None:
            continue
        if raw.formula:
            formulas.append(key)
        if raw.type == "s" and raw.text is not None:
            pending.append((key, raw))
        else:
            values[key] = _value(raw, {})


def _member(archive: RawZip, reader: WorkbookReader, sheet: str) -> str:
    member = reader.sheet_parts.get(sheet)
    if not member or member not in archive.members:
        raise Doubt("sheet part missing")
    return member


def _scan(archive: RawZip, reader: WorkbookReader, wanted: dict) -> dict:
    """Sheets without report cells (marker, check area), cached by their content."""
    found = {}
    for sheet, positions in wanted.items():
        member = _member(archive, reader, sheet)
        info = archive.members[member]
        key = (member, info.crc, info.size, info.compressed, positions)  # cheap to hash; the bytes are compared
        cached = _SHEETS.get(key)
        raw = archive.raw(member)
        if cached is None or cached[0] != raw:
            cached = _SHEETS.remember(key, (raw, _Scanned(sheet_cells(archive.read(member), positions))))
        found[sheet] = cached[1]
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


def _strings(archive: RawZip, reader: WorkbookReader, raws: list, table: list) -> dict[int, str]:
    """The strings these cells refer to.

    Only the entries up to the highest one wanted are proven, as far as the careful
    reader parses: a filled cover's strings come early in a saved table, the
    template's long help texts after them. ``table`` keeps the file's table as far
    as it was read.
    """
    indexes = set()
    for raw in raws:
        if raw is not None and raw.type == "s" and raw.text is not None:
            _check_index(raw)
            indexes.add(int(raw.text))
    if not indexes:
        return {}
    entries = max(indexes) + 1
    if not table or table[0].count < entries:
        member = reader.parts.shared_strings
        if member is None or member not in archive.members:
            raise Doubt("no shared strings")
        table[:] = [SharedStrings(archive.read(member), entries)]
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
    format_id, version = marker_text(format_mark), marker_text(version_mark)
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
        note = cell_text(_value(cells.get((row, area.last_col)), strings))
        instance = cell_text(_value(cells.get((row, area.first_col)), strings))
        if instance.strip() and note.strip() and area.first_col != area.last_col:
            found[instance.strip()] = note
    return found
