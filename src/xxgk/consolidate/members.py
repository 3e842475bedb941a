"""Where a worksheet lives in a workbook's zip, found by its name (the summary's writer and reader both ask)."""
from __future__ import annotations

import zipfile
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as safe_et

from ..readers.xmlparts import local


def sheet_member(archive: zipfile.ZipFile, sheet_name: str) -> str:
    """The zip member of a worksheet, found by name through workbook.xml and its relationships; KeyError when
    the workbook has no such sheet. Parsed as XML, not matched as text: a summary saved again by Excel, WPS or
    LibreOffice writes the same elements with other attributes, in another order."""
    workbook = safe_et.fromstring(archive.read("xl/workbook.xml"), forbid_dtd=True)
    rel_id = next((_rel_id(e) for e in workbook.iter() if local(e.tag) == "sheet" and e.get("name") == sheet_name),
                  None)
    rels = safe_et.fromstring(archive.read("xl/_rels/workbook.xml.rels"), forbid_dtd=True)
    target = next((e.get("Target", "") for e in rels.iter()
                   if local(e.tag) == "Relationship" and rel_id and e.get("Id") == rel_id), None)
    if not target:
        raise KeyError(sheet_name)
    return "xl/" + target.lstrip("/").removeprefix("xl/")


def _rel_id(elem: Element) -> str:
    return next((value for key, value in elem.attrib.items() if key.startswith("{") and local(key) == "id"), "")
