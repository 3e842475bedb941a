"""Writing one value cell: the value itself, totals as formulas, data validation.

Text is always written as a string, whatever it starts with: a value that came
from someone's workbook must never turn into a formula here.
"""
from __future__ import annotations

import math

from xlsxwriter.worksheet import Worksheet

from ..formats import Cell, CoverField, Kind
from ..model import CellError, Value
from .layout import Pos

# Error values a formula may produce; written back as a formula of that literal error.
ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
SIGNED_LIMIT = 999_999_999


def write_value(sheet: Worksheet, pos: Pos, value: Value, style) -> None:
    if value is None or value == "":
        sheet.write_blank(pos.row, pos.col, None, style)
    elif isinstance(value, CellError):
        if value.code in ERROR_CODES:
            sheet.write_formula(pos.row, pos.col, "=" + value.code, style, value.code)
        else:
            sheet.write_string(pos.row, pos.col, value.code, style)
    elif isinstance(value, bool):
        sheet.write_boolean(pos.row, pos.col, value, style)
    elif isinstance(value, (int, float)) and math.isfinite(value):
        sheet.write_number(pos.row, pos.col, value, style)
    else:
        sheet.write_string(pos.row, pos.col, str(value), style)


def total_formula(parts: list[Pos]) -> str:
    """``=SUM(D7:D29)`` over runs of neighbouring cells, so a clerk can read it."""
    runs: list[list[Pos]] = []
    for pos in parts:
        last = runs[-1][-1] if runs else None
        if last and _next_to(last, pos, runs[-1]):
            runs[-1].append(pos)
        else:
            runs.append([pos])
    refs = [r[0].a1 if len(r) == 1 else f"{r[0].a1}:{r[-1].a1}" for r in runs]
    return "=SUM(" + ",".join(refs) + ")"


def _next_to(last: Pos, pos: Pos, run: list[Pos]) -> bool:
    across = pos.row == last.row and pos.col == last.col + 1
    down = pos.col == last.col and pos.row == last.row + 1
    if len(run) == 1:
        return across or down
    return across if run[0].row == last.row else down


_COUNT_ERROR = "这里只能填写 0 或正整数（不能是小数、负数或文字）。没有发生的请填 0。"
_RULES = {
    Kind.COUNT: ({"validate": "integer", "criteria": ">=", "value": 0},
                 "请填写 0 或正整数；没有请填 0，不要留空。", _COUNT_ERROR),
    Kind.SIGNED: ({"validate": "integer", "criteria": "between", "minimum": -SIGNED_LIMIT,
                   "maximum": SIGNED_LIMIT},
                  "请填写整数：增加填正数，减少填负数（如 -3），没有变化填 0。",
                  "这里只能填写整数（可以是负数，不能是小数或文字）。"),
    Kind.WAN: ({"validate": "decimal", "criteria": ">=", "value": 0},
               "请填写金额，单位：万元，可以有小数；没有请填 0。",
               "这里只能填写不小于 0 的数字（单位：万元），不能是文字。"),
    Kind.MONEY: ({"validate": "decimal", "criteria": ">=", "value": 0},
                 "请填写金额，可以有小数；没有请填 0。",
                 "这里只能填写不小于 0 的数字，不能是文字。"),
    Kind.YEAR: ({"validate": "integer", "criteria": "between", "minimum": 2000, "maximum": 2100},
                "", "报告年度应为 2000 至 2100 之间的四位数年份，如 2025。"),
    Kind.TEXT: ({"validate": "length", "criteria": "<=", "value": 200}, "", "内容过长（最多 200 个字）。"),
    Kind.DATE: ({"validate": "any"}, "", ""),
}


def validation(kind: Kind, title: str, label: str, prompt: str = "") -> dict:
    """Data validation for an input cell: the allowed values, a Chinese prompt and error."""
    rule, hint, error = _RULES[kind]
    options = dict(rule)
    options["input_title"] = title[:32]
    options["input_message"] = "\n".join(p for p in (label, prompt or hint) if p)[:255]
    if error:
        options.update(error_title="输入有误", error_message=error, error_type="stop")
    return options


def cell_validation(cell: Cell) -> dict:
    title = "填写金额" if cell.kind in (Kind.WAN, Kind.MONEY) else "填写数量"
    return validation(cell.kind, title, cell.label)


def cover_validation(cover_field: CoverField) -> dict:
    required = "（必填）" if cover_field.required else "（选填）"
    return validation(cover_field.kind, cover_field.label + required, "", cover_field.prompt)
