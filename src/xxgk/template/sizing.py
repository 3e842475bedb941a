"""Column widths and row heights, so every label of the form is readable when printed.

Widths are in Excel width units (about one digit of the default font); CJK and
full-width characters take two. Heights are in points.
"""
from __future__ import annotations

import dataclasses
import functools
import math
import re
import unicodedata

LINE_PT = 14.5  # height of one wrapped line of 11 pt 宋体
CHAR_PT = 13.0  # height of one character in stacked (vertical) text
MIN_ROW_PT = 20.0
LEAF_LABEL_MAX = 44  # widest row-label column, in Excel width units
VALUE_WIDTH = (9, 16)  # value column width range
NARROW_VALUE_MAX = 11  # widest value column when a table has many (table 三's seven)
MANY_VALUE_COLUMNS = 6


def text_units(text: str) -> int:
    """Display width in Excel width units: CJK and full-width characters count 2."""
    if text.isascii():
        return len(text)
    units = 2 * len(text) - len(_wide_in_bmp().sub("", text))  # each wide character once more
    # outside the BMP (rare): character by character
    units += sum(1 for ch in _ASTRAL.findall(text) if unicodedata.east_asian_width(ch) in "WF")
    return units


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


@functools.lru_cache(maxsize=1)
def _wide_in_bmp() -> re.Pattern:
    """The wide and full-width characters of the BMP as one character class (built in about 10 ms)."""
    ranges: list[list[int]] = []
    for code in range(0x10000):
        if unicodedata.east_asian_width(chr(code)) in "WF":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]+")


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a wrapping column ``width`` units wide (explicit newlines count)."""
    return sum(max(1, math.ceil(text_units(part) / max(1.0, width - 1.5))) for part in text.split("\n"))


def size_table(sheet, label_cols: int) -> None:
    """Set ``sheet.widths`` from the labels, then ``sheet.heights`` so every wrapped label shows.

    ``sheet`` is a layout.SheetLayout whose spans and cells are placed.
    """
    total_cols = max(s.last_col for s in sheet.spans) + 1
    widths = [float(VALUE_WIDTH[0])] * total_cols
    widest = NARROW_VALUE_MAX if total_cols - label_cols >= MANY_VALUE_COLUMNS else VALUE_WIDTH[1]
    for span in sheet.spans:
        if span.role == "header" and span.col == span.last_col:
            widths[span.col] = max(widths[span.col], _balanced_width(span.text, widest))
    if label_cols:
        leaf = [s for s in sheet.spans if s.role in ("label", "corner") and s.last_col == label_cols - 1]
        widths[label_cols - 1] = min(LEAF_LABEL_MAX, max(text_units(s.text) for s in leaf) + 2)
        for col in range(label_cols - 1):
            widths[col] = 12.0
    sheet.widths = widths
    _fit_heights(sheet)
    _stack_group_labels(sheet, label_cols)
    _fit_heights(sheet)


def _balanced_width(text: str, widest: float) -> float:
    """Narrowest width that keeps the header on as few lines as ``widest`` allows, lines even."""
    units = text_units(text)
    pad = 2
    lines = math.ceil((units + pad) / widest)
    return float(max(VALUE_WIDTH[0], math.ceil(units / lines) + pad))


def _stack_group_labels(sheet, label_cols: int) -> None:
    """Group labels down the left edge: vertical text in a narrow column when they fit."""
    for col in range(label_cols - 1):
        groups = [s for s in sheet.spans if s.role == "group" and s.col == col]
        if groups and all(_span_height(sheet, s) >= len(s.text) * CHAR_PT for s in groups):
            sheet.spans = [_restack(s) if s in groups else s for s in sheet.spans]
            sheet.widths[col] = 4.5


def _restack(span):
    return dataclasses.replace(span, stacked=True)


def _span_width(sheet, span) -> float:
    return sum(sheet.widths[span.col:span.last_col + 1])


def _span_height(sheet, span) -> float:
    return sum(sheet.heights.get(r, MIN_ROW_PT) for r in range(span.row, span.last_row + 1))


def _needed_height(sheet, span) -> float:
    if span.stacked:
        return len(span.text) * CHAR_PT + 6
    scale = 1.6 if span.role == "title" else 1.0
    return max(MIN_ROW_PT, wrapped_lines(span.text, _span_width(sheet, span) / scale) * LINE_PT * scale + 6)


def _fit_heights(sheet) -> None:
    """Single-row labels set their row's height; taller merged labels stretch their last row."""
    sheet.heights = {row: MIN_ROW_PT for row, _ in sheet.cells.values()}
    spans = sorted(sheet.spans, key=lambda s: s.last_row - s.row)
    for span in spans:
        need = _needed_height(sheet, span)
        have = _span_height(sheet, span)
        if need > have:
            sheet.heights[span.last_row] = sheet.heights.get(span.last_row, MIN_ROW_PT) + need - have
