"""The 图表 sheet: native Excel charts of the district's figures, each beside its data.

Figures of the summary are formulas on its defined names (with cached values),
so a correction typed into the summary's tables reaches the charts; agency
names are written as text.
"""
from __future__ import annotations

import re
from typing import Sequence

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..formats import Format, defined_name
from .labels import SHEET_CHARTS, TOP_AGENCIES
from .result import Entry
from .sheets import clip
from .style import Styles
from .sums import number
from ..xmltext import cell_safe

BLOCK_ROWS = 22  # rows per chart block; the chart is drawn over about 20 of them
CHART_COL = 6
CHART_SIZE = {"width": 620, "height": 400}
FONT = {"name": "宋体"}
_TRAILING_NOTE = re.compile(r"（[^（）]*）$")


def short_label(label: str) -> str:
    """（二）部分公开（区分处理的，只计这一情形…） -> （二）部分公开: charts have little room."""
    shorter = _TRAILING_NOTE.sub("", label)
    return shorter if len(shorter) >= 4 else label


def outcome_categories(fmt: Format) -> list[tuple[str, list[str]]]:
    """(（一）予以公开, [row keys]) … in order: sub-items (1. 2. …) are gathered under their group."""
    rows = {row.key: row for block in fmt.table("t3").blocks for row in block.rows}
    categories: dict[str, list[str]] = {}
    for key in fmt.group("t3", "outcomes"):
        row = rows[key]
        label = row.path[1] if len(row.path) > 1 else row.label
        categories.setdefault(short_label(label), []).append(key)
    return list(categories.items())


class ChartWriter:
    def __init__(self, workbook: Workbook, fmt: Format, sums: dict, top: Sequence[tuple[Entry, object]],
                 title: str):
        self.workbook = workbook
        self.fmt = fmt
        self.sums = sums
        self.top = top  # (agency, its t3.new.total), most first: gather.fold ranks them while summing
        self.styles = Styles(workbook)
        self.sheet: Worksheet = workbook.add_worksheet(SHEET_CHARTS)
        self.title = title

    def write(self) -> None:
        sheet = self.sheet
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 4, 10)
        sheet.write_string(0, 0, clip(self.title), self.styles.title)
        sheet.set_row(0, 26)
        self.applicants(2)
        self.outcomes(2 + BLOCK_ROWS)
        self.top_agencies(2 + 2 * BLOCK_ROWS)
        self.reviews(2 + 3 * BLOCK_ROWS)
        sheet.set_paper(9)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.set_h_pagebreaks([2 + 2 * BLOCK_ROWS])
        sheet.set_footer("&C第 &P 页，共 &N 页")

    # data cells ---------------------------------------------------------------------------
    def block_head(self, row: int, title: str, headers: Sequence[str]) -> None:
        self.sheet.write_string(row, 0, title, self.styles.heading)
        for col, text in enumerate(headers):
            self.sheet.write_string(row + 1, col, text, self.styles.header)

    def named_sum(self, row: int, col: int, keys: Sequence[str]) -> None:
        """=SUM(xxgk_…, …) over the summary's own names, cached with the sum we know."""
        formula = "=SUM(" + ",".join(defined_name(k) for k in keys) + ")"
        cached = sum(number(self.sums.get(k)) or 0 for k in keys)
        self.sheet.write_formula(row, col, formula, self.styles.cell, cached)

    def chart(self, kind: str, title: str, anchor_row: int, subtype: str | None = None,
              legend: dict | None = None, reverse_categories: bool = False):
        chart = self.workbook.add_chart({"type": kind, **({"subtype": subtype} if subtype else {})})
        chart.set_title({"name": title, "name_font": {**FONT, "size": 12, "bold": True}})
        chart.set_size(CHART_SIZE)
        chart.set_legend(legend or {"none": True})
        # a bar chart's categories run along its y axis; reversed, the first one is on top
        category_axis = {"num_font": FONT, **({"reverse": True} if reverse_categories else {})}
        value_axis = {"num_font": FONT, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
        chart.set_x_axis(value_axis if kind == "bar" else category_axis)
        chart.set_y_axis(category_axis if kind == "bar" else value_axis)
        # a little below the block's first row, so no chart edge sits on a page break
        self.sheet.insert_chart(anchor_row, CHART_COL, chart, {"y_offset": 8})
        return chart

    def series(self, chart, first: int, last: int, col: int, name_cell: tuple[int, int] | None = None,
               **extra) -> None:
        spec = {"categories": [SHEET_CHARTS, first, 0, last, 0], "values": [SHEET_CHARTS, first, col, last, col],
                "data_labels": {"value": True, "font": FONT}, **extra}
        if name_cell:
            spec["name"] = [SHEET_CHARTS, *name_cell]
        chart.add_series(spec)

    # the four charts ------------------------------------------------------------------------
    def applicants(self, top: int) -> None:
        self.block_head(top, "一、本年新收政府信息公开申请（按申请人类型）", ("申请人类型", "件数"))
        first = top + 2
        columns = {c.key: c for b in self.fmt.table("t3").blocks for c in b.columns}
        for i, key in enumerate(self.fmt.group("t3", "applicants")):
            self.sheet.write_string(first + i, 0, columns[key].label, self.styles.label)
            self.named_sum(first + i, 1, [f"t3.new.{key}"])
        last = first + len(self.fmt.group("t3", "applicants")) - 1
        chart = self.chart("column", "本年新收申请：按申请人类型", top)
        self.series(chart, first, last, 1, fill={"color": "#4472C4"})

    def outcomes(self, top: int) -> None:
        self.block_head(top, "二、本年度办理结果（按类别，总计列）", ("办理结果", "件数"))
        first = top + 2
        categories = outcome_categories(self.fmt)
        for i, (label, rows) in enumerate(categories):
            self.sheet.write_string(first + i, 0, label, self.styles.label)
            self.named_sum(first + i, 1, [f"t3.{row}.total" for row in rows])
        chart = self.chart("bar", "本年度办理结果", top, reverse_categories=True)
        self.series(chart, first, first + len(categories) - 1, 1, fill={"color": "#ED7D31"})

    def top_agencies(self, top: int) -> None:
        self.block_head(top, f"三、新收申请最多的单位（前 {TOP_AGENCIES} 名）", ("单位", "新收申请"))
        first = top + 2
        ranked = self.top[:TOP_AGENCIES]
        for i, (entry, new) in enumerate(ranked):
            self.sheet.write_string(first + i, 0, clip(cell_safe(entry.agency)), self.styles.label)
            self.sheet.write_number(first + i, 1, new, self.styles.cell)
        if not ranked:
            self.sheet.write_string(first, 0, "（没有纳入汇总的单位）", self.styles.label)
            return
        chart = self.chart("bar", "新收申请最多的单位", top, reverse_categories=True)
        self.series(chart, first, first + len(ranked) - 1, 1, fill={"color": "#70AD47"})

    def reviews(self, top: int) -> None:
        table = self.fmt.table("t4")
        block = table.blocks[0]
        results = [c for c in block.columns if c.key in table.column_groups["results"]]
        self.block_head(top, "四、行政复议、行政诉讼结果", ("类别", *(c.label for c in results)))
        first = top + 2
        for i, row in enumerate(block.rows):
            self.sheet.write_string(first + i, 0, row.label, self.styles.label)
            for j, column in enumerate(results, start=1):
                self.named_sum(first + i, j, [f"t4.{row.key}.{column.key}"])
        last = first + len(block.rows) - 1
        chart = self.chart("column", "行政复议、行政诉讼结果", top, subtype="stacked",
                           legend={"position": "bottom", "font": FONT})
        colours = ("#5B9BD5", "#ED7D31", "#A5A5A5", "#FFC000")
        for j, colour in enumerate(colours[:len(results)], start=1):
            self.series(chart, first, last, j, name_cell=(top + 1, j), fill={"color": colour})
