"""报送情况 and 问题清单 streamed: their rows written straight into the zip, as 分单位明细's are.

Held by XlsxWriter, 10,000 rows of eleven cells with a hyperlink each cost the
summary process tens of megabytes and a fifth of a millisecond per file. So
XlsxWriter writes the header and one *probe* row per status style (in the order
the statuses first appear, so styles.xml comes out as before); ``StatusRows``
then makes each row's XML as it is written — the cells as XlsxWriter writes
them (text inline, escaped by ``detail_stream.text_xml``, never a formula), the
row height ``SheetWriter.fit_row`` gives, the hyperlink to the file — and the
sheet's relationships part. Link targets are made by XlsxWriter's own ``Url``,
so they are escaped exactly as ``write_url`` escapes them.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import IO, Callable, Iterator, Sequence

from xlsxwriter.url import Url

from ..pathtext import link_target, readable
from ..template.sizing import LINE_PT, MIN_ROW_PT, wrapped_lines
from .detail_stream import cell_xml, text_xml
from .identity import NO_NAME
from .result import Entry
from .spool import BUFFER

MAX_LINKS = 65530  # XlsxWriter leaves the cell empty beyond Excel's limit of links per sheet
HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
RELS_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
             b'http://schemas.openxmlformats.org/package/2006/relationships">')
_ROW = re.compile(rb'<row r="(\d+)"[^>]*>(.*?)</row>', re.S)
_STYLE = re.compile(rb'<c r="([A-Z]+)\d+" s="([0-9]+)"')
_AFTER_LINKS = re.compile(rb"<printOptions|<pageMargins|<pageSetup|<headerFooter|<drawing|</worksheet>")
_ESCAPES = re.compile('["&<>\n]')


def probe_statuses(entries: Sequence[Entry]) -> list[str]:
    """Each status once, in the order of first appearance: the order XlsxWriter numbered their styles in."""
    return list(dict.fromkeys(entry.status for entry in entries))


def attribute(value: str) -> str:
    """An attribute value escaped as XlsxWriter escapes it."""
    if not _ESCAPES.search(value):
        return value
    return (value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "&#xA;"))


class StatusRows:
    """The rows, hyperlinks and relationships of 报送情况, made as they are written."""

    def __init__(self, relative: Callable[[Path], str], entries: Sequence[Entry],
                 columns: Sequence[tuple[str, float]]):
        self.relative = relative  # a file's path relative to the summary's folder (SheetWriter.relative)
        self.entries = entries
        self.columns = columns
        self.statuses = probe_statuses(entries)
        self._links: IO[bytes] | None = None
        self._rels: IO[bytes] | None = None

    @property
    def linked(self) -> bool:
        """Whether any row has a hyperlink, so the sheet needs a relationships part (known once written)."""
        return self._rels is not None and bool(self._rels.tell())

    def sheet(self, xml: bytes, write: Callable[[bytes], object]) -> None:
        """Write the sheet: ``xml`` (XlsxWriter's, with the probe rows) with the real rows in their place."""
        # opened by whichever process writes the sheet (assemble.splice may hand it to a child)
        self._links = tempfile.TemporaryFile(prefix="xxgk-links-", buffering=BUFFER)
        self._rels = tempfile.TemporaryFile(prefix="xxgk-rels-", buffering=BUFFER)
        probes = list(_ROW.finditer(xml))[1:]  # the header row stays
        cell, status = self._styles(probes)
        write(_head(xml[:probes[0].start()], f"A1:K{len(self.entries) + 1}"))
        _write_batched(self._rows(cell, status), write)
        tail = xml[probes[-1].end():]
        at = _AFTER_LINKS.search(tail).start()  # where XlsxWriter puts <hyperlinks>
        write(tail[:at])
        self._copy(self._links, b"<hyperlinks>", b"</hyperlinks>", write)
        write(tail[at:])

    def relationships(self, write: Callable[[bytes], object]) -> None:
        self._copy(self._rels, RELS_HEAD, b"</Relationships>", write)
        self._links.close()
        self._rels.close()

    def _styles(self, probes) -> tuple[str, dict[str, str]]:
        styles = [dict(_STYLE.findall(probe.group(2))) for probe in probes]
        cell = styles[0][b"A"].decode()
        return cell, {status: found[b"F"].decode() for status, found in zip(self.statuses, styles)}

    def _copy(self, spooled: IO[bytes], head: bytes, end: bytes, write) -> None:
        if not spooled.tell():
            return
        write(head)
        spooled.seek(0)
        while chunk := spooled.read(256 * 1024):
            write(chunk)
        write(end)

    def _rows(self, cell: str, status_styles: dict[str, str]) -> Iterator[bytes]:
        links = 0
        for index, entry in enumerate(self.entries, start=1):
            n = index + 1
            if links < MAX_LINKS and self._link(n, entry.path, links):
                links += 1
            agency = entry.agency or (NO_NAME if entry.form is not None else "")
            messages = "\n".join(entry.messages)
            texts = ((2, agency), (4, entry.format_id), (9, messages), (10, entry.note), (1, entry.name))
            lines = max((wrapped_lines(str(text), self.columns[col][1]) for col, text in texts if text), default=1)
            height = int(max(MIN_ROW_PT, lines * LINE_PT + 4) * 4.0 / 3.0 + 0.5) * 0.75
            cells = (f'<c r="A{n}" s="{cell}"><v>{index}</v></c>',
                     _text("B", n, cell, entry.name), _text("C", n, cell, agency),
                     cell_xml(f"D{n}", cell, entry.year), _text("E", n, cell, entry.format_id),
                     _text("F", n, status_styles[entry.status], entry.status),
                     f'<c r="G{n}" s="{cell}"><v>{entry.errors}</v></c>',
                     f'<c r="H{n}" s="{cell}"><v>{entry.warnings}</v></c>',
                     f'<c r="I{n}" s="{cell}"><v>{entry.explained}</v></c>',
                     _text("J", n, cell, messages), _text("K", n, cell, entry.note))
            yield f'<row r="{n}" spans="1:11" ht="{height:.16g}" customHeight="1">{"".join(cells)}</row>'.encode()

    def _link(self, n: int, path: Path, links: int) -> bool:
        """Spool the hyperlink of row ``n`` to its file; False when the name stays plain text."""
        target = self.relative(path)
        if "#" in target or "%" in target or len(target) > 2000:  # would be read as an anchor / an escape
            return False
        shown = readable(target)
        if shown != target:  # bytes that are no UTF-8 (a zip from Chinese Windows): link the very bytes
            target = link_target(target)
        url = Url("external:" + target)
        url.tip = shown[:250]
        rel = f"rId{links + 1}"
        self._links.write(f'<hyperlink ref="B{n}" r:id="{rel}" tooltip="{attribute(url.tip)}"/>'.encode())
        self._rels.write(f'<Relationship Id="{rel}" Type="{HYPERLINK_TYPE}" Target="{attribute(url._target())}" '
                         f'TargetMode="External"/>'.encode())
        return True


class FindingRows:
    """问题清单's rows (``SheetWriter.finding_rows`` of each entry listed), made as they are written."""

    def __init__(self, entries: Sequence[Entry], rows: Callable[[Entry], list[tuple]],
                 columns: Sequence[tuple[str, float]]):
        self.entries = entries  # the entries whose findings are listed, in order
        self.finding_rows = rows
        self.columns = columns
        self.count = sum(len(rows(entry)) for entry in entries)

    def sheet(self, xml: bytes, write: Callable[[bytes], object]) -> None:
        probe = list(_ROW.finditer(xml))[1]
        cell = dict(_STYLE.findall(probe.group(2)))[b"A"].decode()
        write(_head(xml[:probe.start()], f"A1:K{self.count + 1}"))
        _write_batched(self._rows(cell), write)
        write(xml[probe.end():])

    def _rows(self, cell: str) -> Iterator[bytes]:
        n = 1
        for entry in self.entries:
            for cells in self.finding_rows(entry):
                n += 1
                lines = max((wrapped_lines(str(text), self.columns[col][1]) for col, text in enumerate(cells) if text),
                            default=1)
                height = int(max(MIN_ROW_PT, lines * LINE_PT + 4) * 4.0 / 3.0 + 0.5) * 0.75
                xml = "".join([_text(_LETTERS[col], n, cell, text) for col, text in enumerate(cells)])
                yield f'<row r="{n}" spans="1:11" ht="{height:.16g}" customHeight="1">{xml}</row>'.encode()


_LETTERS = "ABCDEFGHIJK"


def _head(xml: bytes, dimension: str) -> bytes:
    return re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>'.encode(), xml, count=1)


def _write_batched(rows: Iterator[bytes], write: Callable[[bytes], object], size: int = 256 * 1024) -> None:
    batch, length = [], 0
    for row in rows:
        batch.append(row)
        length += len(row)
        if length >= size:
            write(b"".join(batch))
            batch, length = [], 0
    write(b"".join(batch))


def _text(column: str, n: int, style: str, text: str) -> str:
    """A text cell; ``text_xml`` clips it as ``sheets.clip`` does."""
    return f'<c r="{column}{n}" s="{style}" t="inlineStr">{text_xml(str(text))}</c>'
