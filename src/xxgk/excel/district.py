"""The district tool's inputs, described once: the builder writes them, 汇总 reads them back.

Pure: no xlwings, no XlsxWriter. ``read_request`` turns the values read from
the tool sheet into what consolidation needs, or a Chinese sentence saying
which cell to fill in.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from ..errors import XxgkError
from .live import grid_value

TOOL_SHEET = "区汇总"
TOOL_TITLE = "政府信息公开工作年度报告 区汇总工具"


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    row: int  # 1-based, on TOOL_SHEET, value in column B
    hint: str


FIELDS = (
    Field("folder", "报送文件夹", 3, "存放各单位报送的工作簿的文件夹，如 D:\\年报\\2024（可从资源管理器地址栏复制）"),
    Field("roster", "单位名单", 4, "选填：单位名单文件（.xlsx 或 .csv），用于列出未报送的单位"),
    Field("year", "报告年度", 5, "如 2024"),
    Field("output", "输出文件", 6, "选填：汇总结果的保存位置（.xlsx）；不填则保存在本工具所在文件夹"),
)
VALUE_COLUMN = 2
INSTRUCTIONS = (
    "使用方法",
    "1. 把各单位报送的工作簿放进同一个文件夹（可含子文件夹），在上面填写该文件夹的完整路径。",
    "2. 填写报告年度；如有单位名单，填写名单文件路径，汇总结果会列出未报送的单位。",
    "3. 点击“汇总”。完成后自动打开汇总结果：汇总表、每个单位一个工作表、问题清单。",
    "4. 本工具需要本机已安装 Python、xxgk 和 xlwings，详见 xxgk 说明文档“Excel 按钮”一节。",
    "   无法运行宏时，可在命令行运行：xxgk consolidate 文件夹 --year 年度 -o 输出文件.xlsx",
)
NO_FOLDER = "请先在“报送文件夹”一格（B{row}）填写存放各单位报表的文件夹路径，再点击“汇总”。"


def field_cell(field: Field) -> tuple[int, int]:
    return field.row, VALUE_COLUMN


def read_area() -> str:
    """The one range 汇总 reads: every input with its label."""
    return f"A1:C{max(f.row for f in FIELDS)}"


@dataclass(frozen=True)
class Request:
    folder: Path
    year: int
    roster: Path | None
    output: Path


def read_request(grid: Sequence[Sequence[Any]], tool_path: str | os.PathLike) -> Request:
    """The consolidation the clerk asked for; XxgkError (Chinese) naming the cell to fix."""
    here = Path(tool_path).parent
    values = {f.key: _text(grid_value(grid, f.row, VALUE_COLUMN)) for f in FIELDS}
    fields = {f.key: f for f in FIELDS}
    if not values["folder"]:
        raise XxgkError(NO_FOLDER.format(row=fields["folder"].row))
    folder = _path(values["folder"], here)
    if not folder.is_dir():
        raise XxgkError(f"报送文件夹“{folder}”不存在或不是文件夹，请检查 B{fields['folder'].row}。")
    year = _year(values["year"])
    if year is None:
        raise XxgkError(f"请在“报告年度”一格（B{fields['year'].row}）填写四位数的年度，如 {dt.date.today().year - 1}。")
    roster = _path(values["roster"], here) if values["roster"] else None
    if roster is not None and not roster.is_file():
        raise XxgkError(f"单位名单文件“{roster}”不存在，请检查 B{fields['roster'].row}，或清空该格。")
    output = _path(values["output"], here) if values["output"] else here / f"{year}年度区汇总.xlsx"
    if output.suffix.lower() != ".xlsx":
        output = output.with_suffix(".xlsx")
    return Request(folder, year, roster, output)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip().strip('"')


def _path(text: str, here: Path) -> Path:
    path = Path(os.path.expandvars(os.path.expanduser(text)))
    return path if path.is_absolute() else here / path


def _year(text: str) -> int | None:
    digits = text.removesuffix("年度").removesuffix("年").strip()
    if len(digits) == 4 and digits.isdigit() and 2000 <= int(digits) <= 2100:
        return int(digits)
    return None
