"""Handing out the template: one prefilled workbook per agency on the district's roster.

Each workbook is the template with its live checks, its cover filled in (单位名称,
统一社会信用代码 from the roster or else last year's report, 报告年度) and,
where last year's report of the agency is known, the cells that start from last
year's figures (``Format.carried_over``: 二、上年结转 <- 四、结转下年度继续办理)
filled with them. They stay ordinary input cells: a clerk may change them, and
the cross-year rule then says so. Names from the roster are written as text,
never as formulas. Nothing is written over an existing file unless asked, and
never over the roster or last year's figures.
"""
from __future__ import annotations

import datetime as dt
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from pathvalidate import sanitize_filename

from .errors import ReadError, XxgkError
from .fileio import atomic_path
from .formats import Format, format_for_year, get_format
from .model import FormData, Value
from .rules import RuleSet, live_checks_for, load_rules

MAX_NAME = 80  # characters of a file name taken from an agency's name
Progress = Callable[[int, int, str], None]


@dataclass
class HandedOut:
    """One workbook handed out."""

    path: Path
    agency: str
    credit_code: str = ""
    carried: dict[str, Value] = field(default_factory=dict)  # the prefilled cells (key -> last year's value)
    note: str = ""  # whence the figures came, or why there are none


@dataclass
class Handout:
    folder: Path
    year: int
    format_id: str
    workbooks: list[HandedOut]
    archive: Path | None = None  # the zip of the folder's new workbooks, for e-mail
    not_on_roster: list[str] = field(default_factory=list)  # last year's agencies the roster lacks
    previous_years: list[int] = field(default_factory=list)  # report years found in --previous


def hand_out(roster: Path, folder: Path, *, year: int | None = None, previous: Path | None = None,
             format_id: str | None = None, archive: bool = False, force: bool = False,
             ruleset: RuleSet | None = None, progress: Progress | None = None) -> Handout:
    """Write one prefilled workbook per roster agency into ``folder`` (made if missing).

    ``year`` is the report year (default: last calendar year); ``format_id`` must
    suit it (default: the year's format). Raises XxgkError (Chinese) when an
    argument cannot be used or a workbook would replace an existing file
    (unless ``force``; the roster and last year's figures are never replaced).
    """
    from .consolidate.roster import read_roster

    year = year or dt.date.today().year - 1
    fmt = _format(year, format_id)
    try:
        agencies = read_roster(Path(roster))
    except ReadError as err:
        raise XxgkError(f"单位名单无法读取：{err}") from None
    last_year = _last_year(Path(previous), year) if previous is not None else None
    folder = _folder(Path(folder))
    targets = file_names(folder, [a.name for a in agencies])
    _check_targets(targets, [Path(roster), *([Path(previous)] if previous else [])], force)
    checks = live_checks_for(fmt, ruleset or load_rules())
    result = Handout(folder, year, fmt.id, [])
    if last_year is not None:
        result.previous_years = sorted({y for y in map(_year, last_year.forms()) if y is not None})
    from .template import build_workbook  # the XlsxWriter side, imported when there is work for it

    for done, (agency, target) in enumerate(zip(agencies, targets), start=1):
        found = last_year.find(agency.name, agency.credit_code) if last_year is not None else None
        item = prefill(fmt, agency.name, agency.credit_code, year, found, target)
        values = {"cover.agency": item.agency, "cover.credit_code": item.credit_code, "cover.year": year,
                  **item.carried}
        build_workbook(target, fmt, live_checks=checks, values=values)
        result.workbooks.append(item)
        if progress is not None:
            progress(done, len(agencies), agency.name)
    if last_year is not None:
        result.not_on_roster = _not_on_roster(last_year, agencies)
    if archive:
        result.archive = write_zip(folder, [w.path for w in result.workbooks])
    return result


def prefill(fmt: Format, agency: str, credit_code: str, year: int, last: FormData | None,
            target: Path) -> HandedOut:
    """What one agency's workbook starts with: its identity and last year's carried-over figures."""
    from .consolidate.identity import text_of

    if last is None:
        return HandedOut(target, agency, credit_code, note="未找到该单位的上年报表，上年结转未预填（为 0）")
    carried, odd = {}, []
    for key, source in fmt.carried_over.items():
        value = last.values.get(source)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            carried[key] = value
        else:
            odd.append(fmt.cells[source].label)
    code = credit_code or text_of(last.values.get("cover.credit_code"))
    note = f"上年结转已按{_year_text(last)}报表的“结转下年度继续办理”预填"
    if odd:
        note += f"；上年报表中 {'、'.join(odd)} 不是有效数字，未预填"
    return HandedOut(target, agency, code, carried, note)


def file_names(folder: Path, agencies: Sequence[str], suffix: str = ".xlsx") -> list[Path]:
    """A file name per agency, after its name, safe on Windows and distinct (case-blind)."""
    taken: set[str] = set()
    names = []
    for index, agency in enumerate(agencies, start=1):
        stem = sanitize_filename(agency, platform="windows", max_len=MAX_NAME).strip(" .") or f"单位{index}"
        name, copy = f"{stem}{suffix}", 2
        while name.casefold() in taken:
            name, copy = f"{stem}（{copy}）{suffix}", copy + 1
        taken.add(name.casefold())
        names.append(folder / name)
    return names


def write_zip(folder: Path, files: Sequence[Path]) -> Path:
    """``<folder>.zip`` beside the folder, holding ``files`` (names stored as UTF-8, as the zip standard says)."""
    target = folder.with_name(folder.name + ".zip")
    with atomic_path(target) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in files:
                archive.write(file, f"{folder.name}/{file.name}")
    return target


def _format(year: int, format_id: str | None) -> Format:
    fmt = format_for_year(year)
    if fmt is None:
        raise XxgkError(f"{year} 年度没有对应的国家报表格式（最早为 2019 年度），请检查 --year。")
    if format_id is not None and get_format(format_id).id != fmt.id:
        raise XxgkError(f"{year} 年度应使用 {fmt.id} 版格式（{fmt.document}），不能用 {format_id} 版；"
                        f"不写 --format 即可。")
    return fmt


def _last_year(previous: Path, year: int):
    from .consolidate.previous import load_previous

    return load_previous(previous, year)


def _folder(folder: Path) -> Path:
    if folder.suffix.lower() in (".xlsx", ".xlsm"):
        raise XxgkError(f"{folder}：按名单生成时 -o 应为文件夹（每个单位一个工作簿），不是文件名。")
    if folder.exists() and not folder.is_dir():
        raise XxgkError(f"{folder}：已存在同名文件，无法作为输出文件夹。")
    parent = folder.parent if str(folder.parent) else Path(".")
    if not parent.is_dir():
        raise XxgkError(f"{folder}：上一级文件夹“{parent}”不存在。")
    folder.mkdir(exist_ok=True)
    return folder


def _check_targets(targets: Sequence[Path], inputs: Sequence[Path], force: bool) -> None:
    for target in targets:
        for source in inputs:
            if target.exists() and source.exists() and os.path.samefile(target, source):
                raise XxgkError(f"{target}：这是输入文件（名单或上年报表），不能被生成的工作簿覆盖，请换一个输出文件夹。")
    existing = [t.name for t in targets if t.exists()]
    if existing and not force:
        shown = "、".join(existing[:3]) + (f" 等 {len(existing)} 个文件" if len(existing) > 3 else "")
        raise XxgkError(f"输出文件夹中已有 {shown}，可能已经填写过，未覆盖。请换一个文件夹，或加 --force 覆盖。")


def _not_on_roster(last_year, agencies) -> list[str]:
    from .consolidate.identity import code_key, name_key, text_of

    names = {name_key(a.name) for a in agencies}
    codes = {code_key(a.credit_code) for a in agencies} - {""}
    lost = []
    for form in last_year.forms():
        name = text_of(form.values.get("cover.agency"))
        code = code_key(text_of(form.values.get("cover.credit_code")))
        if name_key(name) not in names and (not code or code not in codes):
            lost.append(name)
    return lost


def _year(form: FormData) -> int | None:
    from .consolidate.identity import year_of

    return year_of(form.values.get("cover.year"))


def _year_text(form: FormData) -> str:
    year = _year(form)
    return f" {year} 年度" if year is not None else "上年"
