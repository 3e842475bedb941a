"""Sheet and workbook protection in live Excel: the one place that uses xlwings' ``.api``.

xlwings has no protection API, so Worksheet.Unprotect/Protect and
Workbook.Unprotect/Protect are reached through the native object (``.api``);
so is Range.AddComment where the installed xlwings has no ``add_note``.
The settings to restore are read from the saved file's <sheetProtection>
element (see live.py), so re-protecting costs one call, not a dozen reads of
``Protection.Allow…`` properties.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..errors import XxgkError

# Excel's XlEnableSelection values.
SELECT_ALL, SELECT_UNLOCKED, SELECT_NONE = 0, 1, -4142
# OOXML <sheetProtection> attribute -> Excel Protect argument it allows (attribute "1" = prohibited).
_ALLOW = {
    "formatCells": "AllowFormattingCells", "formatColumns": "AllowFormattingColumns",
    "formatRows": "AllowFormattingRows", "insertColumns": "AllowInsertingColumns",
    "insertRows": "AllowInsertingRows", "insertHyperlinks": "AllowInsertingHyperlinks",
    "deleteColumns": "AllowDeletingColumns", "deleteRows": "AllowDeletingRows", "sort": "AllowSorting",
    "autoFilter": "AllowFiltering", "pivotTables": "AllowUsingPivotTables",
}
PASSWORD = "工作表“{sheet}”设置了保护密码，xxgk 无法在其中标记，请取消密码后再试"


@dataclass(frozen=True)
class SheetProtection:
    protected: bool
    has_password: bool = False
    arguments: tuple[tuple[str, bool], ...] = ()  # Protect keyword arguments, in a stable order
    selection: int = SELECT_ALL


def _flag(attributes: Mapping[str, str], name: str, default: bool) -> bool:
    value = attributes.get(name)
    return default if value is None else value.strip().lower() in ("1", "true")


def protection_from_attributes(attributes: Mapping[str, str] | None) -> SheetProtection:
    """The protection an OOXML <sheetProtection> element describes (None: the sheet is unprotected)."""
    if attributes is None or not _flag(attributes, "sheet", False):
        return SheetProtection(False)
    arguments = [("DrawingObjects", _flag(attributes, "objects", False)), ("Contents", True),
                 ("Scenarios", _flag(attributes, "scenarios", False))]
    arguments += [(argument, not _flag(attributes, attribute, True)) for attribute, argument in _ALLOW.items()]
    if _flag(attributes, "selectUnlockedCells", False):
        selection = SELECT_NONE
    elif _flag(attributes, "selectLockedCells", False):
        selection = SELECT_UNLOCKED
    else:
        selection = SELECT_ALL
    has_password = any(attributes.get(a) for a in ("password", "hashValue"))
    return SheetProtection(True, has_password, tuple(arguments), selection)


def unprotect_sheet(sheet: Any, name: str, protection: SheetProtection) -> Any:
    """Lift the sheet's protection; returns the native sheet for ``protect_sheet``."""
    if not protection.protected:
        return None
    if protection.has_password:
        raise XxgkError(PASSWORD.format(sheet=name))
    native = sheet.api
    native.Unprotect()
    return native


def protect_sheet(native: Any, protection: SheetProtection) -> None:
    """Protect again exactly as the file had it (no password: the template uses none)."""
    if native is None:
        return
    native.Protect(**dict(protection.arguments))
    if protection.selection != SELECT_ALL:  # Protect resets nothing else; only a non-default needs a call
        native.EnableSelection = protection.selection


def add_note(cell: Any, text: str) -> None:
    """A new note on one cell: xlwings' ``Range.add_note``, or Excel's own Range.AddComment where xlwings
    lacks it (0.37.0, the newest xlwings for Python 3.10)."""
    if hasattr(cell, "add_note"):
        cell.add_note(text)
    else:
        cell.api.AddComment(text)


def unlock_structure(book: Any) -> Any:
    """Lift workbook structure protection (adding a sheet needs it); returns the native book."""
    native = book.api
    native.Unprotect()
    return native


def lock_structure(native: Any) -> None:
    native.Protect(Structure=True, Windows=False)
