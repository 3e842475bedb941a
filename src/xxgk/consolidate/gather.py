"""Reading a district's submissions for consolidation: in worker processes, kept small.

Each worker reads a file (fast reader, careful fallback) and judges it (fast
rules, identical findings), then sends back the Entry with its FormData made
compact: the values as one tuple in the format's key order (``FrozenValues``),
and the cell addresses and formula sets — the same for every file made from
one template — sent once per worker and shared by reference afterwards. So
10,000 entries cost the summary process a few tens of megabytes, not gigabytes.
"""
from __future__ import annotations

import itertools
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from ..formats import Format, get_format
from ..model import Value
from ..parallel import map_ordered, worker_state
from ..rules import RuleSet
from .result import Entry
from .sums import _tidy

Progress = Callable[[int, int, Path], None]
_KEY_INDEX: dict[str, dict[str, int]] = {}


def _index(format_id: str) -> dict[str, int]:
    if format_id not in _KEY_INDEX:
        fmt = get_format(format_id)
        _KEY_INDEX[format_id] = {key: i for i, key in enumerate((*fmt.cover_fields, *fmt.cells))}
    return _KEY_INDEX[format_id]


class FrozenValues(Mapping):
    """A form's values as one tuple in the format's key order; reads like the dict it replaces."""

    __slots__ = ("format_id", "cells")

    def __init__(self, format_id: str, cells: tuple):
        self.format_id = format_id
        self.cells = cells

    @classmethod
    def of(cls, format_id: str, values: Mapping[str, Value]) -> Mapping[str, Value]:
        """Compact when ``values`` has exactly the format's keys in its order, else ``values`` itself."""
        index = _index(format_id)
        if len(values) != len(index) or any(a != b for a, b in zip(values, index)):
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


def read_entries(files: Sequence[Path], ruleset: RuleSet, progress: Progress | None) -> list[Entry]:
    """One judged Entry per file, in order (``entry.report`` judged without last year's figures)."""
    shared: dict[tuple, object] = {}
    _SENT.clear()  # what an earlier run sent is not in this run's ``shared`` (and forked workers inherit it)
    entries = []
    for done, (entry, sent) in enumerate(map_ordered(_read_one, list(files), ruleset), start=1):
        shared.update(sent)
        if entry.form is not None:
            form = entry.form
            form.addresses = shared[form.addresses]
            form.formulas = shared[form.formulas]
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


def _read_one(path: Path) -> tuple[Entry, dict]:
    from ..readers.fast import read_form_fast
    from ..rules.fastpath import validate_fast
    from . import read_entry

    ruleset, _previous = worker_state()
    entry = read_entry(path, read_form_fast)
    sent: dict = {}
    if entry.form is not None:
        form = entry.form
        entry.report = validate_fast(ruleset, form)
        entry.status = entry.report.status
        form.values = FrozenValues.of(form.format_id, form.values)
        form.addresses = _token(form.addresses, sent)
        form.formulas = _token(form.formulas, sent)
    return entry, sent


def sum_forms(fmt: Format, forms: Iterable) -> dict[str, int | float]:
    """``sums.sum_values``, with the same additions in the same order, reading FrozenValues directly."""
    keys = tuple(fmt.cells)
    offset = len(fmt.cover_fields)
    totals: list = [0] * len(keys)
    for form in forms:
        values = form.values
        if isinstance(values, FrozenValues) and values.format_id == fmt.id:
            cells = values.cells[offset:]
        else:
            cells = tuple(values.get(key) for key in keys)
        for position, value in enumerate(cells):
            kind = type(value)
            if kind is int or (kind is float and math.isfinite(value)):
                totals[position] += value
    return {key: _tidy(total) for key, total in zip(keys, totals)}
