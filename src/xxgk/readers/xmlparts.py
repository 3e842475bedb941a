"""The few OOXML parts a reader needs, parsed with defusedxml in one pass each.

Tags are matched by local name so transitional and strict namespaces both work.
Nothing here knows about the report format; it returns raw cells by position.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Callable, Iterable, TypeVar
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from ..catalogue import ReadErrorKind, ReadMessage
from .refs import parse_cell
from .safezip import SafeArchive

T = TypeVar("T")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


@dataclass(frozen=True)
class RawCell:
    type: str  # the cell's t attribute: n, s, str, inlineStr, b, e, d
    text: str | None  # <v> text, or the inline string; None when absent
    formula: bool  # has an <f> element


@dataclass(frozen=True)
class SheetEntry:
    name: str
    part: str  # zip member name of the worksheet part
    state: str  # visible, hidden, veryHidden


@dataclass(frozen=True)
class NameEntry:
    name: str
    text: str
    local_sheet: int | None  # index of the sheet it is scoped to, None when global


@dataclass
class WorkbookParts:
    sheets: list[SheetEntry]
    names: list[NameEntry]
    shared_strings: str | None  # member name, None when the workbook has none


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


def unescape(text: str) -> str:
    """OOXML writes control characters as ``_xHHHH_``; turn them back into characters."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def parse_with_guard(archive: SafeArchive, action: Callable[[], T]) -> T:
    """Run a parse; unsafe or malformed XML and broken zip data all become ReadError."""

    def parse() -> T:
        try:
            return action()
        except DefusedXmlException:  # before the zip guard: it is a ValueError too
            raise ReadErrorKind.UNSAFE_XML.error(archive.path) from None
        except ParseError:
            raise ReadMessage.DAMAGED_XML.error(archive.path) from None

    return archive.guard(parse)


def find_member(archive: SafeArchive, name: str) -> str | None:
    """Zip member for a part name; part names are case-insensitive in OOXML."""
    if archive.has(name):
        return name
    lowered = name.lower()
    return next((n for n in archive.names() if n.lower() == lowered), None)


def _tree(archive: SafeArchive, member: str) -> Element:
    def parse() -> Element:
        with archive.open(member) as stream:
            return safe_et.parse(stream, forbid_dtd=True).getroot()

    return parse_with_guard(archive, parse)


def relationships(archive: SafeArchive, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type suffix, target member) for ``part``; empty when it has none."""
    folder, base = posixpath.split(part)
    member = find_member(archive, posixpath.join(folder, "_rels", base + ".rels"))
    if member is None:
        return {}
    rels = {}
    for rel in _tree(archive, member):
        if local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        rels[rel.get("Id", "")] = (rel.get("Type", "").rpartition("/")[2], posixpath.normpath(path))
    return rels


def workbook_part(archive: SafeArchive) -> str | None:
    for rel_type, target in relationships(archive, "").values():
        if rel_type == "officeDocument":
            return find_member(archive, target)
    return find_member(archive, "xl/workbook.xml")


def read_workbook_part(archive: SafeArchive, member: str) -> WorkbookParts:
    rels = relationships(archive, member)
    root = _tree(archive, member)
    sheets, names = [], []
    for elem in root.iter():
        tag = local(elem.tag)
        if tag == "sheet":
            rel = rels.get(_rel_id(elem), ("", ""))
            part = find_member(archive, rel[1]) if rel[0] == "worksheet" else None
            sheets.append(SheetEntry(elem.get("name", ""), part or "", elem.get("state", "visible")))
        elif tag == "definedName":
            scope = elem.get("localSheetId")
            names.append(NameEntry(elem.get("name", ""), elem.text or "",
                                   int(scope) if scope and scope.isdigit() else None))
    strings = next((t for kind, t in rels.values() if kind == "sharedStrings"), None)
    return WorkbookParts(sheets, names, find_member(archive, strings) if strings else None)


def _rel_id(elem: Element) -> str:
    return next((v for k, v in elem.attrib.items() if k.startswith("{") and local(k) == "id"), "")


def scan_sheet(archive: SafeArchive, member: str, wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], RawCell]:
    """Raw cells at the wanted (row, column) positions, in one streaming pass.

    Rows are stored in order, so the pass stops after the last wanted row: a
    sheet padded with a million rows below the table costs nothing.
    """
    wanted = set(wanted)
    if not wanted:
        return {}
    last_row = max(row for row, _ in wanted)

    def scan() -> dict[tuple[int, int], RawCell]:
        found: dict[tuple[int, int], RawCell] = {}
        row_no, col_no, sheet_data = 0, 0, None
        with archive.open(member) as stream:
            for event, elem in safe_et.iterparse(stream, events=("start", "end"), forbid_dtd=True):
                tag = local(elem.tag)
                if event == "start":
                    if tag == "row":
                        row_no = _int(elem.get("r"), row_no + 1)
                        col_no = 0
                        if row_no > last_row:
                            break
                    elif tag == "sheetData":
                        sheet_data = elem
                    continue
                if tag == "c":
                    position = parse_cell(elem.get("r", "")) or (row_no, col_no + 1)
                    col_no = position[1]
                    if position in wanted:
                        found[position] = _raw_cell(elem)
                elif tag == "row" and sheet_data is not None:
                    sheet_data.clear()  # keep memory flat on long sheets
        return found

    return parse_with_guard(archive, scan)


def _int(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() else default


def _raw_cell(elem: Element) -> RawCell:
    cell_type = elem.get("t", "n")
    text, formula = None, False
    for child in elem:
        tag = local(child.tag)
        if tag == "v":
            text = unescape(child.text or "")
        elif tag == "f":
            formula = True
        elif tag == "is":
            text = rich_text(child)
    return RawCell(cell_type, text, formula)


def rich_text(elem: Element) -> str:
    """Text of an <si> or <is>: plain <t> or runs <r><t>, never the phonetic <rPh> guide."""
    parts = []
    for child in elem:
        tag = local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if local(t.tag) == "t")
    return unescape("".join(parts))


def shared_strings(archive: SafeArchive, member: str, wanted: Iterable[int]) -> dict[int, str]:
    """Only the wanted entries of the shared string table, stopping after the last one."""
    wanted = set(wanted)
    if not wanted:
        return {}
    last = max(wanted)

    def scan() -> dict[int, str]:
        found: dict[int, str] = {}
        index, root, depth = -1, None, 0
        with archive.open(member) as stream:
            for event, elem in safe_et.iterparse(stream, events=("start", "end"), forbid_dtd=True):
                if event == "start":
                    root = elem if root is None else root
                    if depth != 1 and local(elem.tag) == "si":  # an entry left open: every index after it shifts
                        raise ParseError("shared string entry inside another element")
                    depth += 1
                    continue
                depth -= 1
                if local(elem.tag) != "si":
                    continue
                index += 1
                if index in wanted:
                    found[index] = rich_text(elem)
                root.clear()  # keep memory flat on huge tables
                if index >= last:
                    break
        return found

    return parse_with_guard(archive, scan)
