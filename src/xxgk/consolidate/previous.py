"""Last year's figures per agency, for the cross-year rules (跨年-结转, 跨年-突变, 跨年-相同).

``--previous`` is either last year's district summary (its 分单位明细 holds each
agency's figures) or a folder (or one file) of last year's agency workbooks.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReadError, XxgkError
from ..formats import get_format
from ..model import FormData, Value
from ..readers import detect_kind, read_workbook
from .discover import discover
from .identity import code_key, date_of, name_key, text_of, year_of
from .labels import COL_AGENCY, COL_CODE, COL_YEAR, SHEET_DETAIL


@dataclass
class PreviousIndex:
    """Last year's forms, found by credit code first, then by name."""

    source: Path
    by_code: dict[str, FormData] = field(default_factory=dict)
    by_name: dict[str, FormData] = field(default_factory=dict)
    unreadable: list[Path] = field(default_factory=list)

    def add(self, form: FormData) -> None:
        code = code_key(text_of(form.values.get("cover.credit_code")))
        name = name_key(text_of(form.values.get("cover.agency")))
        if code:
            self.by_code[code] = form
        if name:
            self.by_name[name] = form

    def find(self, agency: str, credit_code: str) -> FormData | None:
        code = code_key(credit_code)
        if code and code in self.by_code:
            return self.by_code[code]
        return self.by_name.get(name_key(agency))

    def __len__(self) -> int:
        return len({id(f) for f in (*self.by_code.values(), *self.by_name.values())})


def load_previous(path: Path, year: int) -> PreviousIndex:
    """Index last year's forms under ``path``; XxgkError when nothing there can be used."""
    path = Path(path)
    index = PreviousIndex(path)
    if path.is_dir():
        _index_folder(index, path, year)
    elif path.exists():
        _index_file(index, path)
    else:
        raise XxgkError(f"{path}：上年报表（--previous）不存在。")
    if not len(index):
        raise XxgkError(f"{path}：没有找到可读取的 {year - 1} 年度报表，无法进行跨年核对。")
    return index


def _index_folder(index: PreviousIndex, folder: Path, year: int) -> None:
    forms = []
    for file in discover([folder], sniff=detect_kind).files:
        try:
            form = read_workbook(file)
        except ReadError:
            index.unreadable.append(file)
            continue
        if year_of(form.values.get("cover.year")) == year - 1:
            forms.append((file, form))
    # oldest first, so the newest workbook of an agency is the one left in the index
    forms.sort(key=lambda item: (date_of(item[1].values.get("cover.date")) or dt.date.min, _mtime(item[0])))
    for _, form in forms:
        index.add(form)


def _index_file(index: PreviousIndex, file: Path) -> None:
    try:
        form = read_workbook(file)
    except ReadError as err:
        raise XxgkError(f"上年报表无法读取：{err}") from None
    agencies = detail_forms(file, form.format_id)
    if agencies is None:
        index.add(form)
    for agency in agencies or ():
        index.add(agency)


def detail_forms(summary: Path, format_id: str) -> list[FormData] | None:
    """Each agency's figures from a summary's 分单位明细, or None when the file has no such sheet.

    Called only after read_workbook accepted the file, so its zip passed the size limits.
    """
    from python_calamine import CalamineWorkbook  # the reader of our own summary's extra sheet

    try:
        workbook = CalamineWorkbook.from_path(str(summary))
        if SHEET_DETAIL not in workbook.sheet_names:
            return None
        rows = workbook.get_sheet_by_name(SHEET_DETAIL).to_python()
    except Exception as err:  # calamine raises its own types for broken parts
        raise XxgkError(f"{summary}：上年汇总表的“{SHEET_DETAIL}”无法读取（{err}）。") from None
    if not rows:
        return []
    fmt = get_format(format_id)
    key_of = {cell.label: key for key, cell in fmt.cells.items()}
    header = [str(h).strip() for h in rows[0]]
    forms = []
    for row in rows[1:]:
        record = dict(zip(header, (_cell(v) for v in row)))
        if not text_of(record.get(COL_AGENCY)):
            continue
        values = {key_of[h]: v for h, v in record.items() if h in key_of}
        values.update({"cover.agency": record.get(COL_AGENCY), "cover.credit_code": record.get(COL_CODE),
                       "cover.year": record.get(COL_YEAR)})
        forms.append(FormData(source=f"{summary}（{SHEET_DETAIL}：{text_of(record.get(COL_AGENCY))}）",
                              format_id=format_id, values=values))
    return forms


def _cell(value) -> Value:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value == "":
        return None
    return value if isinstance(value, (int, float, str)) else None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0

