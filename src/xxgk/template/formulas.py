"""Formulas written into the sheet XML once the workbook is done, past XlsxWriter's preparation of each.

XlsxWriter prepares every formula it is given (a cell's, a conditional format's):
29 regular-expression passes, 64 for a conditional format, that give the names
of Excel 2010 and later functions their ``_xlfn.`` prefix. Over the live checks'
long formulas, which hold Chinese text, that is half the time of building a
template. Passes that find nothing change nothing, and a formula that calls only
the older functions in ``CLASSIC`` gives them nothing to find (the names they
look for all stand right before a "(", in string literals too). Such a formula
goes to XlsxWriter as a short placeholder, and ``Placeholders.put_in`` writes
its text where XlsxWriter wrote the placeholder, escaped as XlsxWriter escapes
formula text. A conditional format's placeholder is a number's text, which
XlsxWriter writes as it is without preparing it at all. Any other formula is
handed to XlsxWriter as it is.
tests/test_template_formulas.py holds every part of both formats' templates,
byte for byte, to what XlsxWriter makes of the formulas itself.
"""
from __future__ import annotations

import re

CLASSIC = frozenset({"ABS", "AND", "COUNT", "COUNTIF", "COUNTIFS", "HYPERLINK", "IF", "IFERROR", "INT", "ISBLANK",
                     "ISNUMBER", "ISTEXT", "LEN", "NOT", "OR", "SUM", "TRIM"})
_CALLED = re.compile(r"([A-Za-z0-9._]*)\(")  # the name-like run right before each "(", maybe empty
_PLACED = re.compile(rb"<f>XXGKF([0-9]+)</f>|<formula>1e-9([0-9]{8})</formula>")
PREFIX = "XXGKF"
CRITERIA = "1e-9{:08d}"  # a number's text (1e-900000003 is 0.0 to float()) that no formula of ours is


class Placeholders:
    """The formulas of one workbook being built, each behind the placeholder XlsxWriter was given."""

    def __init__(self):
        self.texts: list[bytes] = []

    def formula(self, formula: str) -> str:
        """What to hand XlsxWriter for a cell's ``formula`` ("=…"): a placeholder, or the formula itself."""
        return f"={PREFIX}{self._kept(formula)}" if _plain(formula) else formula

    def criteria(self, formula: str) -> str:
        """What to hand XlsxWriter for a conditional format's ``formula`` ("=…")."""
        return CRITERIA.format(self._kept(formula)) if _plain(formula) else formula

    def _kept(self, formula: str) -> int:
        text = formula[1:].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        self.texts.append(text.encode("utf-8"))
        return len(self.texts) - 1

    def put_in(self, xml: bytes) -> bytes:
        """A sheet part's XML with each placeholder replaced by its formula."""
        if not self.texts:
            return xml
        return _PLACED.sub(self._placed, xml)

    def _placed(self, match: re.Match) -> bytes:
        if match[1] is not None:
            return b"<f>%s</f>" % self.texts[int(match[1])]
        return b"<formula>%s</formula>" % self.texts[int(match[2])]


def _plain(formula: str) -> bool:
    """A formula XlsxWriter would write as it is, apart from the leading "=" (see the module docstring)."""
    return (formula.startswith("=") and not formula.startswith("={") and not formula.endswith("}")
            and "_xlfn." not in formula and set(_CALLED.findall(formula)) <= _ALLOWED)


_ALLOWED = CLASSIC | {""}  # "" : a "(" after an operator, a bracket or text
