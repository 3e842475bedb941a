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
