"""分单位明细 streamed: one row per included agency, written straight into the zip.

A district of 10,000 agencies makes 2.7 million cells. Held by XlsxWriter they
cost gigabytes and minutes, so XlsxWriter writes only the header and a *probe*
row (one text cell, one number cell, in the sheet's own styles); when the
workbook is done, ``assemble.splice`` copies it into the output file and replaces
the probe row by the real rows, generated here one by one and compressed on the fly.
The style ids are read off the probe row, so they are whatever XlsxWriter chose.

The 205 figure cells of a row are made in the worker that read the workbook
(``figures_xml``: one ``str.format`` for a row of numbers) and wait in the
spool with placeholders for the row number and style; the summary process
only adds the five text cells and fills the placeholders in.

Text is written as inline strings, escaped as XlsxWriter escapes text (control
characters as ``_xHHHH_``, ``&<>``): never a formula, whatever an agency typed.
"""
from __future__ import annotations

import math
import re
from typing import Callable, Iterable, Iterator, Sequence

from ..formats import Format
from ..model import CellError, Value
from ..readers.refs import column_letters
from ..xmltext import cell_safe
from .identity import NO_NAME
from .labels import DETAIL_FIXED
from .result import Entry

PROBE_ROW = 1  # 0-based: the row just below the header
_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_SPECIAL = re.compile(r"_x|[\x00-\x08\x0b-\x1f&<>]")
_PROBE = re.compile(rb'<row r="2"[^>]*>(.*?)</row>', re.S)
_STYLE = re.compile(rb'<c r="([A-Z]+)2" s="([0-9]+)"')
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
MAX_TEXT = 32000


def write_probe(sheet, text_style, number_style, first_figure_column: int) -> None:
    """The row whose styles the streamed rows copy; ``splice`` removes it."""
    sheet.write_string(PROBE_ROW, 0, "probe", text_style)
    sheet.write_number(PROBE_ROW, first_figure_column, 0, number_style)


def text_xml(text: str) -> str:
    """An inline string element's content, as XlsxWriter would escape the text."""
    text = cell_safe(text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…")
    if _SPECIAL.search(text):  # most names and notes have nothing to escape
        if "_x" in text:
            text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'<is><t{space}>{text}</t></is>'


ROW_MARK, NUMBER_MARK = "\x00", "\x01"  # placeholders: control characters never survive ``text_xml``


class DetailRows:
    """The XML of every agency row, made as it is written."""

    def __init__(self, entries: Sequence[Entry], fmt: Format, fixed: int):
        self.entries = entries
        self.fmt = fmt
        self.fixed = fixed
        self.columns = [column_letters(c + 1) for c in range(fixed + len(fmt.cells))]

    @property
    def last_cell(self) -> str:
        return f"{self.columns[-1]}{len(self.entries) + 1}"

    def rows(self, text_style: bytes, number_style: bytes) -> Iterator[bytes]:
        text_s, mark = text_style.decode(), ROW_MARK.encode()
        fixed_refs = [col + ROW_MARK for col in self.columns[:self.fixed]]
        for number, entry in enumerate(self.entries, start=2):
            fixed = (entry.agency or NO_NAME, entry.district, entry.credit_code, entry.year, entry.status,
                     entry.name)
            head = "".join([cell_xml(ref, text_s, value) for ref, value in zip(fixed_refs, fixed)])
            row = b"".join((b'<row r="\x00">', head.encode("utf-8"), _figures_of(entry, self.fmt), b"</row>"))
            yield row.replace(mark, str(number).encode()).replace(NUMBER_MARK.encode(), number_style)


def _figures_of(entry: Entry, fmt: Format) -> bytes:
    """The entry's figure cells: spooled by the worker that read it, or made now."""
    values = entry.form.values
    if hasattr(values, "figures"):
        return values.figures()
    return figures_xml(fmt, values)


_TEMPLATES: dict[str, tuple[list[str], str]] = {}
_PLAIN_LIMIT = 2 ** 53  # below it an int is exact as a float, so its .16G form is its plain digits


def _template(fmt: Format) -> tuple[list[str], str]:
    """Per format: the figure cells' references, and the format string of a row of numbers, each
    given as an int (``{}`` formats one twice as fast as ``{:.16G}``, to the same digits) or as text."""
    if fmt.id not in _TEMPLATES:
        first = len(DETAIL_FIXED)
        refs = [column_letters(first + c + 1) + ROW_MARK for c in range(len(fmt.cells))]
        _TEMPLATES[fmt.id] = refs, "".join(f'<c r="{ref}" s="{NUMBER_MARK}"><v>{{}}</v></c>' for ref in refs)
    return _TEMPLATES[fmt.id]


def figures_xml(fmt: Format, values) -> bytes:
    """The figure cells of one detail row, with ROW_MARK for its row number and NUMBER_MARK for the style.

    ``values`` is a Mapping of the form's values or, faster, the figures alone in
    ``fmt.cells`` order (a tuple). A row of finite numbers — nearly every row —
    is one ``str.format`` call; anything else goes cell by cell through ``cell_xml``.
    """
    refs, row = _template(fmt)
    cells = values if isinstance(values, tuple) else tuple(values.get(key) for key in fmt.cells)
    types = list(map(type, cells))
    kinds = set(types)
    if kinds <= _NUMBERS:
        shown = _shown(cells, types, float in kinds)
        if shown is not None:
            return row.format(*shown).encode()
    return "".join([cell_xml(ref, NUMBER_MARK, value) for ref, value in zip(refs, cells)]).encode("utf-8")


def _shown(cells: tuple, types: list, floats: bool) -> Sequence | None:
    """Numbers as ``row`` takes them — ints as they are, decimals and vast ints as .16G text — or
    None when one is not finite or will not go through float (``cell_xml`` then says what it is)."""
    if not (-_PLAIN_LIMIT < min(cells) and max(cells) < _PLAIN_LIMIT):  # rare: a vast or infinite value
        if not all(map(math.isfinite, cells)):
            return None
        try:
            return [value if type(value) is int and -_PLAIN_LIMIT < value < _PLAIN_LIMIT else format(value, ".16G")
                    for value in cells]
        except OverflowError:
            return None
    if not floats:
        return cells
    shown, at = list(cells), types.index(float)  # the few decimals: found without a Python loop
    while True:
        if not math.isfinite(shown[at]):
            return None
        shown[at] = format(shown[at], ".16G")
        try:
            at = types.index(float, at + 1)
        except ValueError:
            return shown


_NUMBERS = frozenset({int, float})


def cell_xml(ref: str, style: str, value: Value) -> str:
    """One cell as SheetWriter.value writes it: numbers, text (bools as TRUE/FALSE), else blank."""
    kind = type(value)
    if kind is int or (kind is float and value == value and abs(value) != float("inf")):
        return f'<c r="{ref}" s="{style}"><v>{value:.16G}</v></c>'
    if value is None:
        return f'<c r="{ref}" s="{style}"/>'
    if kind is bool:
        value = "TRUE" if value else "FALSE"
    elif not isinstance(value, (str, CellError, int, float)):
        return f'<c r="{ref}" s="{style}"/>'
    return f'<c r="{ref}" s="{style}" t="inlineStr">{text_xml(str(value))}</c>'


def detail_part(detail: DetailRows) -> Callable[[bytes, Callable[[bytes], object]], None]:
    """分单位明细's XML with the probe row replaced by every agency's row."""
    def write_part(xml: bytes, write: Callable[[bytes], object]) -> None:
        head, tail, styles = _around_probe(xml, detail)
        write(head)
        for chunk in _batched(detail.rows(*styles)):
            write(chunk)
        write(tail)
    return write_part


def _around_probe(xml: bytes, detail: DetailRows) -> tuple[bytes, bytes, tuple[bytes, bytes]]:
    probe = _PROBE.search(xml)
    styles = dict(_STYLE.findall(probe.group(1)))
    text_style = styles[detail.columns[0].encode()]
    number_style = styles[detail.columns[detail.fixed].encode()]
    head = _DIMENSION.sub(f'<dimension ref="A1:{detail.last_cell}"/>'.encode(), xml[:probe.start()], count=1)
    return head, xml[probe.end():], (text_style, number_style)


def _batched(rows: Iterable[bytes], size: int = 256 * 1024) -> Iterator[bytes]:
    batch, length = [], 0
    for row in rows:
        batch.append(row)
        length += len(row)
        if length >= size:
            yield b"".join(batch)
            batch, length = [], 0
    if batch:
        yield b"".join(batch)
