"""Who a workbook is from and when it was filled: agency name, credit code, report year, 填报日期.

Names and codes are compared by ``xxgk.identity`` (one normaliser everywhere).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from ..identity import code_key, credit_code_problem, name_key, text_of, year_of
from ..model import Value

__all__ = ["code_key", "credit_code_problem", "name_key", "text_of", "year_of", "date_of", "NO_NAME"]
EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
NO_NAME = "（未填单位名称）"


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
