"""The frame around a sheet's data: judged well-formed with expat once per distinct frame.

A worksheet part is the template's frame (declaration, root, views, columns
before ``<sheetData>``; merges, formats, validations, protection after it)
around the data a clerk typed. The frame is judged once, with the whole
document, and recognised in later files by a cheap fingerprint plus a byte
comparison; only the data region between is judged per file (``fastsheet``
or ``fastxml``).
"""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from xml.parsers import expat

from .fastzip import Doubt

_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>")
_DECLARATION = re.compile(rb'<\?xml version="1\.0"(?: encoding="(?i:utf-8)")?(?: standalone="(?:yes|no)")?\?>\s*')
_CELL_LIKE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:c|row)[\s/>]")
_PREFIX_DECLARATION = re.compile(rb'xmlns:([A-Za-z_][\w.-]*)\s*=')
FRAME_CACHE = 32


@dataclass(frozen=True)
class Frame:
    """What surrounds a sheet's ``<sheetData>``, judged well-formed once with expat."""

    head: bytes
    tail: bytes
    root: bytes  # declaration and root start tag: the frame a data region is judged in
    prefixes: tuple[bytes, ...]  # "<x:" for each prefix the root declares
    x14ac: bool  # the root declares Excel's x14ac prefix (rows may carry x14ac:dyDescent)


class _Frames:
    """Frames already judged, most recent last; looked up by a cheap fingerprint, then compared in full.

    Hashing a 100 KB tail for every file would cost more than the rest of the sheet;
    comparing it with the known one is a memcmp.
    """

    def __init__(self):
        self.known: OrderedDict[tuple, Frame] = OrderedDict()

    def find(self, document: bytes, start: int, end: int) -> Frame:
        """The frame of ``document`` whose data region is ``document[start:end]``; Doubt unless well-formed."""
        key = (start, len(document) - end, document[max(start - 64, 0):start], document[end:end + 64], document[-64:])
        frame = self.known.get(key)
        if frame is None or not (document.startswith(frame.head) and document.endswith(frame.tail)):
            frame = self.judge(document, start, end, key)
        self.known.move_to_end(key)
        return frame

    def judge(self, document: bytes, start: int, end: int, key: tuple) -> Frame:
        head, tail = document[:start], document[end:]
        if b"<!" in head or b"<!" in tail or not document.startswith(b"<"):
            raise Doubt("DTD, comment, CDATA or unknown encoding")
        well_formed(document)
        if _CELL_LIKE.search(head) or _CELL_LIKE.search(tail) or b"<sheetData" in head + tail:
            raise Doubt("row or cell elements outside sheetData")  # the careful scan would read them
        root = root_start(head)
        names = _PREFIX_DECLARATION.findall(root)
        frame = Frame(head, tail, root, tuple(b"<" + name + b":" for name in names), b"x14ac" in names)
        self.known[key] = frame
        if len(self.known) > FRAME_CACHE:
            self.known.popitem(last=False)
        return frame


FRAMES = _Frames()


def well_formed(document: bytes) -> None:
    parser = expat.ParserCreate(None, "}")  # namespace-aware, as ElementTree parses
    try:
        parser.Parse(document, True)
    except expat.ExpatError:
        raise Doubt("XML not well-formed") from None


def root_start(head: bytes) -> bytes:
    """Declaration plus the root element's start tag: the frame a sheet's data is judged in."""
    declaration = _DECLARATION.match(head)
    start = declaration.end() if declaration else 0
    root = _ROOT.match(head, start)
    if root is None:
        raise Doubt("no root element")
    return head[:root.end()]


def root_name(frame: bytes) -> bytes:
    return _ROOT.match(frame, (_DECLARATION.match(frame) or re.match(b"", frame)).end()).group(1)


def split_sheet(document: bytes) -> tuple[bytes, Frame] | None:
    """``<sheetData>…</sheetData>`` and the judged frame around it; None for an empty ``<sheetData/>``."""
    start = document.find(b"<sheetData>")
    end = document.find(b"</sheetData>", start)
    if start < 0 or end < 0:
        if b"<sheetData/>" in document and document.count(b"<sheetData") == 1 and b"<!" not in document:
            well_formed(document)
            return None
        raise Doubt("no plain sheetData")
    end += len(b"</sheetData>")
    return document[start:end], FRAMES.find(document, start, end)
