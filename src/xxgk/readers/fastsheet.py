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
from collections import OrderedDict
from operator import itemgetter

from .possessive import possessive
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
_VALUE_ELEMENT = possessive(rb"<v>([^<]*+)</v>")  # split() gives markup, value, markup, …, markup
# What a value may hold for its region to be judged by its markup alone: printable ASCII, no entity,
# "<" or "]" — a subset of the token pattern's TEXT, which accepts any of them in any <v>.
_PLAIN_VALUE_BYTES = bytes(range(0x20, 0x7F)).translate(None, b"<&]")
SHAPES = 16  # distinct markups remembered per table


class Picker:
    """How one table's cells are picked out of a plain data region.

    A region is its *markup* — the template's rows, cells, styles, formulas and
    labels — with the values (``<v>…</v>``) a clerk typed set into it. The markup
    is proven with the token pattern once (``_Shape``) and recognised in later
    regions by a byte comparison: every value slot of the token pattern takes any
    TEXT, so the same markup with other plain values tiles the same way. Only the
    values are judged per file. Nothing is remembered of them.
    """

    def __init__(self, last_row: int):
        self.last_row = last_row  # the careful scan stops at the first row past it
        self._shapes: OrderedDict[tuple, _Shape] = OrderedDict()

    def read(self, middle: bytes, x14ac: bool) -> "SheetData | None":
        """The region's cells when it is plain dialect through and through, else None (use expat)."""
        if not middle.endswith(b"</row></sheetData>") or not middle.startswith(b"<sheetData><row "):
            return None
        pieces = _VALUE_ELEMENT.split(middle)
        markup, values = pieces[::2], pieces[1::2]
        key = (x14ac, len(pieces), len(middle) - sum(map(len, values)))
        shape = self._shapes.get(key)
        if shape is None or shape.markup != markup or b"".join(values).translate(None, _PLAIN_VALUE_BYTES):
            shape = self._prove(middle, x14ac, markup, len(values))
            if shape is None:
                return None
            self._shapes[key] = shape
            if len(self._shapes) > SHAPES:
                self._shapes.popitem(last=False)
        self._shapes.move_to_end(key)
        return SheetData(shape, values)

    def _prove(self, middle: bytes, x14ac: bool, markup: list, value_count: int) -> "_Shape | None":
        """The token pattern's proof of the whole region, and the shape of its cells."""
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
        return _Shape.of(parts, tokens, markup, value_count)


class _Shape:
    """A proven region's cells up to the row where the careful scan stops, values left out."""

    def __init__(self, parts: list, tokens: int, markup: list, slots: list):
        self.markup = markup
        self.index = dict(zip(parts[_REF:tokens * _STRIDE:_STRIDE], range(tokens)))  # a later twin wins, as there
        self.types = parts[_TYPE:tokens * _STRIDE:_STRIDE]
        self.formulas = parts[_FORMULA_AT:tokens * _STRIDE:_STRIDE]
        self.contents = parts[_CONTENT_AT:tokens * _STRIDE:_STRIDE]  # of the proving region: the values differ
        self.slots = slots  # per token, the position of its value among the region's values, or -1
        self._picks: dict[tuple, tuple | None] = {}

    @classmethod
    def of(cls, parts: list, tokens: int, markup: list, value_count: int) -> "_Shape | None":
        slots, count = [], 0
        for content in parts[_CONTENT_AT::_STRIDE]:
            slots.append(count if content and content.startswith(b"<v>") else -1)
            count += slots[-1] >= 0
        if count != value_count:
            return None  # every <v> is a cell's value in this dialect; never trust a shape that says otherwise
        return cls(parts, tokens, markup, slots[:tokens])

    def pick(self, refs: tuple[bytes, ...]) -> tuple | None:
        """(value slots, formula marks) of ``refs`` when each is a number cell with a value, else None."""
        if refs not in self._picks:
            positions = list(map(self.index.get, refs))
            picked = None
            if positions and None not in positions and all(self.types[p] in (None, b"n") for p in positions):
                slots = [self.slots[p] for p in positions]
                if min(slots) >= 0:
                    picked = slots, tuple(self.formulas[p] for p in positions)
            self._picks[refs] = picked
        return self._picks[refs]


class SheetData:
    """One region's cells, found by reference: its shape, and the values typed into it."""

    def __init__(self, shape: _Shape, values: list):
        self.shape, self.values = shape, values

    def numbers(self, refs: tuple[bytes, ...]) -> tuple[list, tuple] | None:
        """The wanted cells' values and formula marks when all are plain numbers (the usual case)."""
        picked = self.shape.pick(refs)
        if picked is None:
            return None
        slots, formulas = picked
        values = [self.values[slot] for slot in slots] if len(slots) < 2 else itemgetter(*slots)(self.values)
        if b"" in values or b"".join(values).translate(None, b"0123456789."):
            return None
        if max(map(len, values)) > 15:
            return None  # 16 digits and more go through float, as values.number does
        try:
            return list(map(int, values)), formulas  # whole numbers: what values.number makes of them
        except ValueError:  # a decimal point somewhere: values.number itself
            return [number(value.decode()) for value in values], formulas

    def raw(self, ref: bytes) -> tuple | None:
        """(type, formula, value, inline) as bytes or None, as fastxml.cell_of takes them."""
        shape = self.shape
        at = shape.index.get(ref)
        if at is None:
            return None
        value = inline = None
        if shape.slots[at] >= 0:
            value = self.values[shape.slots[at]]
        elif shape.contents[at]:
            content = shape.contents[at]
            inline = content[content.index(b">", 4) + 1:-9]  # <is><t …>text</t></is>
        return shape.types[at], shape.formulas[at], value, inline


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
