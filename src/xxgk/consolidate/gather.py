"""Reading a district's submissions for consolidation: in worker processes, kept small.

Each worker reads a file (fast reader, careful fallback) and judges it (fast
rules, identical findings), then sends back the Entry with its FormData made
compact: the values pickled into one bytes object together with their
分单位明细 cells as XML (``spool.Packed``), and the cell addresses and formula
sets — the same for every file made from one template — sent once per worker
and shared by reference afterwards. The summary process appends the packed
values to a spool on disk as they arrive and keeps only where they are, so
10,000 entries cost it a few megabytes, not gigabytes.
"""
from __future__ import annotations

import functools
import heapq
import itertools
import math
import os
import pickle
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from ..formats import Format, get_format
from ..model import Value
from ..parallel import map_ordered, worker_state
from ..rules import RuleSet
from .detail_stream import figures_xml
from .result import Entry
from .spool import Packed, Spool, loaded
from .sums import tidy, number

Progress = Callable[[int, int, Path], None]
_KEY_INDEX: dict[str, dict[str, int]] = {}


def _index(format_id: str) -> dict[str, int]:
    if format_id not in _KEY_INDEX:
        fmt = get_format(format_id)
        _KEY_INDEX[format_id] = {key: i for i, key in enumerate((*fmt.cover_fields, *fmt.cells))}
    return _KEY_INDEX[format_id]


@functools.lru_cache(maxsize=None)
def _keys(format_id: str) -> tuple[str, ...]:
    """The format's keys in order, as one tuple: a form's keys are compared with it in one go."""
    return tuple(_index(format_id))


class FrozenValues(Mapping):
    """A form's values as one tuple in the format's key order; reads like the dict it replaces."""

    __slots__ = ("format_id", "cells")

    def __init__(self, format_id: str, cells: tuple):
        self.format_id = format_id
        self.cells = cells

    @classmethod
    def of(cls, format_id: str, values: Mapping[str, Value]) -> Mapping[str, Value]:
        """Compact when ``values`` has exactly the format's keys in its order, else ``values`` itself."""
        if tuple(values) != _keys(format_id):
            return values
        return cls(format_id, tuple(values.values()))

    def __getitem__(self, key: str) -> Value:
        return self.cells[_index(self.format_id)[key]]

    def get(self, key: str, default=None):
        position = _index(self.format_id).get(key)
        return default if position is None else self.cells[position]

    def __iter__(self) -> Iterator[str]:
        return iter(_index(self.format_id))

    def __len__(self) -> int:
        return len(self.cells)

    def __reduce__(self):
        return FrozenValues, (self.format_id, self.cells)


def read_entries(files: Sequence[Path], ruleset: RuleSet, progress: Progress | None,
                 spool: Spool | None = None, last_year=None, final: bool = True) -> list[Entry]:
    """One judged Entry per file, in order: judged against ``last_year`` (a previous.PreviousIndex) if given.

    ``final``: these judgements stand, so a file's 校验结果 sheet is read only when a warning fails
    (its 说明 can only explain one). When the caller judges again later, every file's 说明 are read.

    Each form's values are left in ``spool`` (a new one when not given): ``form.values``
    is a SpooledValues, read back from disk when used.
    """
    spool = spool if spool is not None else Spool()
    shared: dict[tuple, object] = {}
    _SENT.clear()  # what an earlier run sent is not in this run's ``shared`` (and forked workers inherit it)
    entries, files = [], list(files)
    # map_ordered hands the workers one context object: here, the whole index of last year's agencies
    reader = _read_one if final else _read_one_with_notes
    for done, (entry, sent) in enumerate(map_ordered(reader, files, ruleset, last_year), start=1):
        shared.update(sent)
        entry.path = files[done - 1]  # the caller's Path, not a second copy of it per file
        entry.status = sys.intern(entry.status)  # a few statuses and formats, shared by 10,000 entries
        entry.format_id = sys.intern(entry.format_id)
        if entry.form is not None:
            form = entry.form
            form.addresses = shared[form.addresses]
            form.formulas = shared[form.formulas]
            form.sheets = shared[form.sheets]
            form.values = spool.add(form.values)
        entries.append(entry)
        if progress is not None:
            progress(done, len(files), entry.path)
    return entries


_SENT: list[tuple[object, tuple]] = []  # in a worker: (content, token) already sent to the parent
_TOKENS = itertools.count()


def _token(content, sent: dict) -> tuple:
    for known, token in _SENT:
        if known == content:
            return token
    token = (os.getpid(), next(_TOKENS))
    _SENT.append((content, token))
    del _SENT[:-8]
    sent[token] = content
    return token


def _read_one(path: Path, notes_always: bool = False) -> tuple[Entry, dict]:
    from ..readers.fast import read_form_fast
    from . import judge, read_entry

    ruleset, last_year = worker_state()
    entry = read_entry(path, functools.partial(read_form_fast, explanations=notes_always))
    if entry.form is not None:
        judge(entry, ruleset, last_year)
        if not notes_always and entry.report.explainable:
            entry = read_entry(path, read_form_fast)  # a 说明 may explain it: now read the 校验结果 sheet
            if entry.form is not None:
                judge(entry, ruleset, last_year)
    sent: dict = {}
    if entry.form is not None:
        form = entry.form
        form.values = pack(form.format_id, form.values)
        form.addresses = _token(form.addresses, sent)
        form.formulas = _token(form.formulas, sent)
        form.sheets = _token(form.sheets, sent)
    return entry, sent


def _read_one_with_notes(path: Path) -> tuple[Entry, dict]:
    return _read_one(path, notes_always=True)


def pack(format_id: str, values: Mapping[str, Value]) -> Packed:
    """The values pickled, with their 分单位明细 figure cells, for the trip to the summary process."""
    compact = FrozenValues.of(format_id, values)
    try:
        fmt = get_format(format_id)
    except Exception:  # not a format of ours: never included, so never in 分单位明细
        return Packed(format_id, pickle.dumps(compact, pickle.HIGHEST_PROTOCOL), b"")
    figures = compact.cells[len(fmt.cover_fields):] if isinstance(compact, FrozenValues) else compact
    return Packed(format_id, pickle.dumps(compact, pickle.HIGHEST_PROTOCOL), figures_xml(fmt, figures))


def sum_forms(fmt: Format, forms: Iterable) -> dict[str, int | float]:
    """``sums.sum_values``, with the same additions in the same order, reading FrozenValues directly."""
    return fold(fmt, ((form, "") for form in forms), 0)[0]


def fold(fmt: Format, named_forms: Iterable[tuple[object, str]], top: int) -> tuple[dict, list[tuple[int, object]]]:
    """The sums of the forms and the ``top`` forms by new applications, in one pass.

    ``named_forms`` are (form, agency name) pairs; the top list holds (position,
    t3.new.total) in the order ``sorted`` by (falling total, name) gives, kept as
    a bounded heap so a province costs no more than a county.
    """
    keys = tuple(fmt.cells)
    offset = len(fmt.cover_fields)
    new_total = keys.index("t3.new.total") if "t3.new.total" in keys else None
    totals: list = [0] * len(keys)
    heap: list = []
    batch: list = []
    for position, (form, name) in enumerate(named_forms):
        values = loaded(form.values)
        if isinstance(values, FrozenValues) and values.format_id == fmt.id:
            cells = values.cells[offset:]
        else:
            cells = tuple(values.get(key) for key in keys)
        batch.append(cells)
        if len(batch) == BATCH:
            _add(totals, batch)
            batch.clear()
        if top:
            new = (number(cells[new_total]) if new_total is not None else None) or 0
            item = _Largest((-new, name, position))
            (heapq.heappush if len(heap) < top else heapq.heappushpop)(heap, item)
    _add(totals, batch)
    ranked = sorted(item.key for item in heap)
    return {key: tidy(total) for key, total in zip(keys, totals)}, [(p, -v) for v, _name, p in ranked]


BATCH = 512  # forms added column by column at once


def _add(totals: list, rows: list[Sequence]) -> None:
    """Add the numbers of ``rows`` (forms' cells) to ``totals``, in row order within each column.

    A column of whole numbers added to a whole total is one ``sum()``: exact, so
    the order cannot matter. Any other column goes value by value, as floats must.
    """
    for position, column in enumerate(zip(*rows)):
        if type(totals[position]) is int and set(map(type, column)) == _WHOLE:
            totals[position] += sum(column)
            continue
        for value in column:
            kind = type(value)
            if kind is int or (kind is float and math.isfinite(value)):
                totals[position] += value


_WHOLE = {int}


class _Largest:
    """Heap item ordered backwards, so ``heapq`` (a min-heap) keeps the smallest keys."""

    __slots__ = ("key",)

    def __init__(self, key: tuple):
        self.key = key

    def __lt__(self, other: "_Largest") -> bool:
        return self.key > other.key
