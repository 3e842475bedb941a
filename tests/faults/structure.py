"""Workbook-structure surgery on the parts of a zip (dict member -> bytes), done as Excel would
(names follow a renamed sheet, become #REF! when it is deleted) or as a careless tool would."""
from __future__ import annotations

import re

from .base import sheet_parts

WORKBOOK = "xl/workbook.xml"


def _xml(parts: dict, member: str = WORKBOOK) -> str:
    return parts[member].decode("utf-8")


def _sheet_ref(sheet: str) -> re.Pattern:
    """A reference to ``sheet`` inside a defined name, quoted or not."""
    return re.compile(rf"(?:'{re.escape(sheet)}'|(?<![\w']){re.escape(sheet)})!")


def rename_sheet(parts: dict, old: str, new: str, update_names: bool) -> None:
    xml = _xml(parts).replace(f'<sheet name="{old}"', f'<sheet name="{new}"')
    if update_names:
        xml = _sheet_ref(old).sub(f"'{new}'!", xml)
    parts[WORKBOOK] = xml.encode("utf-8")


def delete_sheet(parts: dict, sheet: str, update_names: bool) -> None:
    """Remove the sheet, its part and relationship; Excel turns names on it into #REF!."""
    member = sheet_parts(parts)[sheet]
    xml = _xml(parts)
    entry = re.search(rf'<sheet name="{re.escape(sheet)}"[^>]*/>', xml)
    rel_id = re.search(r'r:id="([^"]+)"', entry.group(0)).group(1)
    index = len(re.findall(r"<sheet ", xml[:entry.start()]))
    xml = xml[:entry.start()] + xml[entry.end():]
    if update_names:
        xml = re.sub(rf"(<definedName [^>]*>){_sheet_ref(sheet).pattern}[^<]*(</definedName>)", r"\1#REF!\2", xml)
        xml = _renumber_scopes(xml, index)
    parts[WORKBOOK] = xml.encode("utf-8")
    rels = _xml(parts, "xl/_rels/workbook.xml.rels")
    parts["xl/_rels/workbook.xml.rels"] = re.sub(rf'<Relationship Id="{rel_id}"[^>]*/>', "", rels).encode("utf-8")
    types = _xml(parts, "[Content_Types].xml")
    part_name = "/" + member
    parts["[Content_Types].xml"] = re.sub(rf'<Override PartName="{re.escape(part_name)}"[^>]*/>', "",
                                          types).encode("utf-8")
    del parts[member]
    rels_member = member.replace("worksheets/", "worksheets/_rels/") + ".rels"
    parts.pop(rels_member, None)


def _renumber_scopes(xml: str, deleted: int) -> str:
    """Names scoped to the deleted sheet go with it; later sheets' scopes move up one, as in Excel."""

    def renumber(match: re.Match) -> str:
        scope = int(match.group(2))
        if scope == deleted:
            return ""
        return match.group(0).replace(f'localSheetId="{scope}"', f'localSheetId="{scope - (scope > deleted)}"')

    return re.sub(r'<definedName ([^>]*)localSheetId="(\d+)"[^>]*>[^<]*</definedName>', renumber, xml)


def _name_pattern(name: str) -> re.Pattern:
    return re.compile(rf'<definedName name="{re.escape(name)}"[^>]*>[^<]*</definedName>')


def drop_name(parts: dict, name: str) -> None:
    parts[WORKBOOK] = _name_pattern(name).sub("", _xml(parts)).encode("utf-8")


def set_name(parts: dict, name: str, text: str) -> None:
    from xml.sax.saxutils import escape

    xml = _xml(parts)
    match = _name_pattern(name).search(xml)
    assert match is not None, name
    parts[WORKBOOK] = (xml[:match.start()] + f'<definedName name="{name}">{escape(text)}</definedName>'
                       + xml[match.end():]).encode("utf-8")
