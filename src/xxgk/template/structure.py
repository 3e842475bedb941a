"""Workbook structure protection, which XlsxWriter (3.x) has no API for.

The workbook is built in memory, then ``xl/workbook.xml`` gets a
``<workbookProtection lockStructure="1"/>`` right after ``<workbookPr>``, where
the OOXML schema wants it, before the bytes reach the disk. The zip we patch
is our own fresh output, so no size limits are needed here.
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import Callable

WORKBOOK_PART = "xl/workbook.xml"
SHEET_PARTS = "xl/worksheets/sheet"
PROTECTION = '<workbookProtection lockStructure="1"/>'
_AFTER = re.compile(r"<workbookPr\b[^>]*/>|<workbookPr\b[^>]*>.*?</workbookPr>", re.S)


def lock_structure(xlsx: bytes, sheet_xml: Callable[[bytes], bytes] | None = None) -> bytes:
    """Return the workbook with its structure locked: no adding, removing, renaming or unhiding sheets;
    ``sheet_xml``, when given, rewrites each worksheet part on the way (``formulas.Placeholders.put_in``)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == WORKBOOK_PART:
                data = _protect(data.decode("utf-8")).encode("utf-8")
            elif sheet_xml is not None and info.filename.startswith(SHEET_PARTS):
                data = sheet_xml(data)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _protect(xml: str) -> str:
    if "<workbookProtection" in xml:
        return xml
    match = _AFTER.search(xml)
    if match is None:  # XlsxWriter always writes workbookPr; its absence means a changed library
        raise RuntimeError("xl/workbook.xml has no <workbookPr>: cannot place workbookProtection")
    return xml[:match.end()] + PROTECTION + xml[match.end():]
