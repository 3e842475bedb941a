"""Well-formedness of the plain dialect proven with one regex pass instead of expat.

A sheet's data region (``<sheetData>…</sheetData>``) is split by one regex
whose tokens are a row start (preceded by the previous row's end) and a cell;
the split leaves nothing between tokens exactly when the tokens tile the
region. Every token is well-formed XML on its own: fixed, unprefixed element
and attribute names in a fixed order (so no attribute twice; Excel's
x14ac:dyDescent only where the root declares the prefix), attribute values from
a small alphabet, text without ``<`` or ``]``, with ``&`` only in the five named
entities and in character references (whose characters are checked apart),
without control characters or CR. The tiling then makes the whole
region well-formed as long as it is valid UTF-8 without U+FFFE/U+FFFF, checked
apart; the frame around it was judged by expat (``fastframe``). The same split
hands over every cell's reference, type, formula and value, so the careful
scan's rules can be followed: the cells of rows before the first row past the
last wanted one, a cell written twice taken the second time.

The shared string table is proven in the same spirit by ``faststrings``.

Whatever these shapes do not cover returns None: the caller then falls back
to expat (``fastxml``), which is slower but general.
"""
from __future__ import annotations

import functools
import re
import sys
from operator import itemgetter

from .values import number

# Possessive quantifiers (3.11+) only stop backtracking that could not match anyway.
_P = "+" if sys.version_info >= (3, 11) else ""
_TEXT_CHAR = r"[^<&\]\x00-\x08\x0b\x0c\x0e-\x1f\r]"
# Element text: no markup, no control characters or CR (expat would change or refuse them), the named
# entities and character references (each checked apart), no "]" (so no "]]>", which XML forbids in text).
TEXT = rf"{_TEXT_CHAR}*{_P}(?:&(?:amp|lt|gt|quot|apos|#[0-9]{{1,7}}|#x[0-9a-fA-F]{{1,6}});{_TEXT_CHAR}*{_P})*{_P}"
_CHARACTER_REFERENCE = re.compile(rb"&#(x?)([0-9a-fA-F]+);")
# Every reference parse_cell accepts as written (no $, upper case, no leading zero, within XFD1048576).
REF = r"(?:[A-Z]{1,2}|[A-W][A-Z]{2})[1-9][0-9]{0,5}"
_VALUE = r'"[-0-9A-Za-z.: ]{0,64}' + _P + '"'
_ROW_ATTRIBUTES = "".join(f"(?: {name}={_VALUE})?{_P}" for name in (
    "spans", "s", "customFormat", "ht", "hidden", "customHeight", "outlineLevel", "collapsed", "thickTop",
    "thickBot", "ph"))
_BOOL = '"(?:[01]|true|false)"'
_FORMULA = (rf'(<f(?: t="[a-zA-Z]{{1,9}}")?{_P}(?: aca={_BOOL})?{_P}(?: ref="[A-Z0-9:$]{{1,40}}")?{_P}'
            rf'(?: ca={_BOOL})?{_P}(?: si="[0-9]{{1,9}}")?{_P}(?:/>|>{TEXT}</f>))?{_P}')
_CELL = (rf'<c r="{REF}"(?: s="[0-9]{{1,5}}")?{_P}(?: t="([a-zA-Z]{{1,9}})")?{_P}'
         rf'(?:/>|>{_FORMULA}((?:<v>{TEXT}</v>|<is><t(?: xml:space="preserve")?{_P}>{TEXT}</t></is>)?{_P})</c>)')


@functools.lru_cache(maxsize=4)
def _tokens(x14ac: bool) -> re.Pattern:
    """A row start (after the previous row's end) or a cell: (row, reference, type, formula, content).

    ``x14ac`` admits Excel's row attribute, for sheets whose root declares the prefix.
    """
    extra = f"(?: x14ac:dyDescent={_VALUE})?{_P}" if x14ac else ""
    cell = _CELL.replace(f'<c r="{REF}"', f'<c r="({REF})"', 1)
    return re.compile(f'</row><row r="([1-9][0-9]{{0,5}})"{_ROW_ATTRIBUTES}{extra}>|{cell}'.encode())


_STRIDE = 6  # split() gives the text before each token, then its 5 groups
_ROW, _REF, _TYPE, _FORMULA_AT, _CONTENT_AT = range(1, _STRIDE)
_VALUES_OPEN, _VALUES_JOINT, _VALUES_CLOSE = b"<v>", b"</v><v>", b"</v>"


class Picker:
    """How one table's cells are picked out of a plain data region."""

    def __init__(self, last_row: int):
        self.last_row = last_row  # the careful scan stops at the first row past it

    def read(self, middle: bytes, x14ac: bool) -> "SheetData | None":
        """The region's cells when it is plain dialect through and through, else None (use expat)."""
        if not middle.endswith(b"</row></sheetData>") or not middle.startswith(b"<sheetData><row "):
            return None
        if not utf8_xml(middle):
            return None
        parts = _tokens(x14ac).split(b"</row>" + middle[11:-18])
        if any(parts[::_STRIDE]):
            return None  # something between the tokens: not this dialect
        if b"&#" in middle and not _characters_allowed(middle):
            return None
        tokens = len(parts) // _STRIDE
        if max(map(int, filter(None, parts[_ROW::_STRIDE]))) > self.last_row:
            tokens = _stop_token(parts, self.last_row)
        return SheetData(parts, tokens)


class SheetData:
    """The region's cells up to the row where the careful scan stops, found by reference."""

    def __init__(self, parts: list, tokens: int):
        self.parts, self.tokens = parts, tokens
        self.index = dict(zip(parts[_REF:tokens * _STRIDE:_STRIDE], range(tokens)))  # a later twin wins, as there

    def column(self, group: int) -> list:
        return self.parts[group:self.tokens * _STRIDE:_STRIDE]

    def numbers(self, refs: tuple[bytes, ...]) -> tuple[list, tuple] | None:
        """The wanted cells' values and formula marks when all are plain numbers (the usual case)."""
        positions = list(map(self.index.get, refs))
        if not positions or None in positions:
            return None
        pick = itemgetter(*positions) if len(positions) > 1 else (lambda column: (column[positions[0]],))
        types, contents = pick(self.column(_TYPE)), pick(self.column(_CONTENT_AT))
        if types.count(None) + types.count(b"n") != len(types) or None in contents:
            return None
        joined = b"".join(contents)  # <v>1</v><v>2.5</v>…: one value element each, or the count is off
        if not joined.startswith(_VALUES_OPEN) or not joined.endswith(_VALUES_CLOSE):
            return None
        values = joined[3:-4].split(_VALUES_JOINT)
        if len(values) != len(refs) or b"" in values or b"".join(values).translate(None, b"0123456789."):
            return None
        if max(map(len, values)) > 15:
            return None  # 16 digits and more go through float, as values.number does
        formulas = pick(self.column(_FORMULA_AT))
        try:
            return list(map(int, values)), formulas  # whole numbers: what values.number makes of them
        except ValueError:  # a decimal point somewhere: values.number itself
            return [number(value.decode()) for value in values], formulas

    def raw(self, ref: bytes) -> tuple | None:
        """(type, formula, value, inline) as bytes or None, as fastxml.cell_of takes them."""
        at = self.index.get(ref)
        if at is None:
            return None
        cell_type, formula, content = self.parts[at * _STRIDE + _TYPE:at * _STRIDE + _STRIDE]
        value = inline = None
        if content and content.startswith(b"<v>"):
            value = content[3:-4]
        elif content:
            inline = content[content.index(b">", 4) + 1:-9]  # <is><t …>text</t></is>
        return cell_type, formula, value, inline


def _stop_token(parts: list, last_row: int) -> int:
    for token, row in enumerate(parts[_ROW::_STRIDE]):
        if row is not None and int(row) > last_row:
            return token
    raise AssertionError("a row past the last wanted one was found")


def _characters_allowed(region: bytes) -> bool:
    """Every character reference names a character XML allows (expat refuses the others)."""
    return all(xml_character(int(digits, 16 if hexadecimal else 10))
               for hexadecimal, digits in _CHARACTER_REFERENCE.findall(region))


def xml_character(code: int) -> bool:
    """A code point XML 1.0 allows in a document (the Char production)."""
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def utf8_xml(data: bytes) -> bool:
    """Valid UTF-8 holding only XML characters (controls are kept out by the patterns)."""
    if data.isascii():
        return True
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "\ufffe" not in text and "\uffff" not in text
