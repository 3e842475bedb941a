"""Reading a district's submissions for consolidation: in worker processes, kept small (speed layer).

Each worker reads a file (fast reader, careful fallback) and judges it (fast
rules, identical findings) as ``consolidate.read_judged`` does, then sends back
a ``Gathered``: the Entry's own fields, the form's findings and fields apart
from its values, the values pickled into one bytes object together with their
分单位明细 cells as XML, and the cell addresses and formula sets — the same for
every file made from one template — as tokens of content sent once per worker.
The summary process appends the pickled values to a spool on disk as they
arrive (``spool``), so 10,000 entries cost it a few megabytes, not gigabytes;
each Entry's form reads its values back from there (``spool.SpooledValues``).
"""
from __future__ import annotations

import dataclasses
import heapq
import itertools
import math
import os
import pickle
import sys
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ..formats import Format, get_format
from ..model import Finding, FormData, Value
from ..parallel import map_ordered, worker_state
from ..rules import Report, RuleSet
from .compact import FrozenValues
from .detail_stream import figures_xml
from .result import Entry
from .spool import Spool, loaded
from .sums import number, tidy

Progress = Callable[[int, int, Path], None]
SHARED_FIELDS = ("addresses", "formulas", "sheets")  # the same for every file of one template: sent once


@dataclasses.dataclass(slots=True)
class Gathered:
    """One file's Entry on its way from a worker to the summary process."""

    entry: Entry  # without its form and report
    form: dict | None = None  # the FormData's fields but its values and the shared ones
    shared: dict = dataclasses.field(default_factory=dict)  # field -> token of its content
    findings: list[Finding] = dataclasses.field(default_factory=list)
    values: bytes = b""  # pickled
    figures: bytes = b""  # 分单位明细 figure cells (detail_stream.figures_xml)


def read_entries(files: Sequence[Path], ruleset: RuleSet, progress: Progress | None,
                 spool: Spool | None = None, last_year=None, final: bool = True) -> list[Entry]:
    """One judged Entry per file, in order: judged against ``last_year`` (a previous.PreviousIndex) if given.

    ``final``: these judgements stand, so a file's 校验结果 sheet is read only when a warning fails
    (its 说明 can only explain one). When the caller judges again later, every file's 说明 are read.

    Each form's values are left in ``spool`` (a new one when not given) and read back from there.
    """
    spool = spool if spool is not None else Spool()
    shared: dict[tuple, object] = {}
    _SENT.clear()  # what an earlier run sent is not in this run's ``shared`` (and forked workers inherit it)
    entries, files = [], list(files)
    # map_ordered hands the workers one context object: here, the whole index of last year's agencies
    for done, (gathered, sent) in enumerate(map_ordered(partial(gather_one, final=final), files, ruleset, last_year),
                                            start=1):
        shared.update(sent)
        entry = arrived(gathered, spool, shared)
        entry.path = files[done - 1]  # the caller's Path, not a second copy of it per file
        entries.append(entry)
        if progress is not None:
            progress(done, len(files), entry.path)
    return entries


def arrived(gathered: Gathered, spool: Spool, shared: dict) -> Entry:
    """The Entry a worker gathered, its form's values in ``spool``."""
    entry = gathered.entry
    entry.format_id = sys.intern(entry.format_id)  # a few formats, shared by 10,000 entries
    if gathered.form is not None:
        fields = gathered.form
        values = spool.add(fields["format_id"], gathered.values, gathered.figures)
        content = {name: shared[token] for name, token in gathered.shared.items()}
        entry.form = FormData(**fields, **content, values=values)
        entry.report = Report(entry.form, gathered.findings)
    return entry


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


def gather_one(path: Path, final: bool = True) -> tuple[Gathered, dict]:
    """In a worker: read and judge one file (``read_judged``), made ready for the trip (and new shared content)."""
    from ..readers.fast import read_form_fast
    from ..rules.fastpath import validate_fast
    from . import read_judged

    ruleset, last_year = worker_state()
    entry = read_judged(path, read_form_fast, partial(validate_fast, ruleset), last_year, final)
    sent: dict = {}
    form, report = entry.form, entry.report
    entry.form = entry.report = None  # this worker's own Entry, sent without them
    gathered = Gathered(entry)
    if form is not None:
        gathered.form = {name: getattr(form, name) for name in _SENT_FIELDS}
        gathered.shared = {name: _token(getattr(form, name), sent) for name in SHARED_FIELDS}
        gathered.findings = report.findings
        gathered.values, gathered.figures = pack(form.format_id, form.values)
    return gathered, sent


_SENT_FIELDS = tuple(f.name for f in dataclasses.fields(FormData) if f.name not in (*SHARED_FIELDS, "values"))


def pack(format_id: str, values: Mapping[str, Value]) -> tuple[bytes, bytes]:
    """The values pickled, and their 分单位明细 figure cells, for the trip to the summary process."""
    compact = FrozenValues.of(format_id, values)
    try:
        fmt = get_format(format_id)
    except Exception:  # not a format of ours: never included, so never in 分单位明细
        return pickle.dumps(compact, pickle.HIGHEST_PROTOCOL), b""
    figures = compact.cells[len(fmt.cover_fields):] if isinstance(compact, FrozenValues) else compact
    return pickle.dumps(compact, pickle.HIGHEST_PROTOCOL), figures_xml(fmt, figures)


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
