"""District consolidation: many agencies' workbooks -> one summary in the same format.

``consolidate`` reads every input, applies the policy (see ``policy``), sums the
included agencies and writes the summary workbook — by the way ``speed.pipeline``
gives (the careful one, or the speed layer's, with the same result). It prints
nothing; the command line reports through the returned ConsolidationResult and
``progress``.
"""
from __future__ import annotations

import datetime as dt
import time
import traceback
from functools import partial
from pathlib import Path
from typing import Callable, Sequence

from .. import speed
from ..catalogue import Status
from ..errors import ReadError, WriteError, XxgkError
from ..fileio import remove_stale_temp_folders
from ..inputs import check_input
from ..formats import Format, format_for_year
from ..readers import detect_kind, read_workbook
from ..rules import Report, RuleSet, live_checks_for, load_rules
from ..model import FormData
from ..origin import MARKED
from ..xmltext import xml_safe
from ..rules.previous_match import previous_findings
from .discover import Discovery, discover
from .identity import date_of, text_of, year_of
from .labels import TOP_AGENCIES
from .policy import apply_policy, common_year, missing_agencies
from .previous import PreviousIndex, load_previous
from .compare import compare
from .rollup import expand_summaries, note_cross_district
from .outputs import (check_extra_output, hard_links, refuse_input_as_output, refuse_replacing_other_file,
                      resolved as _resolved, write_detail_csv)
from .result import STATUSES, ConsolidationResult, Entry, MissingAgency
from .sums import number, sum_values

Progress = Callable[[int, int, Path], None]
NO_PREVIOUS = "未找到该单位的上年报表，未做跨年核对"
MARKED_NOTE = "这是 xxgk validate --mark 生成的标记副本，不是单位报送的原表，未计入汇总；请报送改好的原工作簿"

__all__ = ["consolidate", "ConsolidationResult", "Entry", "MissingAgency", "STATUSES"]


def consolidate(inputs: Sequence[Path], output: Path, *, year: int | None = None, roster: Path | None = None,
                previous: Path | None = None, exclude_invalid: bool = False, ruleset: RuleSet | None = None,
                district: str | None = None, progress: Progress | None = None,
                csv: Path | None = None, careful: bool | None = None, force: bool = False) -> ConsolidationResult:
    """Consolidate the workbooks under ``inputs`` (files and folders) into ``output`` (.xlsx).

    ``csv``: also write the included agencies' figures there as one long table (``xxgk.tidy``).
    ``careful`` turns the speed layer off for this run (as ``XXGK_CAREFUL=1`` does).
    ``force`` lets ``output`` replace an existing file that is not one of our summaries (never an input).

    Raises XxgkError (a Chinese sentence) when there is nothing to consolidate or an
    argument cannot be used; a file that cannot be read is an Entry, never an exception.
    """
    started = time.perf_counter()
    earlier_notices = len(speed.NOTICES)  # this run reports its own
    output = Path(output)
    _check_output(output)
    extra_outputs = [Path(csv)] if csv is not None else []
    for target in extra_outputs:
        check_extra_output(target, output, inputs)
    remove_stale_temp_folders()  # left by a run killed before it could clean up
    ruleset = ruleset or load_rules()
    found = _discover(inputs, output, extra_outputs)
    refuse_replacing_other_file(output, force)
    roster_entries = _read_roster(roster) if roster is not None else None
    # last year's figures go to the workers when they need not wait for the year (a summary, or --year)
    early = previous is not None and (year is not None or not Path(previous).is_dir())
    last_year = load_previous(Path(previous), year) if early else None
    way = speed.pipeline(careful)
    final = previous is None or early  # else judged again below, once last year's folder can be read
    entries = way.read_entries(found.files, ruleset, progress, last_year, final)
    entries = expand_summaries(entries, lambda entry: judge(entry, partial(way.validate, ruleset), last_year))
    year = year or common_year(entries) or dt.date.today().year - 1
    fmt = format_for_year(year)
    if fmt is None:
        raise XxgkError(f"{year} 年度没有对应的国家报表格式（最早为 2019 年度），请检查 --year。")
    if previous is not None and not early:  # last year's workbooks in a folder: which year is known only now
        last_year = load_previous(Path(previous), year)
        for entry in entries:
            if entry.form is not None:
                judge(entry, partial(way.validate, ruleset), last_year)
    apply_policy(entries, year, fmt, exclude_invalid)
    note_cross_district(entries)
    included = [e for e in entries if e.included]
    sums, top = way.fold(fmt, included, TOP_AGENCIES)
    result = ConsolidationResult(output=output, year=year, format_id=fmt.id,
                                 district=xml_safe(district) if district else f"汇总（{len(included)} 个单位）",
                                 entries=entries, skipped=found.skipped)
    if roster_entries is not None:
        result.missing = missing_agencies(roster_entries, entries)
    if last_year is not None:
        result.comparison = compare(fmt, year, sums, entries, last_year)
    from .build import summary_problems  # the XlsxWriter side, kept out of the logic

    top_entries = [(included[position], new) for position, new in top]
    unstreamed = way.write_summary(result, fmt, sums, top_entries, live_checks_for(fmt, ruleset),
                                   roster_entries is not None)
    result.summary_problems = [f.message for f in summary_problems(output, fmt, sums, ruleset, unstreamed)]
    if csv is not None:
        write_detail_csv(result, Path(csv))
        result.csv = Path(csv)
    result.notices = speed.take_notices(since=earlier_notices)
    result.seconds = time.perf_counter() - started
    return result


def _discover(inputs: Sequence[Path], output: Path, extra_outputs: Sequence[Path] = ()) -> Discovery:
    found = discover([Path(p) for p in inputs], exclude=extra_outputs, sniff=detect_kind, flag=[output])
    named = {_resolved(p) for p in inputs}
    clash = next((p for p in extra_outputs if _resolved(p) in named), None)
    if clash is not None:
        raise WriteError(f"{clash}：这是输入文件，不能作为输出。")
    if found.missing:
        raise XxgkError(f"{found.missing[0]}：输入的文件或文件夹不存在。")
    refuse_input_as_output(output, found.flagged + hard_links(output, found.files))
    found.files = [path for path in found.files if path not in found.flagged]  # our earlier summary, replaced
    if not found.files:
        raise XxgkError("在给出的位置没有找到任何报表文件（.xlsx、.xlsm、.xls、.et、.ods、.csv 等）。")
    return found


def read_entry(path: Path, read: Callable[[Path], FormData] = read_workbook) -> Entry:
    """Read one file into an Entry; an unreadable file becomes an Entry saying why."""
    modified = _mtime(path)
    try:
        form = read(path)
    except ReadError as err:
        return Entry(path, Status.UNREADABLE, note=err.reason, modified=modified)
    except Exception as err:  # one strange file must not stop a district's whole run
        log = speed.write_log(f"{path}\n{traceback.format_exc()}")
        return Entry(path, Status.UNREADABLE, note=f"读取时发生意外错误（{type(err).__name__}），请把此文件报告给维护人员"
                     f"（错误详情已写入 {log}）", modified=modified)
    values = form.values
    entry = Entry(path, "", agency=text_of(values.get("cover.agency")),
                  credit_code=text_of(values.get("cover.credit_code")), year=year_of(values.get("cover.year")),
                  format_id=form.format_id, filled=date_of(values.get("cover.date")), modified=modified, form=form)
    if form.origin == MARKED:  # listed, never counted (a summary of ours is rolled up or left out: rollup)
        entry.status, entry.note, entry.form = Status.MARKED_COPY, MARKED_NOTE, None
    return entry


def read_judged(path: Path, read: Callable[..., FormData], validate: Callable[..., Report],
                last_year: PreviousIndex | None, final: bool = True) -> Entry:
    """Read one file with ``read(path, explanations=…)`` and judge it with ``validate(form, previous=…)``.

    ``final``: the judgement stands, so the 校验结果 sheet is read only when a warning fails
    (a 说明 there can only explain one); otherwise the 说明 are read at once, for a later judgement.
    """
    entry = read_entry(path, partial(read, explanations=not final))
    if entry.form is not None:
        judge(entry, validate, last_year)
        if final and entry.report.explainable:
            entry = read_entry(path, read)  # a 说明 may explain it: now read the 校验结果 sheet
            if entry.form is not None:
                judge(entry, validate, last_year)
    return entry


def judge(entry: Entry, validate: Callable[..., Report], last_year: PreviousIndex | None) -> None:
    """Judge a read entry against last year's figures of its agency (noting when there are none)."""
    previous = last_year.find(entry.agency, entry.credit_code) if last_year is not None else None
    entry.report = validate(entry.form, previous=previous)
    entry.report.findings.extend(previous_findings(entry.form, previous))
    entry.status = entry.report.status
    if last_year is not None and previous is None:
        entry.note = NO_PREVIOUS


def sums_and_top(fmt: Format, included: Sequence[Entry], top: int) -> tuple[dict, list[tuple[int, object]]]:
    """The sums of the included forms (``sums.sum_values``), and the ``top`` of them by new applications:
    (position, t3.new.total), by falling total, then name."""
    def new(entry: Entry):
        return number(entry.form.values.get("t3.new.total")) or 0

    ranked = sorted(range(len(included)), key=lambda i: (-new(included[i]), included[i].agency))
    return sum_values(fmt, [e.form for e in included]), [(i, new(included[i])) for i in ranked[:top]]


def _check_output(output: Path) -> None:
    if output.suffix.lower() != ".xlsx":
        raise WriteError(f"{output}：汇总表文件名必须以 .xlsx 结尾。")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise WriteError(f"{output}：文件夹“{folder}”不存在，无法写入汇总表。")
    if output.is_dir():
        raise WriteError(f"{output}：这是一个文件夹，无法作为汇总表文件。")


def _check_file_input(path: Path, what: str) -> None:
    try:
        check_input(path)
    except ReadError as err:
        raise XxgkError(f"{what}：{err}") from None


def _read_roster(roster: Path):
    from .roster import read_roster

    _check_file_input(Path(roster), "单位名单无法读取")
    try:
        return read_roster(Path(roster))
    except ReadError as err:
        raise XxgkError(f"单位名单无法读取：{err}") from None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
