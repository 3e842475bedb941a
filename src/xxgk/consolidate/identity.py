"""Who a workbook is from and when it was filled: agency name, credit code, report year, 填报日期.

Clerks type these by hand, so comparison is lenient: full-width forms and
spaces do not make two agencies different.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from ..model import Value

EXCEL_EPOCH = dt.date(1899, 12, 30)
CREDIT_CODE_LENGTH = 18
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
NO_NAME = "（未填单位名称）"


def text_of(value: Value) -> str:
    """A cover value as display text: whole floats lose their ``.0``; blanks and errors are empty."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if isinstance(value, (str, int, float)) else ""


def name_key(name: str) -> str:
    """Agency name for matching: NFKC, no whitespace at all."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def code_key(code: str) -> str:
    """A credit code for matching, or "" when it is not 18 characters (not trusted to match on)."""
    key = name_key(code).upper()
    return key if len(key) == CREDIT_CODE_LENGTH else ""


def year_of(value: Value) -> int | None:
    """The report year as a whole number, when the cell holds one (2025, 2025.0, "2025", "2025年")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{4})\s*年?(度)?\s*", unicodedata.normalize("NFKC", value))
        return int(match.group(1)) if match else None
    return None


def date_of(value: Value) -> dt.date | None:
    """填报日期 as a date: text (2026-01-15, 2026/1/15, 2026年1月15日) or an Excel serial number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        if 1 <= value < 2958466:  # Excel's valid serials: 1900-01-01 .. 9999-12-31
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        return None
    if isinstance(value, str):
        match = _DATE.search(unicodedata.normalize("NFKC", value))
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
    return None
