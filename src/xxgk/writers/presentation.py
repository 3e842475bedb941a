"""How findings look wherever they are marked (a marked copy, live Excel): colours, levels, notes.

No spreadsheet library here, so the Excel buttons can use it without loading openpyxl.
"""
from __future__ import annotations

from ..catalogue import Level
from ..model import Finding

# Strongest first; a cell hit by several findings takes the strongest. All three stand
# out from the template's light-yellow input cells (FFF2CC); red matches its live checks.
FILL_COLOURS = {"error": "FF9999", "warning": "FFC000", "explained": "FFD966"}
LEVELS = {level.value: level.label for level in Level}
HEADERS = ("序号", "规则", "级别", "位置", "单元格", "说明/信息", "应为", "实际", "填报人说明")
REPORT_SHEET = "校验报告"


def level(finding: Finding) -> str:
    if finding.severity == "error":
        return "error"
    return "explained" if finding.explained else "warning"


def comment_line(finding: Finding) -> str:
    line = f"【{LEVELS[level(finding)]}】{finding.rule_id}：{finding.message}"
    return line + (f"（说明：{finding.explanation}）" if finding.explained else "")
