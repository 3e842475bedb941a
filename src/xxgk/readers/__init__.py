"""Readers: files in, FormData out. They know the format, never a rule."""
from __future__ import annotations

from .detect import REFUSALS, WORKBOOK_KINDS, detect_kind, refusal
from .workbook import read_workbook, workbook_origin

__all__ = ["read_workbook", "workbook_origin", "detect_kind", "refusal", "REFUSALS", "WORKBOOK_KINDS"]
