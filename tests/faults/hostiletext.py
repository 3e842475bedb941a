"""Hostile text: agency names, other cover fields, explanations (说明) and file names that begin
with = + - @, carry control characters, or run to 10,000 characters and beyond.

Every such string carries base.TOKEN, so a scan of the outputs' formulas can prove none of them
became a formula.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from xxgk.formats import get_format

from .base import (ANY, READ, TOKEN, Case, checks_for, edit, inline_text, set_sheet_cells, sheet_parts, template_bytes,
                   values_for, write)

FORMULA_LIKE = (
    f'=HYPERLINK("http://evil.example/{TOKEN}","点此查看")',
    f"+{TOKEN}+1",
    f"-{TOKEN}-1",
    f"@SUM({TOKEN})",
    f"=cmd|' /C calc'!A0{TOKEN}",
    f"\t={TOKEN}",
    f"\r\n=1+{TOKEN}",
    f"＝{TOKEN}",  # full-width equals sign
)
# terminal markup (rich) that a careless print would interpret, or choke on
MARKUP = (f"[/]{TOKEN}", f"[bold red]{TOKEN}[/", f"[link=file:///etc/passwd]{TOKEN}[/link]")
CONTROL = f"区\x01教\x07育\x1b局{TOKEN}\x0b\x0c"
LONG = ("区" + "很长" * 5000 + TOKEN)[:10_000]
TOO_LONG = TOKEN + "超" * 40_000  # beyond Excel's 32,767 characters per cell
FILE_NAMES = (f"={TOKEN}+1", f"@{TOKEN}", f"-{TOKEN}", f"+{TOKEN}", f"a#{TOKEN}%20b", f"=HYPERLINK({TOKEN})",
              f"[red]{TOKEN}")  # a file name cannot hold "/", so no closing markup tag here


def _warning_values(format_id: str, agency: str, **cover) -> dict:
    """Balanced figures with one 二-现行有效 warning, so explanations show up in the findings."""
    values = values_for(format_id, agency)
    key = "t2.regulation.in_force" if format_id == "2021" else "t2.regulation.total"
    if key in get_format(format_id).cells and not get_format(format_id).cells[key].is_total:
        values[key] = 0
    values.update(cover)
    return values


def explanation_cells(parts: dict) -> tuple[str, list[str]]:
    """(member, refs) of every 说明 cell in the xxgk_checks range."""
    root = ET.fromstring(parts["xl/workbook.xml"])
    text = next(e.text for e in root.iter() if e.tag.endswith("definedName") and e.get("name") == "xxgk_checks")
    sheet, _, area = text.rpartition("!")
    first, _, last = area.replace("$", "").partition(":")
    column = re.match(r"[A-Z]+", last).group(0)
    rows = range(int(re.search(r"\d+", first).group(0)), int(re.search(r"\d+", last).group(0)) + 1)
    return sheet_parts(parts)[sheet.strip("'")], [f"{column}{row}" for row in rows]


def with_explanations(data: bytes, format_id: str, text: str, raw: bool = False) -> bytes:
    """The 说明 cells of every warning, and the first and last of the column, holding ``text`` (raw: control
    characters left unescaped, as a broken tool would). Only a warning's 说明 reaches its finding (the rule
    engine gives errors none), so these are the cells where the text has an effect; the first and last keep
    the ends of the xxgk_checks range. All 249 held it before: 2.5 MB of text a file, 10 MB in the too-long
    case, each costing openpyxl seconds to load and save for a marked copy."""
    checks = checks_for(format_id)  # the 校验结果 rows, in order (base.template_bytes writes these)

    def change(parts: dict) -> None:
        member, refs = explanation_cells(parts)
        assert len(refs) == len(checks), (len(refs), len(checks))
        chosen = {refs[0], refs[-1]} | {ref for ref, check in zip(refs, checks) if check.severity == "warning"}
        body = inline_text(text)
        if not raw:
            body = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"_x{ord(m.group(0)):04X}_", body)
        xml = set_sheet_cells(parts[member].decode("utf-8"), {ref: (body, "inlineStr") for ref in chosen})
        parts[member] = xml.encode("utf-8")

    return edit(data, change)


def generate(folder: Path) -> list[Case]:
    cases = []
    for format_id in ("2021", "2019"):
        warned = template_bytes(format_id, _warning_values(format_id, "区说明局"))
        for i, text in enumerate((*FORMULA_LIKE, *MARKUP, CONTROL, LONG)):
            values = _warning_values(format_id, text, **{"cover.filler": text, "cover.phone": text})
            path = write(folder, f"单位名_{format_id}_{i:02d}.xlsx", template_bytes(format_id, values, live=False))
            cases.append(Case(path, "hostile_text", "agency_name", READ))
            explained = with_explanations(warned, format_id, text)
            path = write(folder, f"说明_{format_id}_{i:02d}.xlsx", explained)
            cases.append(Case(path, "hostile_text", "explanation", READ))
        cases.append(Case(write(folder, f"说明超长_{format_id}.xlsx", with_explanations(warned, format_id, TOO_LONG)),
                          "hostile_text", "explanation_too_long", READ))
        raw_control = with_explanations(warned, format_id, CONTROL, raw=True)
        cases.append(Case(write(folder, f"说明控制字符_{format_id}.xlsx", raw_control),
                          "hostile_text", "explanation_raw_control", ANY))
    for i, name in enumerate(FILE_NAMES):
        data = template_bytes("2021", values_for("2021", f"区文件名局{i}", seed=i), live=False)
        cases.append(Case(write(folder, f"{name}.xlsx", data), "hostile_text", "file_name", READ))
    return cases
