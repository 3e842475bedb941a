"""Last year's figures per agency, for the cross-year rules (跨年-结转, 跨年-突变, 跨年-相同).

``--previous`` is either last year's district summary (its 分单位明细 holds each
agency's figures) or a folder (or one file) of last year's agency workbooks.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from ..errors import ReadError, XxgkError
from ..formats import get_format
from ..inputs import check_input
from ..model import FormData, Value
from ..readers import detect_kind, read_workbook
from .discover import discover
from .compact import FrozenValues
from .previous_summary import detail_part, read_summary
from .identity import code_key, date_of, name_key, text_of, year_of
from .labels import COL_AGENCY, COL_CODE, COL_DISTRICT, COL_YEAR, SHEET_DETAIL


@dataclass
class PreviousIndex:
    """Last year's forms, found by credit code first, then by name."""

    source: Path
    by_code: dict[str, FormData] = field(default_factory=dict)
    by_name: dict[str, FormData] = field(default_factory=dict)
    unreadable: list[Path] = field(default_factory=list)
    districts: dict[int, str] = field(default_factory=dict)  # id(form) -> 区, for a summary's rolled-up agencies

    def add(self, form: FormData, district: str = "") -> None:
        code = code_key(text_of(form.values.get("cover.credit_code")))
        name = name_key(text_of(form.values.get("cover.agency")))
        if code:
            self.by_code[code] = form
        if name:
            self.by_name[name] = form
        if district:
            self.districts[id(form)] = district

    def district_of(self, form: FormData) -> str:
        return self.districts.get(id(form), "")

    def find(self, agency: str, credit_code: str) -> FormData | None:
        code = code_key(credit_code)
        if code and code in self.by_code:
            return self.by_code[code]
        return self.by_name.get(name_key(agency))

    def forms(self) -> list[FormData]:
        """Each agency's form once."""
        return list({id(f): f for f in (*self.by_code.values(), *self.by_name.values())}.values())

    def __len__(self) -> int:
        return len(self.forms())


def load_previous(path: Path, year: int | None) -> PreviousIndex:
    """Index last year's forms under ``path``; XxgkError when nothing there can be used.

    ``year`` (this report year) picks last year's workbooks out of a folder; a
    single file (last year's summary, or one workbook) is taken whatever its year.
    """
    path = Path(path)
    index = PreviousIndex(path)
    if path.is_dir():
        _index_folder(index, path, year)
    else:
        try:
            check_input(path)  # a FIFO, device or link loop is never opened
        except ReadError as err:
            raise XxgkError(f"上年报表（--previous）无法读取：{err}") from None
        _index_file(index, path)
    if not len(index):
        which = f" {year - 1} 年度" if year is not None else "上年"
        raise XxgkError(f"{path}：没有找到可读取的{which}报表，无法进行跨年核对。")
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
    member = detail_part(file)
    try:
        if member is None:
            index.add(read_workbook(file))
            return
        form, rows = read_summary(file, member)  # a summary: its 分单位明细 may be beyond one part's limit
        for agency, district in detail_rows(file, form.format_id, rows):
            index.add(agency, district)
    except ReadError as err:
        raise XxgkError(f"上年报表无法读取：{err}") from None


def detail_forms(summary: Path, format_id: str, rows: Iterable[list]) -> Iterator[FormData]:
    """Each agency's figures from the rows of a summary's 分单位明细 (header first), one by one."""
    return (form for form, _district in detail_rows(summary, format_id, rows))


def detail_rows(summary: Path, format_id: str, rows: Iterable[list]) -> Iterator[tuple[FormData, str]]:
    """Each agency's figures and 区 (blank in a district's own summary) from a summary's 分单位明细."""
    rows = iter(rows)
    header = [text_of(h) for h in next(rows, [])]
    fmt = get_format(format_id)
    key_of = {cell.label: key for key, cell in fmt.cells.items()}
    columns = [(i, key_of[h]) for i, h in enumerate(header) if h in key_of]
    fixed = {name: header.index(name) for name in (COL_AGENCY, COL_CODE, COL_YEAR, COL_DISTRICT) if name in header}
    for row in rows:
        def at(column: int | None) -> Value:
            return _cell(row[column]) if column is not None and column < len(row) else None

        agency = at(fixed.get(COL_AGENCY))
        if not text_of(agency):
            continue
        values = {key: at(i) for i, key in columns}
        values.update({"cover.agency": agency, "cover.credit_code": at(fixed.get(COL_CODE)),
                       "cover.year": at(fixed.get(COL_YEAR))})
        yield (FormData(source=f"{summary}（{SHEET_DETAIL}：{text_of(agency)}）", format_id=format_id,
                        values=_compact(format_id, values)), text_of(at(fixed.get(COL_DISTRICT))))


def _compact(format_id: str, values: dict) -> Mapping[str, Value]:
    """The values as one tuple in the format's order (a province of last year's agencies in little memory)."""
    fmt = get_format(format_id)
    return FrozenValues.of(format_id, {key: values.get(key) for key in (*fmt.cover_fields, *fmt.cells)})


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

