"""Published-report fixtures for the importer tests, built from the format description.

A report is laid out the way agencies publish it (merged header cells, group
labels spanning their rows, table 四 as one row under three header rows) and
written with real libraries: python-docx for .docx, plain HTML with
rowspan/colspan. LibreOffice turns the .docx into .pdf and .txt in the tests.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from xxgk.formats import Format


@dataclass(frozen=True)
class Box:
    text: str
    cols: int = 1
    rows: int = 1


def show(value) -> str:
    if value is None:
        return "/"
    return f"{value:g}" if isinstance(value, float) else str(value)


def table2_rows(fmt: Format, values: dict) -> list[list[Box]]:
    table = fmt.table("t2")
    width = 1 + max(len(b.columns) for b in table.blocks)
    rows: list[list[Box]] = []
    for block in table.blocks:
        spare = width - len(block.columns)  # the last column spans what is left
        rows.append([Box(block.label, width)])
        rows.append([Box(block.corner)] + _spread([c.label for c in block.columns], spare))
        for row in block.rows:
            figures = [show(values[f"t2.{row.key}.{c.key}"]) for c in block.columns]
            rows.append([Box(row.label)] + _spread(figures, spare))
    return rows


def _spread(texts: list[str], spare: int) -> list[Box]:
    return [Box(t) for t in texts[:-1]] + [Box(texts[-1], spare)]


def table3_rows(fmt: Format, values: dict) -> list[list[Box]]:
    table = fmt.table("t3")
    block = table.blocks[0]
    columns = block.columns
    legal = [c for c in columns if c.path]
    rows = [
        [Box(table.note, 3, 3), Box(block.header, len(columns))],
        [Box(columns[0].label, 1, 2), Box(legal[0].path[0], len(legal)), Box(columns[-1].label, 1, 2)],
        [Box(c.label) for c in legal],
    ]
    for index, row in enumerate(block.rows):
        boxes = []
        earlier = block.rows[index - 1].path if index else ()
        for depth, group in enumerate(row.path):
            if earlier[: depth + 1] != row.path[: depth + 1]:  # first row of its group: the group box
                span = sum(1 for r in block.rows if r.path[: depth + 1] == row.path[: depth + 1])
                boxes.append(Box(group, 1, span))
        boxes.append(Box(row.label, 3 - len(row.path)))
        boxes += [Box(show(values[f"t3.{row.key}.{c.key}"])) for c in columns]
        rows.append(boxes)
    return rows


def table4_rows(fmt: Format, values: dict) -> list[list[Box]]:
    block = fmt.table("t4").blocks[0]
    n = len(block.columns)
    review, *suits = block.rows
    return [
        [Box(review.label, n), Box(suits[0].path[0], n * len(suits))],
        [Box(c.label, 1, 2) for c in block.columns] + [Box(r.label, n) for r in suits],
        [Box(c.label) for _ in suits for c in block.columns],
        [Box(show(values[f"t4.{r.key}.{c.key}"])) for r in block.rows for c in block.columns],
    ]


def report_parts(fmt: Format, values: dict, agency: str, year: int, narrative: list[str]):
    """(kind, content) in reading order: ("p", text) or ("table", rows of boxes)."""
    return [
        ("p", agency),
        ("p", f"{year}年政府信息公开工作年度报告"),
        ("p", f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"),
        ("p", "一、总体情况"),
        *(("p", text) for text in narrative),
        ("p", fmt.table("t2").title),
        ("table", table2_rows(fmt, values)),
        ("p", fmt.table("t3").title),
        ("table", table3_rows(fmt, values)),
        ("p", fmt.table("t4").title),
        ("table", table4_rows(fmt, values)),
        ("p", "五、存在的主要问题及改进情况"),
        ("p", "信息公开的及时性有待提高，2025年将继续加强。"),
    ]


def write_docx(path: Path, parts) -> Path:
    import docx

    document = docx.Document()
    for kind, content in parts:
        if kind == "p":
            document.add_paragraph(content)
        else:
            _docx_table(document, content)
    document.save(str(path))
    return path


def _docx_table(document, rows: list[list[Box]]) -> None:
    width = sum(box.cols for box in rows[0])
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    # the cells of the grid as made, one per position; table.cell walks the whole table on every call
    # (~1.5 s a report). A merge only removes cells inside its own box, never reached again (taken), so
    # every other position keeps its cell.
    grid = [row.cells for row in table.rows]
    taken: set[tuple[int, int]] = set()
    for r, boxes in enumerate(rows):
        c = 0
        for box in boxes:
            while (r, c) in taken:
                c += 1
            cell = grid[r][c]
            if box.cols > 1 or box.rows > 1:
                cell = cell.merge(grid[r + box.rows - 1][c + box.cols - 1])
            cell.text = box.text
            taken.update((r + i, c + j) for i in range(box.rows) for j in range(box.cols))
            c += box.cols


def write_html(path: Path, parts, encoding: str = "utf-8") -> Path:
    body = []
    for kind, content in parts:
        if kind == "p":
            body.append(f"<p>{html.escape(content)}</p>")
        else:
            rows = "".join(
                "<tr>" + "".join(_td(box) for box in boxes) + "</tr>" for boxes in content
            )
            body.append(f'<table border="1"><tbody>{rows}</tbody></table>')
    page = (f'<!DOCTYPE html><html><head><meta charset="{encoding}"><title>年度报告</title></head>'
            f'<body><div class="nav">首页 &gt; 政府信息公开 &gt; 年度报告</div>{"".join(body)}</body></html>')
    path.write_bytes(page.encode(encoding))
    return path


def _td(box: Box) -> str:
    spans = (f' colspan="{box.cols}"' if box.cols > 1 else "") + (f' rowspan="{box.rows}"' if box.rows > 1 else "")
    return f"<td{spans}>{html.escape(box.text)}</td>"


def write_sheet(path: Path, parts) -> Path:
    """The report as one worksheet (ruled tables, merged cells, text rows): LibreOffice Calc prints it to PDF.

    Only Calc is installed with LibreOffice here, so the PDF fixtures come from a
    worksheet rather than from the .docx.
    """
    import xlsxwriter

    width = max(sum(b.cols for b in content[0]) for kind, content in parts if kind == "table")
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("报告")
    sheet.set_column(0, width - 1, _COLUMN_CHARS)
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    text = book.add_format({"text_wrap": True, "valign": "top"})
    cell = book.add_format({"border": 1, "text_wrap": True, "align": "center", "valign": "vcenter", "font_size": 9})
    r = 0
    for kind, content in parts:
        if kind == "p":
            sheet.merge_range(r, 0, r, width - 1, content, text)
            r += 1
            continue
        taken: set[tuple[int, int]] = set()
        for i, boxes in enumerate(content):
            sheet.set_row(r + i, _row_height(boxes))  # Calc does not fit rows itself: text would overlap
            c = 0
            for box in boxes:
                while (i, c) in taken:
                    c += 1
                if box.cols > 1 or box.rows > 1:
                    sheet.merge_range(r + i, c, r + i + box.rows - 1, c + box.cols - 1, box.text, cell)
                else:
                    sheet.write_string(r + i, c, box.text, cell)
                taken.update((i + a, c + b) for a in range(box.rows) for b in range(box.cols))
                c += box.cols
        r += len(content) + 1
    book.close()
    return path


_COLUMN_CHARS = 12


def _row_height(boxes: list[Box]) -> float:
    """Points for the row: enough lines for the longest single-row box (a CJK character is ~2 units)."""
    lines = max((len(b.text) * 2 * 0.8 // (_COLUMN_CHARS * b.cols) + 1 for b in boxes if b.rows == 1), default=1)
    return 13 * lines + 4
