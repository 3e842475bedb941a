"""退回清单.xlsx: one row per agency sent back, linking its notice and marked copy (XlsxWriter)."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Sequence

import xlsxwriter

from .catalogue import Level
from .consolidate.identity import NO_NAME
from .consolidate.result import ConsolidationResult
from .consolidate.style import Styles
from .fileio import atomic_path
from .readers.package import verify_package
from .xmltext import cell_safe, xml_safe
from .template.sizing import LINE_PT, MIN_ROW_PT, wrapped_lines

COLUMNS = (("序号", 6), ("单位名称", 26), ("区", 12), ("报送文件", 28), ("状态", 12), (Level.ERROR.label, 6),
           (Level.WARNING.label, 6), ("主要问题", 56), ("退回通知", 28), ("标记副本", 28), ("重新报送期限", 13))
MAX_TEXT = 32000


def write_list(target: Path, result: ConsolidationResult, returned: Sequence, due: dt.date) -> None:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False})
    workbook.set_properties({"title": f"{result.district} {result.year} 年度 退回清单", "author": "xxgk"})
    styles = Styles(workbook)
    sheet = workbook.add_worksheet("退回清单")
    title = f"{result.district} {result.year} 年度政府信息公开工作年度报告 退回清单（{len(returned)} 个）"
    sheet.merge_range(0, 0, 0, len(COLUMNS) - 1, title, styles.title)
    for col, (heading, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write_string(1, col, heading, styles.header)
    if not any(item.entry.district for item in returned):
        sheet.set_column(2, 2, COLUMNS[2][1], None, {"hidden": True})
    for row, item in enumerate(returned, start=2):
        entry = item.entry
        problems = "\n".join(entry.messages) if entry.included else entry.note
        texts = ((1, entry.agency or (NO_NAME if entry.form is not None else "（无法读取）")), (2, entry.district), (3, entry.path.name), (4, entry.status),
                 (7, problems or item.remark), (10, due.isoformat()))
        sheet.write_number(row, 0, row - 1, styles.number)
        for col, text in texts:
            sheet.write_string(row, col, cell_safe(str(text))[:MAX_TEXT], styles.cell)
        sheet.write_number(row, 5, entry.errors, styles.number)
        sheet.write_number(row, 6, entry.warnings, styles.number)
        _link(sheet, row, 8, item.notice, styles)
        if item.marked is not None:
            _link(sheet, row, 9, item.marked, styles)
        else:
            sheet.write_string(row, 9, item.remark or "—", styles.cell)
        lines = max(wrapped_lines(str(text), COLUMNS[col][1]) for col, text in texts if text)
        sheet.set_row(row, max(MIN_ROW_PT, lines * LINE_PT + 4))
    if not returned:
        sheet.write_string(2, 1, "没有需要退回的报表。", styles.remark)
    sheet.freeze_panes(2, 0)
    sheet.autofilter(1, 0, max(len(returned) + 1, 2), len(COLUMNS) - 1)
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(1)
    sheet.set_footer("&C第 &P 页，共 &N 页")
    workbook.close()
    with atomic_path(target) as tmp:
        tmp.write_bytes(buffer.getvalue())
        verify_package(tmp, target)


def _link(sheet, row: int, col: int, path: Path, styles: Styles) -> None:
    """A link to a file beside the list (the name alone: the list and the file stay together)."""
    if "#" in path.name or "%" in path.name or xml_safe(path.name) != path.name:  # an anchor, an escape, no XML
        sheet.write_string(row, col, cell_safe(path.name), styles.cell)
    else:
        sheet.write_url(row, col, "external:" + path.name, styles.link, path.name)
