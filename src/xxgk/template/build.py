"""The template workbook: the national form as a locked, self-checking Excel file.

Everything is derived from a Format (positions from ``layout``) and a list of
LiveChecks; this package knows no rule. Written with XlsxWriter in memory, the
structure lock patched in, then written atomically.
"""
from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Callable, Mapping, Sequence

import xlsxwriter

from ..errors import WriteError
from ..fileio import atomic_path
from ..formats import TEMPLATE_VERSION, Format
from ..model import LiveCheck, Value
from ..origin import ORIGIN_NAME, origin_formula
from ..readers.package import verify_package
from ..xmltext import cell_safe
from .checks import CHECKS_NAME, mark_form_cells, status_name, write_checks_sheet
from .formulas import Placeholders
from .guide import write_guide_sheet
from .layout import SHEET_CHECKS, SHEET_COVER, SHEET_GUIDE, SHEET_MARKER, Layout
from .sheets import protect, write_cover, write_table_sheet
from .structure import lock_structure
from .styles import Styles

FORMAT_NAME = "xxgk_format"
VERSION_NAME = "xxgk_version"


def build_workbook(path: str | os.PathLike, fmt: Format, *, live_checks: Sequence[LiveCheck] = (),
                   values: Mapping[str, Value] | None = None, vba_project: bytes | None = None,
                   buttons: Sequence[tuple[str, str]] = (), literal_totals: bool = False,
                   extend: Callable[[xlsxwriter.Workbook], None] | None = None,
                   write: Callable[[bytes, Path], Mapping[str, int] | None] | None = None,
                   origin: str = "") -> None:
    """Write the template of ``fmt`` to ``path``, filled with ``values`` (key -> value) if given.

    Inputs not given are 0, cover fields blank. Totals are formulas with their
    cached value computed here, unless ``literal_totals`` keeps given totals as
    plain numbers (a published report, kept as published). With ``vba_project``
    (the bytes of a vbaProject.bin) the file must be .xlsm; ``buttons`` are
    (caption, macro) pairs placed on the cover sheet. ``extend`` is called with
    the open XlsxWriter workbook after the template sheets are written, to add
    sheets of its own (the district summary does). ``write(data, temporary_path)``,
    when given, writes the finished bytes itself (the summary streams its
    largest sheet into the file there) and may return the parts it parsed as it
    wrote them (``readers.package``); the result still replaces ``path`` atomically.
    ``origin`` marks the file as one of our own outputs (``xxgk.origin``: a summary).
    """
    path = Path(path)
    if vba_project is not None and path.suffix.lower() != ".xlsm":
        raise WriteError(f"{path}：带宏的模板必须保存为 .xlsm 文件。")
    values = {key: cell_safe(value) if isinstance(value, str) else value for key, value in (values or {}).items()}
    unknown = sorted(set(values) - set(fmt.cells) - set(fmt.cover_fields))
    if unknown:
        raise ValueError(f"keys not in format {fmt.id}: {', '.join(unknown[:5])}")
    data = _render(fmt, Layout(fmt), list(live_checks), values, vba_project, buttons, literal_totals, extend,
                   origin)
    with atomic_path(path) as tmp:
        proven = None
        if write is None:
            tmp.write_bytes(data)
        else:
            proven = write(data, tmp)
        verify_package(tmp, path, proven)  # every part parsed as written, before the file replaces ``path``


def _render(fmt: Format, layout: Layout, checks: list[LiveCheck], values: dict[str, Value],
            vba_project: bytes | None, buttons: Sequence[tuple[str, str]], literal_totals: bool,
            extend: Callable[[xlsxwriter.Workbook], None] | None = None, origin: str = "") -> bytes:
    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
               "strings_to_urls": False}
    workbook = xlsxwriter.Workbook(buffer, options)
    workbook.set_properties({"title": f"政府信息公开工作年度报告 统计表（格式 {fmt.id}）", "author": "xxgk"})
    styles = Styles(workbook)
    sheets = {name: workbook.add_worksheet(name) for name in layout.sheet_names}
    write_cover(sheets[SHEET_COVER], layout, values, styles, buttons)
    for table_key, table_layout in layout.tables.items():
        write_table_sheet(sheets[table_layout.name], layout, table_key, values, styles, literal_totals)
    formulas = Placeholders()  # the live checks' formulas, put in place when the workbook is done
    write_checks_sheet(workbook, sheets[SHEET_CHECKS], checks, layout, styles, formulas)
    mark_form_cells(sheets, checks, layout, styles, formulas)
    write_guide_sheet(sheets[SHEET_GUIDE], fmt, styles)
    _write_marker(workbook, sheets[SHEET_MARKER], fmt)
    if origin:
        workbook.define_name(ORIGIN_NAME, "=" + origin_formula(origin))
    for key, pos in layout.positions.items():
        workbook.define_name(fmt.cells[key].name if key in fmt.cells else fmt.cover_fields[key].name,
                             "=" + pos.absolute)
    if vba_project is not None:
        workbook.add_vba_project(io.BytesIO(vba_project), is_stream=True)
    if extend is not None:
        extend(workbook)
    workbook.close()
    return lock_structure(buffer.getvalue(), formulas.put_in)


def _write_marker(workbook, sheet, fmt: Format) -> None:
    """Hidden sheet telling readers which format and template version they hold.

    The marks are written as numbers (readers compare them as text either way):
    as strings they would be the last entries of a saved file's shared string
    table, and reading them would mean proving the whole table, where a filled
    cover's strings are among its first entries.
    """
    for row, (label, value, name) in enumerate((("format", fmt.id, FORMAT_NAME),
                                                 ("version", TEMPLATE_VERSION, VERSION_NAME))):
        sheet.write_string(row, 0, label)
        if value.isascii() and value.isdigit():
            sheet.write_number(row, 1, int(value))
        else:
            sheet.write_string(row, 1, value)
        workbook.define_name(name, f"='{SHEET_MARKER}'!$B${row + 1}")
    sheet.hide()
    protect(sheet)
