"""Workbooks for reader and marked-copy tests, all made with the project's own code.

``build_template`` is the real template (xxgk.template.build_workbook), optionally tampered
with through openpyxl or by rewriting one zip member. ``write_contract_workbook`` is a small
independent writer (XlsxWriter) that honours the same naming contract — sheet names, defined
names, the _xxgk marker and the xxgk_checks range — so the reader is also tested against a
second producer, with options the real template never uses (inline strings, quoted names …).
"""
from __future__ import annotations

import functools
import io
import shutil
import zipfile
from pathlib import Path
from typing import Callable, Iterable, Mapping

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from xxgk.formats import TEMPLATE_VERSION, Format, defined_name, get_format
from xxgk.model import CellError, Value
from xxgk.samples import cover_values, table_values

TABLE_SHEETS = {"t2": "表二", "t3": "表三", "t4": "表四"}
COVER_SHEET, CHECKS_SHEET, MARKER_SHEET = "封面", "校验结果", "_xxgk"


def sample_values(fmt: Format, year: int | None = None, seed: int = 0) -> dict[str, Value]:
    import random

    year = year or (2023 if fmt.id == "2021" else 2020)
    return {**cover_values("区教育局", year, random.Random(seed)), **table_values(fmt, random.Random(seed))}


@functools.lru_cache(maxsize=None)
def live_checks(format_id: str) -> tuple:
    from xxgk.rules import live_checks_for, load_rules

    return tuple(live_checks_for(get_format(format_id), load_rules()))


def build_template(path: Path, fmt: Format, values: Mapping[str, Value] | None = None, *,
                   live: bool = False, **options) -> Path:
    """The real template of ``fmt`` filled with ``values``; ``live`` adds the rules' live checks."""
    from xxgk.template import build_workbook

    build_workbook(path, fmt, live_checks=live_checks(fmt.id) if live else (), values=values, **options)
    return path


def template_address(fmt: Format, key: str) -> str:
    from xxgk.template import Layout

    pos = Layout(fmt)[key]
    return f"{pos.sheet}!{pos.a1}"


def edit_with_openpyxl(source: Path, target: Path, change: Callable) -> Path:
    """Load with openpyxl, let ``change(book)`` tamper with it, save: a script's or a clerk's edit."""
    import openpyxl

    book = openpyxl.load_workbook(source)
    change(book)
    book.save(target)
    return target


def named_cell(book, name: str):
    """What a workbook-level defined name points at in openpyxl: a cell, or rows of cells for a range."""
    sheet, coordinate = next(book.defined_names[name].destinations)
    return book[sheet][coordinate.replace("$", "")]


named_range = named_cell


def layout(fmt: Format) -> dict[str, tuple[str, int, int]]:
    """key -> (sheet, row, col), 0-based: where the template's layout puts each cell (a name pointing
    anywhere else is reported as altered, so a second producer honours the positions too)."""
    from xxgk.template import Layout

    return {key: (pos.sheet, pos.row, pos.col) for key, pos in Layout(fmt).positions.items()}


def write_contract_workbook(
    path: Path, fmt: Format, values: Mapping[str, Value], *,
    marker: tuple[str | None, str | None] = ("", ""),
    explanations: Mapping[str, str] = {},
    overwrite: Mapping[str, Value] = {},
    drop_names: Iterable[str] = (),
    name_text: Mapping[str, str] = {},
    inline_strings: bool = False,
    quote_sheets: bool = False,
    protect: bool = True,
    vba_project: Path | None = None,
) -> Path:
    """Write a template-like workbook; totals are formulas with correct cached values.

    ``marker`` = (format id, version); "" means the right one, None leaves that name out.
    ``overwrite`` puts plain values into total cells; ``name_text`` replaces a name's reference.
    """
    places = layout(fmt)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": inline_strings})
    sheets = {name: book.add_worksheet(name) for name in (COVER_SHEET, *TABLE_SHEETS.values(), CHECKS_SHEET)}
    sheets[MARKER_SHEET] = book.add_worksheet(MARKER_SHEET)
    sheets[MARKER_SHEET].hide()
    unlocked = book.add_format({"locked": False})
    grid: dict[str, dict[tuple[int, int], Callable]] = {name: {} for name in sheets}
    if vba_project is not None:
        book.add_vba_project(str(vba_project))

    for key, (sheet, row, col) in places.items():
        cell = fmt.cells.get(key)
        if cell is not None and cell.is_total and key not in overwrite:
            parts = ",".join(xl_rowcol_to_cell(*places[p][1:]) for p in cell.total_of)
            grid[sheet][(row, col)] = _formula(f"=SUM({parts})", values.get(key))
        else:
            grid[sheet][(row, col)] = _writer(overwrite.get(key, values.get(key)), unlocked)
    checks = list(explanations.items()) or [("三-勾稽[natural]", "")]
    for i, (instance, note) in enumerate(checks):
        grid[CHECKS_SHEET][(i + 1, 0)] = _writer(instance, None)
        grid[CHECKS_SHEET][(i + 1, 1)] = _writer(note or None, unlocked)
    format_id, version = marker
    grid[MARKER_SHEET][(0, 0)] = _writer(fmt.id if format_id == "" else format_id, None)
    grid[MARKER_SHEET][(1, 0)] = _writer(TEMPLATE_VERSION if version == "" else version, None)

    for sheet_name, cells in grid.items():  # row order, as constant_memory requires
        for (row, col), write in sorted(cells.items()):
            write(sheets[sheet_name], row, col)
        if protect and sheet_name != MARKER_SHEET:
            sheets[sheet_name].protect("", {"format_cells": True})
    _validation_and_highlight(sheets["表三"], places, fmt, book.add_format({"bg_color": "#FF0000"}))

    names = {defined_name(key): (sheet, row, col) for key, (sheet, row, col) in places.items()}
    names["xxgk_format"] = (MARKER_SHEET, 0, 0)
    names["xxgk_version"] = (MARKER_SHEET, 1, 0)
    if format_id is None:
        names.pop("xxgk_format")
    if version is None:
        names.pop("xxgk_version")
    dropped = set(drop_names)
    for name, (sheet, row, col) in names.items():
        if name not in dropped:
            ref = _quoted(sheet, quote_sheets) + "!" + xl_rowcol_to_cell(row, col, True, True)
            book.define_name(name, "=" + name_text.get(name, ref))
    last = xl_rowcol_to_cell(len(checks), 1, True, True)
    book.define_name("xxgk_checks", f"={_quoted(CHECKS_SHEET, quote_sheets)}!$A$2:{last}")
    book.close()
    return path


def _quoted(sheet: str, always: bool) -> str:
    return f"'{sheet}'" if always or not sheet.isalnum() else sheet


def _formula(formula: str, cached: Value) -> Callable:
    return lambda ws, r, c: ws.write_formula(r, c, formula, None, cached if cached is not None else 0)


def _writer(value: Value, fmt) -> Callable:
    if value is None:
        return lambda ws, r, c: ws.write_blank(r, c, None, fmt)
    if isinstance(value, bool):
        return lambda ws, r, c: ws.write_boolean(r, c, value, fmt)
    if isinstance(value, (int, float)):
        return lambda ws, r, c: ws.write_number(r, c, value, fmt)
    if isinstance(value, CellError):
        return lambda ws, r, c: ws.write_formula(r, c, "=1/0" if value.code == "#DIV/0!" else "=#REF!", fmt,
                                                 value.code)
    return lambda ws, r, c: ws.write_string(r, c, value, fmt)


def resave_with_openpyxl(source: Path, target: Path) -> Path:
    """What a script does: load and save with openpyxl, which drops every cached formula value."""
    import openpyxl

    book = openpyxl.load_workbook(source)
    book.save(target)
    return target


def rewrite_member(source: Path, target: Path, member: str, change: Callable[[bytes], bytes]) -> Path:
    """Copy a zip, passing one member's bytes through ``change`` (tampering, bombs, shared formulas)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, change(data) if info.filename == member else data)
    return target


LO_TARGETS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "xls": "xls:MS Excel 97", "ods": "ods", "pdf": "pdf"}


def soffice_convert(files: list[Path], outdir: Path, profile: Path, target: str = "xlsx") -> list[Path]:
    """Re-save many files through LibreOffice in one call (tests/libreoffice.py: private profile,
    formulas recalculated on load)."""
    import libreoffice

    return libreoffice.convert(files, LO_TARGETS[target], outdir, profile)


def has_soffice() -> bool:
    return shutil.which("soffice") is not None


def zip_bytes(members: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _validation_and_highlight(sheet, places, fmt: Format, red) -> None:
    """A data validation and a conditional format on table 三, so tests can see they survive."""
    cells = [places[k][1:] for k, c in fmt.cells.items() if k.startswith("t3.") and not c.is_total]
    top, left = min(cells)
    bottom, right = max(cells)
    sheet.data_validation(top, left, bottom, right, {"validate": "integer", "criteria": ">=", "value": 0,
                                                      "error_message": "请填写不小于 0 的整数"})
    sheet.conditional_format(top, left, bottom, right, {"type": "cell", "criteria": "<", "value": 0,
                                                         "format": red})

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(streams: Mapping[str, bytes]) -> bytes:
    """A minimal valid OLE2 compound file (CFB v3) holding up to three streams.

    Legacy .xls / WPS .et files and encrypted OOXML packages are such files;
    each stream is padded to 4096 bytes so it lives in regular sectors.
    """
    import struct

    assert len(streams) <= 3
    payloads = [data.ljust(4096, b"\0") for data in streams.values()]
    fat = [FATSECT, ENDOFCHAIN]
    starts = []
    for data in payloads:
        count = len(data) // 512 + (len(data) % 512 > 0)
        starts.append(len(fat))
        fat.extend(range(len(fat) + 1, len(fat) + count))
        fat.append(ENDOFCHAIN)
    assert len(fat) <= 128
    fat += [FREESECT] * (128 - len(fat))
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", OLE_MAGIC_BYTES, b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6,
                         0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
    header += struct.pack("<109I", 0, *[FREESECT] * 108)
    entries = [_dir_entry("Root Entry", 5, ENDOFCHAIN, 0, child=1 if streams else NOSTREAM)]
    for i, (name, data, start) in enumerate(zip(streams, streams.values(), starts), start=1):
        right = i + 1 if i < len(streams) else NOSTREAM
        entries.append(_dir_entry(name, 2, start, len(data.ljust(4096, b"\0")), right=right))
    while len(entries) < 4:
        entries.append(_dir_entry("", 0, 0, 0))
    body = struct.pack("<128I", *fat) + b"".join(entries) + b"".join(payloads)
    return header + body


OLE_MAGIC_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _dir_entry(name: str, kind: int, start: int, size: int, right: int = NOSTREAM, child: int = NOSTREAM) -> bytes:
    import struct

    encoded = name.encode("utf-16-le")
    length = len(encoded) + 2 if name else 0
    return struct.pack("<64sHBBIII16sIQQIII", encoded.ljust(64, b"\0"), length, kind, 1, NOSTREAM, right, child,
                       b"\0" * 16, 0, 0, 0, start, size, 0)


def patch_declared_sizes(data: bytes, sizes: Mapping[str, int]) -> bytes:
    """Rewrite the uncompressed sizes a zip's central directory declares (a lying header)."""
    import struct

    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos != -1:
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", out, pos + 28)
        name = bytes(out[pos + 46: pos + 46 + name_len]).decode("utf-8")
        if name in sizes:
            struct.pack_into("<I", out, pos + 24, sizes[name])
        pos = out.find(b"PK\x01\x02", pos + 46 + name_len + extra_len + comment_len)
    return bytes(out)
