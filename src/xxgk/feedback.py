"""Sending findings back (退回): a notice and a marked copy per faulty agency, and one 退回清单.xlsx.

An agency is sent back when its file has errors or open warnings, could not be
read, is of another year or format, or was excluded for its errors. Its notice
(.txt, UTF-8 with BOM and CRLF, so Notepad on any Windows shows the Chinese)
says what is wrong, where, what to do and by when to send the workbook again;
the marked copy (``writers.marked``) shows the cells. Agencies that came
through a district's summary (a city's roll-up) get the notice only: their
own workbook is with the district. Every file is written atomically into a
folder that is not one of the inputs.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .consolidate.identity import NO_NAME
from .consolidate.outputs import resolved as _resolved
from .catalogue import Status
from .consolidate.result import ConsolidationResult, Entry
from .errors import ReadError, WriteError, XxgkError
from .fileio import atomic_path
from .handout import file_names
from .writers.presentation import LEVELS, level

SENT_BACK = (Status.ERRORS, Status.WARNINGS, Status.UNREADABLE, Status.WRONG_YEAR, Status.WRONG_FORMAT,
             Status.EXCLUDED)
LIST_NAME = "退回清单.xlsx"
DAYS_TO_RESEND = 7
MAX_LISTED = 200  # findings spelled out in one notice; the marked copy has them all


@dataclass
class Returned:
    """One agency sent back."""

    entry: Entry
    notice: Path
    marked: Path | None = None
    remark: str = ""  # why there is no marked copy, when there is none


def check_folder(folder: Path, inputs: Sequence[Path]) -> None:
    """Refuse a feedback folder that is, or lies inside, an input folder (its files would be read next time)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise XxgkError(f"{folder}：已存在同名文件，无法作为退回文件夹。")
    if folder.suffix.lower() in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise XxgkError(f"{folder}：--feedback 应为文件夹，不是文件名。")
    target = _resolved(folder)
    for item in map(Path, inputs):
        if item.is_dir() and _resolved(item) in {target, *map(str, Path(target).parents)}:
            raise XxgkError(f"{folder}：退回文件夹不能放在报送文件夹“{item}”里，否则下次汇总会把其中的文件当作报表。")


def write_feedback(result: ConsolidationResult, folder: Path, *, due: dt.date | None = None) -> list[Returned]:
    """Write the notices, marked copies and 退回清单.xlsx into ``folder`` (made if missing)."""
    folder = Path(folder)
    due = due or dt.date.today() + dt.timedelta(days=DAYS_TO_RESEND)
    parent = folder.parent if str(folder.parent) else Path(".")
    if not parent.is_dir():
        raise WriteError(f"{folder}：上一级文件夹“{parent}”不存在。")
    folder.mkdir(exist_ok=True)
    faulty = [e for e in result.entries if e.status in SENT_BACK]
    names = [e.agency or e.path.stem for e in faulty]
    notices = file_names(folder, [f"{name}_退回通知" for name in names], ".txt")
    marks = file_names(folder, [f"{name}_校验标记" for name in names], ".xlsx")
    inputs = {_resolved(e.path) for e in result.entries}
    returned = []
    for entry, notice, marked in zip(faulty, notices, marks):
        if _resolved(notice) in inputs or _resolved(marked) in inputs:
            raise WriteError(f"{notice}：这是输入文件，不能被退回通知覆盖，请换一个退回文件夹。")
        item = Returned(entry, notice)
        _mark(item, marked)
        _write_text(notice, notice_text(result, item, due))
        returned.append(item)
    from .feedback_list import write_list  # XlsxWriter, only when there is a list to write

    write_list(folder / LIST_NAME, result, returned, due)
    return returned


def _mark(item: Returned, target: Path) -> None:
    entry = item.entry
    if entry.district:
        item.remark = f"该单位的数字来自“{entry.district}”的汇总表，原工作簿在该区"
    elif entry.status not in (Status.ERRORS, Status.WARNINGS, Status.EXCLUDED) or not entry.findings:
        return
    else:
        from .writers.marked import write_marked_copy

        target = target.with_suffix(entry.path.suffix.lower() if entry.path.suffix.lower() == ".xlsm" else ".xlsx")
        try:
            write_marked_copy(entry.path, target, entry.form, entry.findings)
            item.marked = target
        except ReadError as err:
            item.remark = f"未能制作标记副本（{err.reason}）"


def notice_text(result: ConsolidationResult, item: Returned, due: dt.date) -> str:
    """The notice to one agency, in Chinese: what is wrong, where, what to do, by when."""
    entry = item.entry
    who = entry.agency or (NO_NAME if entry.form is not None else f"报送“{entry.path.name}”的单位")
    lines = ["关于退回《政府信息公开工作年度报告》统计表的通知", "", f"{who}：", ""]
    lines.append(f"    你单位报送的 {result.year} 年度统计表（文件“{entry.path.name}”）{_verdict(entry)}，现予退回。"
                 f"请按以下意见修改后，于 {due.year} 年 {due.month} 月 {due.day} 日前重新报送。")
    lines += ["", "一、存在的问题", *_problems(entry), "", "二、修改方法", *_advice(entry, item), "",
              f"{result.district}", f"{dt.date.today().isoformat()}"]
    return "\r\n".join(lines) + "\r\n"


def _verdict(entry: Entry) -> str:
    if entry.status == Status.UNREADABLE:
        return Status.UNREADABLE.label
    if entry.status in (Status.WRONG_YEAR, Status.WRONG_FORMAT):
        return f"{entry.status}，未纳入汇总"
    parts = [f"{entry.errors} 处错误" if entry.errors else "", f"{entry.warnings} 处待核实的警告" if entry.warnings else ""]
    return "经校验发现 " + "、".join(p for p in parts if p)


def _problems(entry: Entry) -> list[str]:
    if entry.form is None or entry.status in (Status.WRONG_YEAR, Status.WRONG_FORMAT):
        return [f"    {entry.note or entry.status}。"]
    listed = [f for f in entry.findings if not f.explained]
    lines = []
    for number, finding in enumerate(listed[:MAX_LISTED], start=1):
        main = finding.cells[0] if finding.cells else ""
        cell = entry.form.addresses.get(main, "")
        where = f"{finding.location}（单元格 {cell}）" if cell else finding.location
        lines.append(f"    {number}. 【{LEVELS[level(finding)]}】{where}：{finding.message}")
    if len(listed) > MAX_LISTED:
        lines.append(f"    ……共 {len(listed)} 项，其余见标记副本。")
    return lines + [f"    提示：{problem}" for problem in entry.form.problems]


def _advice(entry: Entry, item: Returned) -> list[str]:
    if entry.status == Status.UNREADABLE:
        return ["    请用统一下发的模板（.xlsx）重新填写或另存，确认文件能在 Excel 或 WPS 中正常打开后重新报送。"]
    if entry.status == Status.WRONG_FORMAT:
        return ["    请把数字转填到统一下发的最新模板中重新报送。"]
    if entry.status == Status.WRONG_YEAR:
        return ["    请核对封面的“报告年度”；如报错了年份，改正后重新报送。"]
    advice = []
    if item.marked is not None:
        advice.append(f"    随附的“{item.marked.name}”标出了问题所在：红色单元格为错误，必须改正；橙色单元格为待核实的警告，"
                      "单元格批注和“校验报告”工作表写明了原因。")
    elif item.remark:
        advice.append(f"    （{item.remark}。）")
    advice += ["    请在你单位原来的工作簿中修改（标记副本仅供对照，请勿用它报送）。",
               "    错误必须改正；警告如经核实数字无误，请在“校验结果”工作表该项的“说明”列写明原因。",
               "    改完后，模板中的“校验结果”工作表应显示没有错误。"]
    return advice


def _write_text(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(text.encode("utf-8-sig", "replace"))  # a file name that is no UTF-8 keeps a "?"

