"""Real reports (tests/data/reports) changed the ways published reports really differ.

Each function takes the text of a real report and returns it changed one way: blank cells
written as &nbsp; or left out, merged blank areas, placeholders, markdown pipes, labels split
from their figures, figures one per line, titles of other shapes, traditional characters.
"""
from __future__ import annotations

import re
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "reports"
GULOU = DATA / "2023-jining-yanzhou-gulou.txt"
ZAOZHUANG = DATA / "2023-zaozhuang-shizhong-govoffice.txt"
SHUYANG = DATA / "2023-shuyang-fgj.html"
SHANGHAI = DATA / "2025-shanghai-govoffice-pdf-extracted.txt"
HUAIAN = DATA / "szfgs2024.pdf"
HONGZE_2023 = DATA / "hzq2023_working.pdf"
HONGZE_2024 = DATA / "hzq2024_working.pdf"
SECTION3 = DATA / "section3_raw_text.txt"

# -- HTML (沭阳: Word-made cells, a blank is <o:p> </o:p> inside its paragraph) ---------------------------

_TD = re.compile(r"<td(?P<attrs>[^>]*)>(?P<body>.*?)</td>", re.S)
_TAG = re.compile(r"<[^>]+>")


def cell_text(body: str) -> str:
    return re.sub(r"\s+|&nbsp;", "", _TAG.sub("", body))


def blank_cells(html: str, write) -> str:
    """Every blank <td> rewritten by ``write(attrs)``: &nbsp;, nothing, “/” …"""
    return _TD.sub(lambda m: write(m.group("attrs")) if not cell_text(m.group("body")) else m.group(0), html)


def table_rows(html: str, marker: str) -> tuple[int, int, list[str]]:
    """(start, end, rows) of the <table> holding ``marker``: its <tr>…</tr> texts."""
    at = html.index(marker)
    start = html.rindex("<table", 0, at)
    end = html.index("</table>", at)
    rows = re.findall(r"<tr\b.*?</tr>", html[start:end], re.S)
    return start, end, rows


def rewrite_rows(html: str, marker: str, change) -> str:
    """Each <tr> of the table holding ``marker`` replaced by ``change(index, tr)``."""
    start, end, rows = table_rows(html, marker)
    body = html[start:end]
    for index, row in enumerate(rows):
        body = body.replace(row, change(index, row), 1)
    return html[:start] + body + html[end:]


def merge_blank_run(row: str, span: int) -> str:
    """``span`` blank cells side by side in a row become one <td colspan>."""
    cells = list(_TD.finditer(row))
    for i in range(len(cells) - span + 1):
        group = cells[i:i + span]
        if all(not cell_text(c.group("body")) for c in group):
            merged = f'<td colspan="{span}">&nbsp;</td>'
            return row[:group[0].start()] + merged + row[group[-1].end():]
    return row


def merge_blank_columns(html: str, marker: str, first_row: int, columns: slice) -> str:
    """The blank cells in ``columns`` (of data cells) of every row from ``first_row`` on become cells
    of the first row that span all those rows (rowspan), as a vertically merged blank area."""
    start, end, rows = table_rows(html, marker)
    height = len(rows) - first_row

    def change(index: int, row: str) -> str:
        if index < first_row:
            return row
        cells = list(_TD.finditer(row))[-7:][columns]
        if index == first_row:
            spans = "".join(f'<td rowspan="{height}">&nbsp;</td>' for _ in cells)
            return row[:cells[0].start()] + spans + row[cells[-1].end():]
        return row[:cells[0].start()] + row[cells[-1].end():]

    return rewrite_rows(html, marker, change)


def set_row_cells(html: str, marker: str, index: int, figures: list[str]) -> str:
    """Row ``index`` of the table holding ``marker``: its last len(figures) cells replaced ("" for blank)."""

    def change(i: int, row: str) -> str:
        if i != index:
            return row
        cells = list(_TD.finditer(row))[-len(figures):]
        for cell, figure in reversed(list(zip(cells, figures))):
            row = row[:cell.start()] + f"<td>{figure or '&nbsp;'}</td>" + row[cell.end():]
        return row

    return rewrite_rows(html, marker, change)


# -- plain text (鼓楼: one table row per line, cells separated by tabs) ----------------------------------------


def tab_rows(text: str, change) -> str:
    """Every line holding tabs replaced by ``change(cells)`` (a string, may hold newlines)."""
    return "\n".join(change(line.split("\t")) if "\t" in line else line for line in text.split("\n"))


def as_markdown(cells: list[str]) -> str:
    row = "| " + " | ".join(c.strip() for c in cells) + " |"
    return row + "\n|" + "---|" * len(cells) if not any(_is_figure(c) for c in cells) else row


def label_then_figures(cells: list[str]) -> str:
    """The label on one line, the row's figures on the next (as PDF text often comes)."""
    label = " ".join(c for c in cells if c.strip() and not _is_figure(c))
    figures = " ".join(c for c in cells if _is_figure(c))
    return f"{label}\n{figures}" if figures else label


def one_per_line(cells: list[str]) -> str:
    return "\n".join(c.strip() for c in cells if c.strip())


def zeros_as(mark: str):
    return lambda cells: "\t".join(mark if c.strip() == "0" else c for c in cells)


def _is_figure(cell: str) -> bool:
    return bool(re.fullmatch(r"\s*-?[\d.,]+\s*", cell))


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def traditional(text: str) -> str:
    from opencc_purepy import OpenCC

    return OpenCC("s2t").convert(text)


# -- the 2019 layout (国办公开办函〔2019〕60号), written into a real report -------------------------------------

TABLE2_2019 = """第二十条第（一）项
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t0
规范性文件\t2\t2\t15
第二十条第（五）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t12\t-2\t340
其他对外管理服务事项\t3\t0\t21
第二十条第（六）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政处罚\t25\t+1\t118
行政强制\t4\t0\t6
第二十条第（八）项
信息内容\t上一年项目数量\t本年增/减
行政事业性收费\t2\t0
第二十条第（九）项
信息内容\t采购项目数量\t采购总金额
政府集中采购\t5\t36.8
"""
TABLE2_2019_FIGURES = {
    "t2.regulation.made": 0, "t2.regulation.published": 0, "t2.regulation.public_total": 0,
    "t2.normative.made": 2, "t2.normative.published": 2, "t2.normative.public_total": 15,
    "t2.license.prev_items": 12, "t2.license.change": -2, "t2.license.decisions": 340,
    "t2.other_service.prev_items": 3, "t2.other_service.change": 0, "t2.other_service.decisions": 21,
    "t2.penalty.prev_items": 25, "t2.penalty.change": 1, "t2.penalty.decisions": 118,
    "t2.coercion.prev_items": 4, "t2.coercion.change": 0, "t2.coercion.decisions": 6,
    "t2.fee.prev_items": 2, "t2.fee.change": 0, "t2.procurement.items": 5, "t2.procurement.amount": 36.8,
}


def as_2019(text: str, year: int) -> str:
    """鼓楼's report in the 2019 layout: its 表二 replaced, （六）其他处理 one row, dated ``year``."""
    start = text.index("第二十条第（一）项")
    end = text.index("三、收到和处理政府信息公开申请情况")
    text = text[:start] + TABLE2_2019 + "\n" + text[end:]
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("(六) 其他处理"))
    lines[first:first + 3] = ["(六) 其他处理\t\t0\t0\t0\t0\t0\t0\t0"]
    return "\n".join(lines).replace("2023 年", f"{year} 年")
