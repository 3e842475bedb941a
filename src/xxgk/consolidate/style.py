"""Cell formats and text measures of the summary's own sheets.

Kept here rather than borrowed from the template package, whose internals
change with the template; only its colours' meaning is shared (see 填报说明).
"""
from __future__ import annotations

import math
import unicodedata

from xlsxwriter.workbook import Workbook

FONT = "宋体"
HEADER_FILL = "#F2F2F2"
BORDER_COLOR = "#7F7F7F"
LINK_FONT = "#0563C1"
LINE_PT = 14.5  # one wrapped line of 11 pt 宋体
MIN_ROW_PT = 20.0

_BASE = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
_BOX = {"border": 1, "border_color": BORDER_COLOR}


def text_units(text: str) -> int:
    """Display width in Excel width units: CJK and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a wrapping column ``width`` units wide (explicit newlines count)."""
    return sum(max(1, math.ceil(text_units(part) / max(1.0, width - 1.5))) for part in text.split("\n"))


class Styles:
    """Formats created once per workbook (XlsxWriter formats belong to one workbook)."""

    def __init__(self, workbook: Workbook):
        self._workbook = workbook
        self._cache: dict[tuple, object] = {}

    def get(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format({**_BASE, **props})
        return self._cache[key]

    @property
    def cell(self):
        return self.get(text_wrap=True, **_BOX)

    @property
    def number(self):
        return self.get(num_format="General", **_BOX)

    @property
    def header(self):
        return self.get(bold=True, align="center", text_wrap=True, bg_color=HEADER_FILL, **_BOX)

    @property
    def label(self):
        return self.get(align="left", **_BOX)

    @property
    def heading(self):
        return self.get(bold=True, font_size=12)

    @property
    def title(self):
        return self.get(bold=True, font_size=14)

    @property
    def remark(self):
        return self.get(italic=True)

    @property
    def link(self):
        return self.get(text_wrap=True, font_color=LINK_FONT, underline=1, **_BOX)

    def status(self, fill: str, font: str):
        return self.get(bg_color=fill, font_color=font, bold=True, align="center", **_BOX)
