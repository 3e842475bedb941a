"""Exporting the three tables of a filled workbook for publishing: .docx and .html.

    from xxgk.export import export_workbook
    form = export_workbook("agency.xlsx", docx="tables.docx", html="tables.html")

Figures are read with ``read_workbook`` (totals as the workbook holds them) and laid
out as the printed form: the template's layout, merged two-level headers, the 勾稽
note above table 三. Outputs are written atomically; the workbook is only read.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import WriteError
from ..fileio import atomic_path
from ..model import FormData
from ..readers.package import verify_package
from ..xmltext import xml_safe
from .grid import GridCell, PrintedTable, document_title, printed_tables, show
from .web import render_html
from .word import write_docx

__all__ = ["export_workbook", "export_docx", "export_html", "render_html", "printed_tables",
           "document_title", "show", "PrintedTable", "GridCell"]


def export_docx(form: FormData, target: str | os.PathLike) -> None:
    target = Path(target)
    _refuse_source(form, target)
    with atomic_path(target) as tmp:
        write_docx(form, tmp)
        verify_package(tmp, target)


def export_html(form: FormData, target: str | os.PathLike) -> None:
    target = Path(target)
    _refuse_source(form, target)
    with atomic_path(target) as tmp:
        tmp.write_text(xml_safe(render_html(form), ""), encoding="utf-8")  # a published page: dropped


def export_workbook(source: str | os.PathLike, *, docx: str | os.PathLike | None = None,
                    html: str | os.PathLike | None = None) -> FormData:
    """Read ``source`` and write the requested exports; returns the form that was exported."""
    from ..readers import read_workbook

    form = read_workbook(source)
    if docx is not None:
        export_docx(form, docx)
    if html is not None:
        export_html(form, html)
    return form


def _refuse_source(form: FormData, target: Path) -> None:
    source = Path(form.source)
    if target.exists() and source.exists() and os.path.samefile(source, target):
        raise WriteError(f"{target}：导出文件不能覆盖原工作簿，请换一个输出文件名。")
