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
from collections import OrderedDict
from xml.parsers import expat

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
_REFS = re.compile(rb'<c r="([A-Z]{1,3}[1-9][0-9]{0,6})"')
# The one shape nearly every cell has, in one C-level pass; other shapes go through _raw_cell.
_CELLS = re.compile(
    rb'<c r="([A-Z]{1,3}[1-9][0-9]{0,6})"(?: s="[0-9]{1,5}")?(?: t="([a-zA-Z]{1,9})")?'
    rb'(?:/>|>(<f(?: [^<>]*)?(?:/>|>[^<]*</f>))?'
    rb'(?:(<v>([^<]*)</v>)|(<v/>)|(<is>)<t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)')
_CONTENT = re.compile(rb'(<f(?:\s[^<>]*)?(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>|<v/>|<is>(.*)</is>)?', re.S)
_INLINE = re.compile(rb'<t(?: xml:space="preserve")?>([^<]*)</t>')
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>")
_DECLARATION = re.compile(rb'<\?xml version="1\.0"(?: encoding="(?i:utf-8)")?(?: standalone="(?:yes|no)")?\?>\s*')
_CELL_LIKE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:c|row)[\s/>]")
_PREFIX_DECLARATION = re.compile(rb'xmlns:([A-Za-z_][\w.-]*)\s*=')
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
FRAME_CACHE = 32


class _Frames:
    """(head, tail) pairs around sheetData already judged well-formed, most recent last.

    Looked up by a cheap fingerprint, then compared byte for byte: hashing a 100 KB
    tail for every file would cost more than the rest of the sheet.
    """

    def __init__(self):
        self.known: OrderedDict[tuple, tuple[bytes, bytes, bytes, tuple[bytes, ...]]] = OrderedDict()

    def check(self, document: bytes, head: bytes, tail: bytes, middle: bytes) -> None:
        """Raise Doubt unless the whole document is well-formed and its data holds no prefixed element."""
        key = (len(head), len(tail), head[-64:], tail[:64], tail[-64:])
        known = self.known.get(key)
        if known is None or known[0] != head or known[1] != tail:
            known = self.judge(document, head, tail, key)
        self.known.move_to_end(key)
        _head, _tail, frame, prefixes = known
        if b"xmlns" in middle or any(prefix in middle for prefix in prefixes):
            raise Doubt("prefixed element in sheetData")  # the careful reader would take it by local name
        _well_formed(frame + middle + b"</" + _root_name(frame) + b">")

    def judge(self, document: bytes, head: bytes, tail: bytes, key: tuple):
        _well_formed(document)
        if _CELL_LIKE.search(head) or _CELL_LIKE.search(tail) or b"<sheetData" in head + tail:
            raise Doubt("row or cell elements outside sheetData")  # the careful scan would read them
        frame = _root_start(head)
        prefixes = tuple(b"<" + name + b":" for name in _PREFIX_DECLARATION.findall(frame))
        self.known[key] = known = (head, tail, frame, prefixes)
        if len(self.known) > FRAME_CACHE:
            self.known.popitem(last=False)
        return known


FRAMES = _Frames()


def _well_formed(document: bytes) -> None:
    parser = expat.ParserCreate(None, "}")  # namespace-aware, as ElementTree parses
    try:
        parser.Parse(document, True)
    except expat.ExpatError:
        raise Doubt("XML not well-formed") from None


def _root_start(head: bytes) -> bytes:
    """Declaration plus the root element's start tag: the frame a sheet's data is judged in."""
    declaration = _DECLARATION.match(head)
    start = declaration.end() if declaration else 0
    root = _ROOT.match(head, start)
    if root is None:
        raise Doubt("no root element")
    return head[:root.end()]


def _root_name(frame: bytes) -> bytes:
    return _ROOT.match(frame, (_DECLARATION.match(frame) or re.match(b"", frame)).end()).group(1)


def sheet_cells(document: bytes, wanted: frozenset[tuple[int, int]]) -> dict[tuple[int, int], Cell]:
    """Raw cells at the wanted (row, column) positions, as xmlparts.scan_sheet finds them."""
    if b"<!" in document or not (document.startswith(b"<?xml ") or document.startswith(b"<")):
        raise Doubt("DTD, comment, CDATA or unknown encoding")
    start = document.find(b"<sheetData>")
    end = document.find(b"</sheetData>")
    if start < 0 or end < start:
        if b"<sheetData/>" in document and document.count(b"<sheetData") == 1:
            _well_formed(document)
            return {}
        raise Doubt("no plain sheetData")
    end += len(b"</sheetData>")
    middle = document[start:end]
    FRAMES.check(document, document[:start], document[end:], middle)
    return _pick(middle, wanted)


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
    """One file's shared string table, judged once, entries picked as needed."""

    def __init__(self, document: bytes):
        if b"<!" in document:
            raise Doubt("DTD, comment or CDATA in shared strings")
        _well_formed(document)
        root = _root_start(document[:4096])
        if b"xmlns:" in root or document.count(b"xmlns") != 1 or document.count(b"<si") != document.count(b"<si>"):
            raise Doubt("unusual shared strings")
        self.pieces = document.split(b"<si>")

    def pick(self, wanted: set[int]) -> dict[int, str]:
        """The wanted entries, as xmlparts.shared_strings reads them."""
        pieces = self.pieces
        if wanted and max(wanted) >= len(pieces) - 1:
            raise Doubt("string index past the table")
        found = {}
        for index in wanted:
            piece = pieces[index + 1]
            content = piece[:piece.find(b"</si>")]
            match = _INLINE.fullmatch(content)
            found[index] = _rich(content) if match is None else unescape(_decode(match.group(1)))
        return found


def _rich(content: bytes) -> str:
    """Runs and phonetic guides: parse the one entry with the careful reader's own rule."""
    import defusedxml.ElementTree as safe_et

    from .xmlparts import rich_text

    return rich_text(safe_et.fromstring(b"<si>" + content + b"</si>", forbid_dtd=True))
