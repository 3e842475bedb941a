"""The template workbook: the national form as a locked, self-checking Excel file.

``build_workbook`` (in ``build``) writes it with XlsxWriter; ``Layout`` says where
everything goes. Only the layout is loaded with the package: a reader that checks
a workbook's names against the template's layout needs no XlsxWriter, so the rest
is imported on first use.
"""
from __future__ import annotations

import importlib

from .layout import SHEET_CHECKS, SHEET_COVER, SHEET_GUIDE, SHEET_MARKER, Layout, cell_positions

_LAZY = {"build_workbook": "build", "FORMAT_NAME": "build", "VERSION_NAME": "build", "CHECKS_NAME": "checks",
         "status_name": "checks"}

__all__ = ["build_workbook", "Layout", "cell_positions", "FORMAT_NAME", "VERSION_NAME", "CHECKS_NAME", "status_name",
           "SHEET_COVER", "SHEET_CHECKS", "SHEET_GUIDE", "SHEET_MARKER"]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
