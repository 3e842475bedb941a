"""Cell formats of the template: one place for fonts, fills and borders.

Colours (the 填报说明 sheet explains them to the clerk):
yellow = input, grey = computed total, red = error, amber = warning.
"""
from __future__ import annotations

from xlsxwriter.workbook import Workbook

from ..formats import Kind

FONT = "宋体"
INPUT_FILL = "#FFF2CC"  # light yellow
TOTAL_FILL = "#D9D9D9"  # light grey
HEADER_FILL = "#F2F2F2"
ERROR_FILL = "#FF9999"
ERROR_FONT = "#9C0006"
WARNING_FILL = "#FFD966"
WARNING_FONT = "#7F6000"
PASS_FONT = "#006100"
MUTED_FONT = "#808080"
BORDER_COLOR = "#7F7F7F"

BASE = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
BOX = {"border": 1, "border_color": BORDER_COLOR}
NUMBER_FORMATS = {Kind.COUNT: "General", Kind.SIGNED: "General", Kind.WAN: "0.00##", Kind.MONEY: "0.00##",
                  Kind.YEAR: "0", Kind.DATE: "yyyy-mm-dd", Kind.TEXT: "@"}


class FormatCache:
    """Formats created once per workbook (XlsxWriter formats belong to one workbook), on the house font."""

    def __init__(self, workbook: Workbook):
        self._workbook = workbook
        self._cache: dict[tuple, object] = {}

    def get(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format({**BASE, **props})
        return self._cache[key]


class Styles(FormatCache):
    """The template's formats."""

    # Labels and headings ------------------------------------------------
    @property
    def title(self):
        return self.get(bold=True, font_size=16, align="center", text_wrap=True)

    @property
    def subtitle(self):
        return self.get(align="center", text_wrap=True, font_color=MUTED_FONT)

    @property
    def note(self):
        return self.get(align="left", text_wrap=True, italic=True)

    @property
    def block(self):
        return self.get(bold=True, align="left", text_wrap=True, bg_color=HEADER_FILL, **BOX)

    @property
    def header(self):
        return self.get(bold=True, align="center", text_wrap=True, bg_color=HEADER_FILL, **BOX)

    @property
    def label(self):
        return self.get(align="left", text_wrap=True, **BOX)

    @property
    def group(self):
        return self.get(align="center", text_wrap=True, **BOX)

    @property
    def stacked(self):
        return self.get(align="center", rotation=270, **BOX)

    @property
    def text(self):
        return self.get(align="left", valign="top", text_wrap=True)

    @property
    def heading(self):
        return self.get(bold=True, font_size=12, align="left")

    @property
    def muted(self):
        return self.get(font_color=MUTED_FONT, font_size=9, **BOX)

    def span(self, role: str, stacked: bool = False):
        if stacked:
            return self.stacked
        return {"title": self.title, "note": self.note, "block": self.block, "corner": self.header,
                "header": self.header, "group": self.group, "label": self.label}[role]

    # Values ---------------------------------------------------------------
    def input(self, kind: Kind):
        align = "left" if kind in (Kind.TEXT, Kind.DATE) else "right"
        return self.get(bg_color=INPUT_FILL, locked=False, num_format=NUMBER_FORMATS[kind], align=align,
                        text_wrap=kind is Kind.TEXT, **BOX)

    def total(self, kind: Kind):
        return self.get(bg_color=TOTAL_FILL, bold=True, locked=True, num_format=NUMBER_FORMATS[kind],
                        align="right", **BOX)

    @property
    def explanation(self):
        return self.get(bg_color=INPUT_FILL, locked=False, text_wrap=True, valign="top", **BOX)

    @property
    def cell(self):
        return self.get(text_wrap=True, **BOX)

    @property
    def link(self):
        return self.get(text_wrap=True, font_color="#0563C1", underline=1, **BOX)

    def swatch(self, colour: str):
        return self.get(bg_color=colour, align="center", **BOX)

    # Conditional formats (only the properties a dxf may carry) ------------------------
    def mark(self, severity: str):
        """Fill for a failing cell: red for errors, amber for warnings."""
        if severity == "error":
            return self._dxf(bg_color=ERROR_FILL, font_color=ERROR_FONT)
        return self._dxf(bg_color=WARNING_FILL, font_color=WARNING_FONT)

    def font_mark(self, colour: str):
        return self._dxf(font_color=colour, bold=True)

    def _dxf(self, **props):
        key = ("dxf", *sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format(props)
        return self._cache[key]
