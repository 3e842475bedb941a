"""分单位明细 streamed: one row per included agency, written straight into the zip.

A district of 10,000 agencies makes 2.7 million cells. Held by XlsxWriter they
cost gigabytes and minutes, so XlsxWriter writes only the header and a *probe*
row (one text cell, one number cell, in the sheet's own styles); when the
workbook is done, ``splice`` copies it into the output file and replaces the
probe row by the real rows, generated here one by one and compressed on the fly.
The style ids are read off the probe row, so they are whatever XlsxWriter chose.

Text is written as inline strings, escaped as XlsxWriter escapes text (control
characters as ``_xHHHH_``, ``&<>``): never a formula, whatever an agency typed.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from ..formats import Format
from ..model import CellError, Value
from ..readers.refs import column_letters
from .identity import NO_NAME
from .result import Entry

PROBE_ROW = 1  # 0-based: the row just below the header
DETAIL_LEVEL = 1  # zlib level for the big sheet: fast, and this XML compresses well anyway
_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
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
    text = text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"
    if "_x" in text:
        text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'<is><t{space}>{text}</t></is>'


class DetailRows:
    """The XML of every agency row, made as it is written."""

    def __init__(self, entries: Sequence[Entry], fmt: Format, fixed: int):
        self.entries = entries
        self.keys = list(fmt.cells)
        self.fixed = fixed
        self.columns = [column_letters(c + 1) for c in range(fixed + len(self.keys))]

    @property
    def last_cell(self) -> str:
        return f"{self.columns[-1]}{len(self.entries) + 1}"

    def rows(self, text_style: bytes, number_style: bytes) -> Iterator[bytes]:
        text_s, number_s = text_style.decode(), number_style.decode()
        figures = self.columns[self.fixed:]
        for number, entry in enumerate(self.entries, start=2):
            values = entry.form.values
            row = str(number)
            fixed = (entry.agency or NO_NAME, entry.credit_code, entry.year, entry.status, entry.path.name)
            cells = [_cell(col + row, text_s, value) for col, value in zip(self.columns, fixed)]
            cells += [_cell(col + row, number_s, values.get(key)) for col, key in zip(figures, self.keys)]
            yield f'<row r="{row}">{"".join(cells)}</row>'.encode("utf-8")


def _cell(ref: str, style: str, value: Value) -> str:
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


def detail_member(archive: zipfile.ZipFile, sheet_name: str) -> str:
    """The zip member of a worksheet, found by name through workbook.xml and its relationships."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    escaped = sheet_name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    rel_id = re.search(rf'<sheet name="{re.escape(escaped)}" sheetId="\d+" r:id="(rId\d+)"', workbook).group(1)
    target = re.search(rf'<Relationship Id="{rel_id}" Type="[^"]*" Target="([^"]+)"', rels).group(1)
    return "xl/" + target.lstrip("/").removeprefix("xl/")


def splice(data: bytes, target: Path, sheet_name: str, detail: DetailRows) -> None:
    """Write workbook ``data`` to ``target`` with the probe row of ``sheet_name`` replaced by ``detail``."""
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        member = detail_member(source, sheet_name)
        for info in source.infolist():
            if info.filename != member:
                out.writestr(info, source.read(info))
                continue
            head, tail, styles = _around_probe(source.read(info), detail)
            streamed = zipfile.ZipInfo(info.filename, info.date_time)
            streamed.compress_type = zipfile.ZIP_DEFLATED
            streamed._compresslevel = DETAIL_LEVEL  # noqa: SLF001 - zipfile's per-member level (3.7+)
            with out.open(streamed, "w", force_zip64=True) as stream:
                stream.write(head)
                for chunk in _batched(detail.rows(*styles)):
                    stream.write(chunk)
                stream.write(tail)


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
