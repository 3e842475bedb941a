"""The 同比 sheet: key figures of both years with a native bar chart, then who came and went, then
each district's and each agency's changes, largest first.

Names are written with ``write_string`` (never a formula); the change in per
cent is a number formatted as such, or a word where last year's figure was 0.
"""
from __future__ import annotations

from typing import Sequence

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .compare import MAX_AGENCY_ROWS, Change, Comparison
from .labels import SHEET_COMPARE
from .sheets import clip
from .style import Styles

FIGURE_COLUMNS = (("本年", 12), ("上年", 12), ("增减", 12), ("增减（%）", 11))
FONT = {"name": "宋体"}


class CompareWriter:
    def __init__(self, workbook: Workbook, comparison: Comparison, district: str):
        self.workbook = workbook
        self.comparison = comparison
        self.district = district
        self.styles = Styles(workbook)
        self.percent = self.styles.get(num_format="0.0%", border=1)
        self.sheet: Worksheet = workbook.add_worksheet(SHEET_COMPARE)

    def write(self) -> None:
        sheet, year = self.sheet, self.comparison.year
        for col, width in enumerate((30, 12, 40, *(width for _title, width in FIGURE_COLUMNS))):
            sheet.set_column(col, col, width)
        comparison = self.comparison
        districts = [d for _agency, d in (*comparison.gone, *comparison.new)] + [c.district for c in comparison.agencies]
        if not any(districts):
            sheet.set_column(1, 1, 12, None, {"hidden": True})  # no district anywhere: the 区 column stays out of sight
        sheet.write_string(0, 0, f"{clip(self.district)} {year} 年度与 {year - 1} 年度对比（同比）", self.styles.title)
        row = self.totals(2)
        row = self.names(row + 2, "上年报送、本年未报送的单位", self.comparison.gone)
        row = self.names(row + 1, "本年新增的单位（上年没有报表）", self.comparison.new)
        if self.comparison.districts:
            row = self.changes(row + 1, "各区对比（按增减从大到小）", ("区",), self.comparison.districts)
        title = "各单位对比（按增减从大到小，只列有变化的数）"
        if self.comparison.agency_changes > MAX_AGENCY_ROWS:
            title += f"：共 {self.comparison.agency_changes} 项，列出变化最大的 {MAX_AGENCY_ROWS} 项"
        self.changes(row + 1, title, ("单位名称", "区"), self.comparison.agencies)
        sheet.set_paper(9)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.set_footer("&C第 &P 页，共 &N 页")

    def totals(self, first: int) -> int:
        """The whole summary's figures and the chart of both years; returns the next free row."""
        sheet, styles = self.sheet, self.styles
        sheet.write_string(first, 0, "全部单位合计", styles.heading)
        header = first + 1
        sheet.merge_range(header, 0, header, 2, "指标", styles.header)
        self.figure_headings(header)
        for row, change in enumerate(self.comparison.totals, start=header + 1):
            sheet.merge_range(row, 0, row, 2, change.label, styles.label)
            self.figures(row, 3, change)
        last = header + len(self.comparison.totals)
        counts = [row for row, change in enumerate(self.comparison.totals, start=header + 1) if change.counted]
        height = self.chart(counts, last + 2)
        return last + 2 + height

    def chart(self, rows: Sequence[int], at: int) -> int:
        """Bars of both years for the counted figures (an amount in 万元 would dwarf them); returns the rows
        it covers. Each series lists its rows one by one: the counts need not stand together."""
        chart = self.workbook.add_chart({"type": "bar"})
        name = self.sheet.name
        categories = "=(" + ",".join(f"'{name}'!$A${row + 1}" for row in rows) + ")"
        for col, title in ((3, "本年"), (4, "上年")):
            letter = chr(ord("A") + col)
            values = "=(" + ",".join(f"'{name}'!${letter}${row + 1}" for row in rows) + ")"
            chart.add_series({"name": title, "categories": categories, "values": values, "gap": 60})
        chart.set_title({"name": "主要指标：本年与上年", "name_font": {**FONT, "size": 12}})
        chart.set_y_axis({"reverse": True, "num_font": {**FONT, "size": 8}})
        chart.set_x_axis({"num_font": FONT, "major_gridlines": {"visible": True}})
        chart.set_legend({"position": "bottom", "font": FONT})
        height = max(360, 26 * len(rows) + 90)
        chart.set_size({"width": 900, "height": height})
        self.sheet.insert_chart(at, 0, chart)
        self.sheet.set_h_pagebreaks([at])  # printed, the chart starts a page of its own
        return height // 20 + 2

    def names(self, row: int, title: str, names: Sequence[tuple[str, str]]) -> int:
        sheet, styles = self.sheet, self.styles
        sheet.write_string(row, 0, f"{title}（{len(names)} 个）", styles.heading)
        if not names:
            sheet.write_string(row + 1, 0, "无", styles.remark)
            return row + 2
        for col, heading in enumerate(("单位名称", "区")):
            sheet.write_string(row + 1, col, heading, styles.header)
        for offset, (agency, district) in enumerate(names, start=2):
            sheet.write_string(row + offset, 0, clip(agency), styles.cell)
            sheet.write_string(row + offset, 1, clip(district), styles.cell)
        return row + len(names) + 2

    def changes(self, row: int, title: str, who: tuple[str, ...], changes: Sequence[Change]) -> int:
        sheet, styles = self.sheet, self.styles
        sheet.write_string(row, 0, title, styles.heading)
        for col, heading in enumerate(who):  # the figures line up with the totals' columns
            sheet.write_string(row + 1, col, heading, styles.header)
        sheet.write_string(row + 1, 2, "指标", styles.header)
        self.figure_headings(row + 1)
        if not changes:
            sheet.write_string(row + 2, 0, "没有变化", styles.remark)
            return row + 3
        for number, change in enumerate(changes, start=row + 2):
            sheet.write_string(number, 0, clip(change.who), styles.cell)
            if len(who) > 1:
                sheet.write_string(number, 1, clip(change.district), styles.cell)
            sheet.write_string(number, 2, change.label, styles.cell)
            self.figures(number, 3, change)
        return row + len(changes) + 2

    def figure_headings(self, row: int) -> None:
        for col, (title, _width) in enumerate(FIGURE_COLUMNS, start=3):
            self.sheet.write_string(row, col, title, self.styles.header)

    def figures(self, row: int, col: int, change: Change) -> None:
        sheet, number = self.sheet, self.styles.number
        sheet.write_number(row, col, change.this_year, number)
        if change.last_year is None:
            sheet.write_string(row, col + 1, "无上年数据", self.styles.cell)
            return
        sheet.write_number(row, col + 1, change.last_year, number)
        sheet.write_number(row, col + 2, change.change, number)
        if change.ratio is not None:
            sheet.write_number(row, col + 3, change.ratio, self.percent)
        else:
            sheet.write_string(row, col + 3, "上年为 0" if change.change else "—", self.styles.cell)
