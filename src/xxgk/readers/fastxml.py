"""Cells and shared strings picked out of worksheet XML without building a tree.

Well-formedness is still judged by expat, the parser under the careful
reader's defusedxml: the template part of a sheet (everything around
``<sheetData>``: formats, validations, protection) is parsed in full once per
distinct byte string, then only the data in between is parsed per file. Cells
are then located by their ``r`` attribute. Only the plain dialect that Excel,
WPS, LibreOffice, openpyxl and XlsxWriter write is accepted: every cell and
row carries its reference, rows ascend, cells ascend within their row, no DTD,
comment or CDATA, no prefixed elements. Anything else raises Doubt.
"""
from __future__ import annotations

import functools
import re
from typing import NamedTuple

from .fastframe import Frame, root_name, root_start, well_formed, split_sheet
from .fastsheet import REF
from .faststrings import PlainStrings, RichStrings, entry_end
from .fastzip import Doubt
from .refs import column_letters
from .xmlparts import unescape


class Cell(NamedTuple):
    """RawCell's fields as a plain tuple: the careful value code reads it alike, and it is cheap."""

    type: str
    text: str | None
    formula: bool


# A Cell of this type holds its final value already (plain digits: what values.number makes of them).
READY = "#"
_NUMBER_TYPES = (b"", b"n")
_new = tuple.__new__
_TYPES = {b"": "n", b"n": "n", b"s": "s", b"str": "str", b"b": "b", b"e": "e"}

_ROWS = re.compile(rb'<row r="([1-9][0-9]{0,6})"')
_REFS = re.compile(rb'<c r="(' + REF.encode() + rb')"')
# The one shape nearly every cell has, in one C-level pass; other shapes go through _raw_cell.
_CELLS = re.compile(
    rb'<c r="(' + REF.encode() + rb')"(?: s="[0-9]{1,5}")?(?: t="([a-zA-Z]{1,9})")?'
    rb'(?:/>|>(<f(?: [^<>]*)?(?:/>|>[^<]*</f>))?'
    rb'(?:(<v>([^<]*)</v>)|(<v/>)|(<is>)<t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)')
_CONTENT = re.compile(rb'(<f(?:\s[^<>]*)?(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>|<v/>|<is>(.*)</is>)?', re.S)
_INLINE = re.compile(rb'<t(?: xml:space="preserve")?>([^<]*)</t>')
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def checked_cells(middle: bytes, frame: Frame, wanted: frozenset[tuple[int, int]]) -> dict[tuple[int, int], Cell]:
    """Any dialect expat takes: the data region parsed in its frame, then the wanted cells picked."""
    if b"<!" in middle:
        raise Doubt("comment or CDATA in sheetData")
    if b"xmlns" in middle or any(prefix in middle for prefix in frame.prefixes):
        raise Doubt("prefixed element in sheetData")  # the careful reader would take it by local name
    well_formed(frame.root + middle + b"</" + root_name(frame.root) + b">")
    return _pick(middle, wanted)


def sheet_cells(document: bytes, wanted: frozenset[tuple[int, int]]) -> dict[tuple[int, int], Cell]:
    """Raw cells at the wanted (row, column) positions, as xmlparts.scan_sheet finds them."""
    region = split_sheet(document)
    return {} if region is None else checked_cells(*region, wanted)


def _pick(middle: bytes, wanted: frozenset[tuple[int, int]]) -> dict[tuple[int, int], Cell]:
    """The careful scan stops at the first row below the last wanted one; so does this."""
    refs, last_wanted = _wanted_refs(wanted)
    rows = [(int(m.group(1)), m.start()) for m in _ROWS.finditer(middle)]
    if len(rows) != middle.count(b"<row"):
        raise Doubt("row without a plain reference")
    region, previous = middle, 0
    for row, offset in rows:
        if row <= previous:
            raise Doubt("rows out of order")
        previous = row
        if row > last_wanted:
            region = middle[:offset]
            break
    cell_count = region.count(b"<c")  # only cells start so inside sheetData: <c …>, <c>, <c/>
    matches = _CELLS.findall(region)
    if len(matches) == cell_count:
        table = {m[0]: m for m in matches}
        if len(table) != cell_count:
            raise Doubt("a cell written twice")
        found = {}
        for ref, position in refs.items():
            match = table.get(ref)
            if match is None:
                continue
            value = match[4]
            if match[1] in _NUMBER_TYPES and match[3] and value.isdigit() and len(value) < 16:
                found[position] = _new(Cell, (READY, int(value), match[2] != b""))  # the common case, inline
            else:
                found[position] = _from_match(match)
        return found
    return _pick_slowly(region, refs, cell_count)


def _pick_slowly(region: bytes, refs: dict[bytes, tuple[int, int]], cell_count: int) -> dict:
    names = _REFS.findall(region)
    if len(names) != cell_count or len(set(names)) != cell_count:
        raise Doubt("cell without a plain reference, or written twice")
    pieces = region.split(b'<c r="')
    index = dict(zip(names, range(1, cell_count + 1)))
    return {position: _raw_cell(pieces[index[ref]]) for ref, position in refs.items() if ref in index}


@functools.lru_cache(maxsize=256)
def _wanted_refs(wanted: frozenset) -> tuple[dict[bytes, tuple[int, int]], int]:
    """``b"D8"`` -> (8, 4) for each wanted position, and the last wanted row."""
    refs = {f"{column_letters(col)}{row}".encode(): (row, col) for row, col in wanted}
    return refs, max(row for row, _ in wanted)


def _from_match(match: tuple) -> Cell:
    _ref_text, cell_type, formula, value_element, value, empty_value, inline_open, inline = match
    cell_type = _TYPES.get(cell_type) or cell_type.decode()
    if value_element:
        text = value.decode() if value.isdigit() else xml_text(value)
    elif empty_value:
        text = ""
    elif inline_open:
        text = unescape(_decode(inline))
    else:
        text = None
    return Cell(cell_type, text, bool(formula))


def cell_of(raw: tuple | None) -> Cell | None:
    """(type, formula, value, inline) bytes from ``fastsheet`` -> Cell, as xmlparts._raw_cell reads it."""
    if raw is None:
        return None
    cell_type, formula, value, inline = raw
    if value is not None:
        text = value.decode() if value.isdigit() else xml_text(value)
    elif inline is not None:
        text = unescape(_decode(inline))
    else:
        text = None
    return Cell(_TYPES.get(cell_type or b"") or cell_type.decode(), text, formula is not None)


def _raw_cell(piece: bytes) -> Cell:
    """``D8" s="9" t="n"><v>0</v></c>…`` -> RawCell, as xmlparts._raw_cell reads it."""
    head, _, rest = piece.partition(b">")
    if b"'" in head or head.count(b'"') % 2 == 0:  # the reference's closing quote makes it odd
        raise Doubt("unusual attribute quoting")
    type_at = head.find(b' t="')
    cell_type = head[type_at + 4:head.index(b'"', type_at + 4)].decode() if type_at >= 0 else "n"
    if head.endswith(b"/"):
        return Cell(cell_type, None, False)
    content = rest[:rest.find(b"</c>")]
    if content.startswith(b"<v>") and content.endswith(b"</v>") and content.count(b"<") == 2:
        return Cell(cell_type, xml_text(content[3:-4]), False)
    match = _CONTENT.fullmatch(content)
    if match is None:
        raise Doubt("unusual cell content")
    formula, value, inline = match.groups()
    text = None
    if value is not None:
        text = xml_text(value)
    elif inline is not None:
        text = inline_text(inline)
    elif b"<v/>" in content:
        text = ""
    return Cell(cell_type, text, formula is not None)


def inline_text(inline: bytes) -> str:
    match = _INLINE.fullmatch(inline)
    if match is None:
        raise Doubt("rich inline string")
    return unescape(_decode(match.group(1)))


def xml_text(raw: bytes) -> str:
    """Element text as ElementTree gives it, then unescaped as xmlparts does."""
    return unescape(_decode(raw))


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Doubt("not UTF-8") from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    return text


def _entity(match: re.Match) -> str:
    name = match.group(1)
    if name[0] != "#":
        return _NAMED[name]
    return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))


class SharedStrings:
    """One file's shared string table, judged once, entries picked as needed.

    Proven without a parser when it is plain (``faststrings.PlainStrings``) or plain and rich
    entries in the dialect spreadsheets write (``faststrings.RichStrings``); judged by expat
    otherwise.
    """

    def __init__(self, document: bytes, entries: int | None = None):
        """The whole table, or only its first ``entries`` entries: the careful reader reads no further."""
        end = None
        if entries is not None:
            end = entry_end(document, entries)
            if end is None:
                raise Doubt("string index past the table")
        self.plain = PlainStrings.parse(document, end)  # the usual table, proven without a parser
        if self.plain is not None:
            self.count = self.plain.count
            return
        self.rich = RichStrings.parse(document, end)  # a spreadsheet-saved table with runs, proven alike
        if self.rich is not None:
            self.count = self.rich.count
            return
        if b"<!" in document:
            raise Doubt("DTD, comment or CDATA in shared strings")
        well_formed(document)
        root = root_start(document[:4096])
        if b"xmlns:" in root or document.count(b"xmlns") != 1 or document.count(b"<si") != document.count(b"<si>"):
            raise Doubt("unusual shared strings")
        self.pieces = document.split(b"<si>")
        self.count = len(self.pieces) - 1

    def pick(self, wanted: set[int]) -> dict[int, str]:
        """The wanted entries, as xmlparts.shared_strings reads them."""
        if wanted and max(wanted) >= self.count:
            raise Doubt("string index past the table")
        if self.plain is not None:
            return {index: unescape(_decode(raw)) for index, raw in self.plain.raw(wanted).items()}
        if self.rich is not None:
            return {index: unescape(_decode(self.rich.raw(index))) for index in wanted}
        found = {}
        for index in wanted:
            piece = self.pieces[index + 1]
            content = piece[:piece.find(b"</si>")]
            match = _INLINE.fullmatch(content)
            found[index] = _rich(content) if match is None else unescape(_decode(match.group(1)))
        return found


def _rich(content: bytes) -> str:
    """Runs and phonetic guides: parse the one entry with the careful reader's own rule."""
    import defusedxml.ElementTree as safe_et

    from .xmlparts import rich_text

    return rich_text(safe_et.fromstring(b"<si>" + content + b"</si>", forbid_dtd=True))
