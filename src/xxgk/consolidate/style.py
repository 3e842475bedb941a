"""Cell formats of the summary's own sheets.

The font and borders are the template's, so both look alike.
"""
from __future__ import annotations

from ..template.styles import BOX, HEADER_FILL, FormatCache

LINK_FONT = "#0563C1"


class Styles(FormatCache):
    """The formats of the summary's own sheets."""

    @property
    def cell(self):
        return self.get(text_wrap=True, **BOX)

    @property
    def number(self):
        return self.get(num_format="General", **BOX)

    @property
    def header(self):
        return self.get(bold=True, align="center", text_wrap=True, bg_color=HEADER_FILL, **BOX)

    @property
    def label(self):
        return self.get(align="left", **BOX)

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
        return self.get(text_wrap=True, font_color=LINK_FONT, underline=1, **BOX)

    def status(self, fill: str, font: str):
        return self.get(bg_color=fill, font_color=font, bold=True, align="center", **BOX)
