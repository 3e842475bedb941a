"""Our own outputs, told by their content and never by their file name.

A district summary and a marked copy (``validate --mark``) look like a filled
template — a summary even passes for an agency called "汇总（3 个单位）". Left in
a submissions folder they must not be counted again, so each carries a
workbook-level defined name saying what it is; Excel, WPS and LibreOffice keep
defined names when a file is saved again. A summary made before the name
existed is known by its own sheets.
"""
from __future__ import annotations

from typing import Iterable, Mapping

ORIGIN_NAME = "xxgk_origin"
SUMMARY, MARKED = "summary", "marked"
ORIGINS = (SUMMARY, MARKED)
SUMMARY_SHEETS = frozenset({"报送情况", "分单位明细"})  # consolidate.labels SHEET_STATUS, SHEET_DETAIL


def origin_formula(origin: str) -> str:
    """The defined name's content: a text constant."""
    assert origin in ORIGINS, origin
    return f'"{origin}"'


def origin_of(names: Mapping[str, str], sheets: Iterable[str]) -> str:
    """SUMMARY, MARKED or "" (an agency's workbook), from the workbook's defined names (lower-cased name ->
    text as written) and its sheet names."""
    text = names.get(ORIGIN_NAME, "").strip().lstrip("=").strip().strip('"')
    if text in ORIGINS:
        return text
    return SUMMARY if SUMMARY_SHEETS <= set(sheets) else ""
