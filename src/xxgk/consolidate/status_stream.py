"""报送情况 and 问题清单 streamed: their rows written straight into the zip, as 分单位明细's are.

Held by XlsxWriter, 10,000 rows of eleven cells with a hyperlink each cost the
summary process tens of megabytes and a fifth of a millisecond per file. So
XlsxWriter writes the header and one *probe* row per status style (in the order
the statuses first appear, so styles.xml comes out as before); ``StatusRows``
then makes each row's XML as it is written — the cells as XlsxWriter writes
them (text inline, escaped by ``detail_stream.text_xml``, never a formula), the
row height ``sheets.row_pixels`` gives, the hyperlink to the file — and the
sheet's relationships part. Link targets are escaped as XlsxWriter's
``write_url`` escapes them (``relationship_target``; tests/test_modes.py compares
both files, so a change in XlsxWriter shows there).
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import IO, Callable, Iterator, Sequence

from .detail_stream import cell_xml, text_xml
from ..xmltext import xml_safe
from .result import Entry
from .sheets import MAX_LINKS, link_of, row_pixels, status_texts
from .spool import BUFFER

HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
RELS_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
             b'http://schemas.openxmlformats.org/package/2006/relationships">')
_ROW = re.compile(rb'<row r="(\d+)"[^>]*>(.*?)</row>', re.S)
_STYLE = re.compile(rb'<c r="([A-Z]+)\d+" s="([0-9]+)"')
_AFTER_LINKS = re.compile(rb"<printOptions|<pageMargins|<pageSetup|<headerFooter|<drawing|</worksheet>")
_ESCAPES = re.compile('["&<>\n]')
_ESCAPED = re.compile("%[0-9a-fA-F]{2}")
_URL_ESCAPES = str.maketrans({"%": "%25", '"': "%22", " ": "%20", "<": "%3c", ">": "%3e", "[": "%5b", "]": "%5d",
                              "^": "%5e", "`": "%60", "{": "%7b", "}": "%7d", "#": "%23"})


def probe_statuses(entries: Sequence[Entry]) -> list[str]:
    """Each status once, in the order of first appearance: the order XlsxWriter numbered their styles in."""
    return list(dict.fromkeys(entry.status for entry in entries))


def attribute(value: str) -> str:
    """An attribute value escaped as XlsxWriter escapes it, with what XML cannot hold replaced."""
    value = xml_safe(value)
    if not _ESCAPES.search(value):
        return value
    return (value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "&#xA;"))


def relationship_target(path: str) -> str:
    """The relationship Target of a link to the file at ``path`` (relative, or another drive's absolute path),
    as ``write_url("external:" + path)`` writes it: backslashes, ``file:///`` before an absolute path,
    Excel's escapes — none when the path is escaped already (``pathtext.link_target``'s %XX bytes)."""
    link = path.replace("/", "\\")
    absolute = link.startswith("\\\\") or (link[:1].isalpha() and link[1:2] == ":")
    link = "file:///" + link if absolute else link.removeprefix(".\\")
    return link.replace("#", "%23") if _ESCAPED.search(link) else link.translate(_URL_ESCAPES)


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
        cell, link, status = self._styles(probes)
        write(_head(xml[:probes[0].start()], f"A1:K{len(self.entries) + 1}"))
        _write_batched(self._rows(cell, link, status), write)
        tail = xml[probes[-1].end():]
        at = _AFTER_LINKS.search(tail).start()  # where XlsxWriter puts <hyperlinks>
        write(tail[:at])
        self._copy(self._links, b"<hyperlinks>", b"</hyperlinks>", write)
        write(tail[at:])

    def relationships(self, write: Callable[[bytes], object]) -> None:
        self._copy(self._rels, RELS_HEAD, b"</Relationships>", write)
        self._links.close()
        self._rels.close()

    def _styles(self, probes) -> tuple[str, str, dict[str, str]]:
        styles = [dict(_STYLE.findall(probe.group(2))) for probe in probes]
        cell, link = styles[0][b"A"].decode(), styles[0][b"B"].decode()
        return cell, link, {status: found[b"F"].decode() for status, found in zip(self.statuses, styles)}

    def _copy(self, spooled: IO[bytes], head: bytes, end: bytes, write) -> None:
        if not spooled.tell():
            return
        write(head)
        spooled.seek(0)
        while chunk := spooled.read(256 * 1024):
            write(chunk)
        write(end)

    def _rows(self, cell: str, link: str, status_styles: dict[str, str]) -> Iterator[bytes]:
        links = 0
        for n, entry in enumerate(self.entries, start=2):
            linked = links < MAX_LINKS and self._link(n, entry.path, links)
            links += linked
            texts = dict(status_texts(entry))
            height = row_pixels(tuple(texts.items()), self.columns) * 0.75
            cells = (f'<c r="A{n}" s="{cell}"><v>{n - 1}</v></c>', _text("B", n, link if linked else cell, texts[1]),
                     _text("C", n, cell, texts[2]), cell_xml(f"D{n}", cell, entry.year), _text("E", n, cell, texts[4]),
                     _text("F", n, status_styles[entry.status], entry.status),
                     f'<c r="G{n}" s="{cell}"><v>{entry.errors}</v></c>',
                     f'<c r="H{n}" s="{cell}"><v>{entry.warnings}</v></c>',
                     f'<c r="I{n}" s="{cell}"><v>{entry.explained}</v></c>',
                     _text("J", n, cell, texts[9]), _text("K", n, cell, texts[10]))
            yield f'<row r="{n}" spans="1:11" ht="{height:.16g}" customHeight="1">{"".join(cells)}</row>'.encode()

    def _link(self, n: int, path: Path, links: int) -> bool:
        """Spool the hyperlink of row ``n`` to its file; False when the name stays plain text."""
        link = link_of(self.relative(path))
        if link is None:
            return False
        target, tip = link
        rel = f"rId{links + 1}"
        self._links.write(f'<hyperlink ref="B{n}" r:id="{rel}" tooltip="{attribute(tip)}"/>'.encode())
        self._rels.write(f'<Relationship Id="{rel}" Type="{HYPERLINK_TYPE}" '
                         f'Target="{attribute(relationship_target(target))}" TargetMode="External"/>'.encode())
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
                height = row_pixels(tuple(enumerate(cells)), self.columns) * 0.75
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
