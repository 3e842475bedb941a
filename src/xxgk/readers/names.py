"""Workbook defined names -> sheet areas: the only way a reader finds a cell."""
from __future__ import annotations

from dataclasses import dataclass

from .refs import Area, parse_area
from .xmlparts import NameEntry, SheetEntry


@dataclass(frozen=True)
class NameTarget:
    text: str  # the reference as written, for messages
    area: Area | None  # None when the reference is broken (#REF!, a formula, an unknown sheet)


def name_map(names: list[NameEntry], sheets: list[SheetEntry]) -> dict[str, NameTarget]:
    """Defined names by lower-cased name (names are case-insensitive in Excel).

    A workbook-wide name wins over a sheet-scoped one of the same name.
    """
    sheet_names = {sheet.name for sheet in sheets}
    found: dict[str, NameTarget] = {}
    for entry in sorted(names, key=lambda n: n.local_sheet is None):
        area = parse_area(entry.text)
        if area is not None and area.sheet not in sheet_names:
            area = None
        found[entry.name.lower()] = NameTarget(entry.text, area)
    return found


def missing_remark(name: str, label: str) -> str:
    return f"找不到单元格名称 {name}（{label}），该项按空白处理；工作簿可能被改动过"


def broken_remark(name: str, label: str, text: str) -> str:
    return f"单元格名称 {name}（{label}）指向的位置已失效（{text}），该项按空白处理"


def range_remark(name: str, label: str, text: str) -> str:
    return f"单元格名称 {name}（{label}）指向多个单元格（{text}），只读取其左上角单元格"
