"""The building blocks of the fault corpus: a Case, the real template as bytes, zip/XML surgery.

Every bad input starts from a workbook made by the project's own template builder
(xxgk.template.build_workbook) filled with the project's sample figures; the damage is
then done at byte, zip or XML level, or through openpyxl the way a script would.
"""
from __future__ import annotations

import functools
import io
import random
import re
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping
from xml.sax.saxutils import escape

from xxgk.formats import get_format
from xxgk.template import Layout, build_workbook

# What a case must end in.
REFUSE = "refuse"  # the file is named as unreadable (exit 2), with a Chinese reason
FINDINGS = "findings"  # read, with at least one error (exit 1)
CLEAN = "clean"  # read, no error at all (exit 0)
READ = "read"  # read; findings or not
ANY = "any"  # either read or refused (random damage may or may not hit something that matters)
OUTCOMES = (REFUSE, FINDINGS, CLEAN, READ, ANY)

YEAR = {"2021": 2023, "2019": 2020}
# Input-derived strings carry this marker, so a scan of every output formula can find them.
TOKEN = "XXGKINJ"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@dataclass(frozen=True)
class Case:
    path: Path
    kind: str  # damaged, hostile, wrong_kind, tampered, bad_value, hostile_text, careless, report
    variant: str  # truncated, flipped, zip_bomb …
    expect: str  # one of OUTCOMES
    words: tuple[str, ...] = ()  # what a refusal's reason must say (e.g. 加密)
    status: str = ""  # the status consolidation must give it in 报送情况 ("" = any)

    def __post_init__(self):
        assert self.expect in OUTCOMES, self.expect


def values_for(format_id: str, agency: str = "区教育局", seed: int = 0, year: int | None = None) -> dict:
    from xxgk.samples import agency_values

    return agency_values(get_format(format_id), agency, year or YEAR[format_id], seed)


@functools.lru_cache(maxsize=None)
def checks_for(format_id: str) -> tuple:
    """The live checks of the shipped rules.yaml: the 校验结果 sheet then has its 说明 column."""
    from xxgk.rules import live_checks_for, load_rules

    return tuple(live_checks_for(get_format(format_id), load_rules()))


def template_bytes(format_id: str, values: Mapping | None = None, live: bool = True) -> bytes:
    """A filled template made by build_workbook, as bytes."""
    fmt = get_format(format_id)
    with tempfile.TemporaryDirectory(prefix="xxgk-faults-") as scratch:
        path = Path(scratch) / "t.xlsx"
        build_workbook(path, fmt, values=values_for(format_id) if values is None else values,
                       live_checks=checks_for(format_id) if live else ())
        return path.read_bytes()


@functools.lru_cache(maxsize=None)
def good_bytes(format_id: str) -> bytes:
    return template_bytes(format_id)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zip_members(parts: Mapping[str, bytes], method: int = zipfile.ZIP_DEFLATED, level: int = 1) -> bytes:
    """The members zipped again; deflate level 1 by default (a member's content is what matters to a reader,
    and zlib's default level 6 spent most of the corpus's zip time compressing). A case about the
    compression ratio itself asks for the level it needs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method, compresslevel=level) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def edit(data: bytes, change: Callable[[dict[str, bytes]], None], level: int = 1) -> bytes:
    """The workbook with its members passed through ``change`` (which edits the dict in place)."""
    parts = members(data)
    change(parts)
    return zip_members(parts, level=level)


def sheet_parts(parts: Mapping[str, bytes]) -> dict[str, str]:
    """Sheet name -> worksheet member, from workbook.xml and its relationships."""
    rels = {rel.get("Id"): rel.get("Target") for rel in ET.fromstring(parts["xl/_rels/workbook.xml.rels"])}
    found = {}
    for elem in ET.fromstring(parts["xl/workbook.xml"]).iter():
        if elem.tag.endswith("}sheet"):
            found[elem.get("name")] = "xl/" + rels[elem.get(REL_NS + "id")]
    return found


def position(format_id: str, key: str) -> tuple[str, str]:
    """(sheet name, A1 reference) of a key in the real template, from the template's own layout."""
    pos = layout_of(format_id)[key]
    return pos.sheet, pos.a1


@functools.lru_cache(maxsize=None)
def layout_of(format_id: str) -> Layout:
    """One Layout per format: making one lays out every sheet (~6 ms), and the corpus asks ~400 times."""
    return Layout(get_format(format_id))


_CELL = re.compile(r'<c r="(?P<ref>[A-Z]+[0-9]+)"(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</c>)', re.S)


def set_cell(xml: str, ref: str, body: str, cell_type: str | None) -> str:
    """Replace cell ``ref`` (which must exist) keeping its style; ``body`` is the inner XML."""
    return set_sheet_cells(xml, {ref: (body, cell_type)})


def set_sheet_cells(xml: str, edits: Mapping[str, tuple[str, str | None]]) -> str:
    """Replace the cells of ``edits`` (ref -> (inner XML, t attribute); each must exist) in one pass over the
    sheet XML, keeping each cell's style: one search per cell would go over the sheet once per cell."""
    found = set()

    def replace(match: re.Match) -> str:
        ref = match.group("ref")
        if ref not in edits:
            return match.group(0)
        found.add(ref)
        body, cell_type = edits[ref]
        style = re.search(r'\ss="\d+"', match.group("attrs"))
        attrs = (style.group(0) if style else "") + (f' t="{cell_type}"' if cell_type else "")
        return f'<c r="{ref}"{attrs}/>' if not body else f'<c r="{ref}"{attrs}>{body}</c>'

    xml = _CELL.sub(replace, xml)
    missing = set(edits) - found
    assert not missing, f"cells {sorted(missing)} not in sheet"
    return xml


def inline_text(text: str) -> str:
    return f'<is><t xml:space="preserve">{escape(text)}</t></is>'


def set_cells(data: bytes, format_id: str, edits: Mapping[str, tuple[str, str | None]]) -> bytes:
    """Workbook with the cells of ``edits`` (key -> (inner XML, t attribute)) rewritten in the sheet XML."""

    def change(parts: dict[str, bytes]) -> None:
        sheets, by_member = sheet_parts(parts), {}
        for key, edited in edits.items():
            sheet, ref = position(format_id, key)
            by_member.setdefault(sheets[sheet], {})[ref] = edited
        for member, cells in by_member.items():
            parts[member] = set_sheet_cells(parts[member].decode("utf-8"), cells).encode("utf-8")

    return edit(data, change)


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def rng_for(*parts: object) -> random.Random:
    """A reproducible random stream per generator: a failing case is the same on every run."""
    return random.Random("/".join(map(str, parts)))
