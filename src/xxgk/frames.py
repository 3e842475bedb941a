"""Data for analysts: workbooks and summaries as tidy pandas DataFrames.

One row per agency and figure (``tidy.COLUMNS``): agency, credit_code,
district, year, format, table, table_label, row_key, row_label, column_key,
column_label, value (a float; NaN where the cell holds no number), text (what
such a cell held instead), file. The key and label columns are categoricals:
their values come from the format description.

    >>> import xxgk
    >>> forms = xxgk.read_forms(["报送/"])              # every agency workbook in the folder
    >>> forms.pivot_table("value", "agency", "row_label", aggfunc="sum")
    >>> city = xxgk.read_summary("市汇总.xlsx")          # each agency of a summary, with its 区
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import pandas as pd

from .catalogue import ReadErrorKind
from .errors import ReadError, XxgkError
from .model import FormData
from .tidy import COLUMNS, Source, rows

CATEGORIES = ("format", "table", "table_label", "row_key", "row_label", "column_key", "column_label", "district")


class XxgkWarning(UserWarning):
    """A file left out of a DataFrame, and why (in Chinese)."""


def read_forms(paths: str | Path | Sequence[str | Path], *, errors: str = "warn") -> pd.DataFrame:
    """Every report under ``paths`` (files and folders, searched as consolidation does) as a long table.

    A district summary among them stands for its agencies (each with its 区).
    A file that cannot be read is left out with an ``XxgkWarning`` naming it and
    the reason (``errors="warn"``), or raises ``ReadError`` (``errors="raise"``).
    """
    if errors not in ("warn", "raise"):
        raise ValueError('errors must be "warn" or "raise"')
    from .consolidate.discover import discover
    from .readers import detect_kind

    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    found = discover([Path(p) for p in items], sniff=detect_kind)
    if found.missing:
        raise XxgkError(f"{found.missing[0]}：文件或文件夹不存在。")
    return frame(table for path in found.files for table in _file_rows(path, errors))


def read_summary(path: str | Path, *, detail: bool = True) -> pd.DataFrame:
    """A summary as a long table: each agency of its 分单位明细 (``detail``), or its own totals as one
    agency named after its cover (``detail=False``). ReadError when the file is no summary of ours."""
    path = Path(path)
    form, table = _summary_parts(path)
    if not detail:
        for _row in table:  # started, so that closing it removes its temporary copy now
            break
        table.close()
        return frame(rows(_source(form, path), form.values))
    return frame(_agency_rows(path, form, table))


def frame(table: Iterable[tuple]) -> pd.DataFrame:
    """The DataFrame of long-table rows, with tidy dtypes."""
    data = pd.DataFrame.from_records(list(table), columns=list(COLUMNS))
    data["value"] = pd.to_numeric(data["value"], errors="coerce").astype("float64")
    data["year"] = pd.to_numeric(data["year"], errors="coerce").astype("Int64")
    for column in CATEGORIES:
        data[column] = data[column].astype("category")
    return data


def _file_rows(path: Path, errors: str) -> Iterator[tuple]:
    from .consolidate.previous_summary import detail_part
    from .readers import read_workbook

    try:
        if detail_part(path) is not None:  # a summary: its 分单位明细 may be beyond one part's limit
            yield from list(_agency_rows(path, *_summary_parts(path)))  # whole: a damaged detail is caught here
        else:
            form = read_workbook(path)
            yield from rows(_source(form, path), form.values)
    except ReadError as err:
        if errors == "raise":
            raise
        warnings.warn(str(err), XxgkWarning, stacklevel=3)


def _summary_parts(path: Path) -> tuple[FormData, Iterator[list]]:
    """The summary's own form and its 分单位明细 rows; ReadError when the file is no summary of ours."""
    from .consolidate.previous_summary import detail_part, read_summary as summary_parts
    from .consolidate.rollup import is_summary

    member = detail_part(path)
    form, table = summary_parts(path, member) if member is not None else (None, iter(()))
    if not is_summary(form):
        raise ReadErrorKind.NOT_SUMMARY.error(path)
    return form, table


def _agency_rows(path: Path, form: FormData, table: Iterator[list]) -> Iterator[tuple]:
    from .consolidate.previous import detail_rows

    for agency, district in detail_rows(path, form.format_id, table):
        yield from rows(_source(agency, path, district), agency.values)


def _source(form: FormData, path: Path, district: str = "") -> Source:
    from .consolidate.identity import text_of, year_of

    values = form.values
    return Source(text_of(values.get("cover.agency")), text_of(values.get("cover.credit_code")), district,
                  year_of(values.get("cover.year")), form.format_id, path.name)
