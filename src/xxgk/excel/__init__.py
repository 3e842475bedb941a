"""Buttons inside Excel (校验 / 清除标记 / 汇总) through xlwings' RunPython.

The VBA of macros/XxgkButtons.bas calls these three functions; each works on
the workbook that called it. xlwings is imported only by ``buttons`` (and only
when a button runs), so building the .xlsm files needs no Excel and no xlwings
beyond its standalone VBA module.
"""
from __future__ import annotations


def validate_button() -> None:
    """校验: check the calling workbook, colour and note faulty cells, refresh 校验报告."""
    from .buttons import validate_button as run

    run()


def clear_marks_button() -> None:
    """清除标记: remove exactly the marks 校验 made."""
    from .buttons import clear_marks_button as run

    run()


def consolidate_button() -> None:
    """汇总 (district tool): consolidate a folder of workbooks and open the result."""
    from .buttons import consolidate_button as run

    run()


__all__ = ["validate_button", "clear_marks_button", "consolidate_button"]
