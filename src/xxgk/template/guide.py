"""The 填报说明 sheet: how to fill the form, what the colours mean, where to send it."""
from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from ..formats import TEMPLATE_VERSION, Format, Kind
from .sizing import LINE_PT, wrapped_lines
from .sheets import print_setup, protect
from .styles import ERROR_FILL, INPUT_FILL, TOTAL_FILL, WARNING_FILL, Styles

WIDTHS = (16.0, 96.0)


def _how_to_fill(fmt: Format) -> list[str]:
    kinds = {cell.kind for cell in fmt.cells.values()}
    lines = [
        "只在浅黄色单元格中填写，其他单元格已锁定。先填“封面”：单位名称、报告年度为必填项。",
        "每个浅黄色单元格都要有数字：没有发生的请填 0，不要留空，也不要删除（空白会被当作漏填）。",
        "数量填 0 或正整数。",
    ]
    if kinds & {Kind.WAN, Kind.MONEY}:
        lines.append("金额按表中注明的单位填写（如“万元”），可以有小数。")
    if Kind.SIGNED in kinds:
        lines.append("“本年增/减”可以填负数：减少几项就填负几，如 -3。")
    lines.append("浅灰色加粗的“总计”由公式自动计算，不用填，也不能改。")
    lines += [f"表{t.number}中，{t.note.strip('（）')}（每一列都要满足）。" for t in fmt.tables if t.note]
    lines.append("请直接输入数字，不要把别的文件里带格式的整行、整列复制粘贴过来，以免破坏公式和校验。")
    return [f"{i}. {text}" for i, text in enumerate(lines, start=1)]


_COLOURS = (
    (INPUT_FILL, "浅黄色", "需要填写的单元格。"),
    (TOTAL_FILL, "浅灰色", "自动计算的总计，不能修改。"),
    (ERROR_FILL, "红色", "错误：数字之间对不上或填写不合规，必须改正后才能报送。"),
    (WARNING_FILL, "琥珀色", "警告：数字可能有误，请核实；确认无误的，在“校验结果”表对应行的“说明”栏写明原因。"),
)

_SENDING = (
    "1. 填好并确认“校验结果”表中没有“不通过”的错误后，按区政务公开办通知的截止时间报送区政务公开办。",
    "2. 保留原来的文件名和 .xlsx 格式，不要另存为 .xls、.et 等其他格式。",
    "3. 不要改变表格结构：不要增删或重命名工作表，不要插入或删除行、列。",
)


def _checking(fmt: Format) -> tuple[str, ...]:
    return (
        "1. “校验结果”表随填随查：每一项检查一行，“状态”显示通过、不通过、已说明或待填写，点击“位置”可跳到对应单元格。",
        "2. 装有 xxgk 的电脑上，可以运行命令 xxgk validate 文件名.xlsx 做一次完整检查，列出每个问题的位置和原因。",
        f"3. 本模板采用格式 {fmt.id}（{fmt.document}），模板版本 {TEMPLATE_VERSION}。",
    )


def write_guide_sheet(sheet: Worksheet, fmt: Format, styles: Styles) -> None:
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    sheet.merge_range(0, 0, 0, 1, "", styles.title)
    sheet.write_string(0, 0, "填报说明", styles.title)
    sheet.set_row(0, 30)
    row = 2
    row = _section(sheet, row, "一、怎么填", _how_to_fill(fmt), styles)
    sheet.write_string(row, 0, "二、颜色的含义", styles.heading)
    row += 1
    for colour, name, meaning in _COLOURS:
        sheet.write_string(row, 0, name, styles.swatch(colour))
        _paragraph(sheet, row, meaning, styles)
        row += 1
    row = _section(sheet, row + 1, "三、报送", _SENDING, styles)
    _section(sheet, row, "四、自行检查", _checking(fmt), styles)
    print_setup(sheet, False, None)
    protect(sheet)


def _section(sheet: Worksheet, row: int, heading: str, lines, styles: Styles) -> int:
    sheet.write_string(row, 0, heading, styles.heading)
    for i, text in enumerate(lines, start=1):
        _paragraph(sheet, row + i, text, styles)
    return row + len(lines) + 2


def _paragraph(sheet: Worksheet, row: int, text: str, styles: Styles) -> None:
    sheet.write_string(row, 1, text, styles.text)
    sheet.set_row(row, max(20.0, wrapped_lines(text, WIDTHS[1]) * LINE_PT + 6))
