"""Where a worksheet lives in a workbook's zip, found by its name (the summary's writer and reader both ask)."""
from __future__ import annotations

import re
import zipfile


def sheet_member(archive: zipfile.ZipFile, sheet_name: str) -> str:
    """The zip member of a worksheet, found by name through workbook.xml and its relationships."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    escaped = sheet_name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    rel_id = re.search(rf'<sheet name="{re.escape(escaped)}" sheetId="\d+" r:id="(rId\d+)"', workbook).group(1)
    target = re.search(rf'<Relationship Id="{rel_id}" Type="[^"]*" Target="([^"]+)"', rels).group(1)
    return "xl/" + target.lstrip("/").removeprefix("xl/")
