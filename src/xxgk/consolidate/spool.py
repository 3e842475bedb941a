"""Each agency's figures kept on disk, not in memory, until the summary is written.

A worker sends a form's values already pickled (``Packed``: one bytes object,
cheap to pass through the pipe and never unpickled on arrival) together with
its 分单位明细 figure cells as XML (``detail_stream.figures_xml``). The summary
process appends both to two anonymous temporary files and keeps only their
offsets, so 10,000 agencies cost it a few hundred kilobytes of bookkeeping
rather than a few hundred megabytes of Python objects. The values are read
back twice, in file order: once for the sums and once for the detail rows.
"""
from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from collections.abc import Mapping
from typing import Iterator

from ..model import Value

BUFFER = 1024 * 1024


class Packed:
    """A form's values pickled in the worker, plus its detail figure cells (XML with placeholders)."""

    __slots__ = ("format_id", "blob", "figures")

    def __init__(self, format_id: str, blob: bytes, figures: bytes):
        self.format_id = format_id
        self.blob = blob
        self.figures = figures

    def __reduce__(self):
        return Packed, (self.format_id, self.blob, self.figures)

    def load(self) -> Mapping[str, Value]:
        return pickle.loads(self.blob)


class Spool:
    """Two append-only temporary files (values, detail figures) and where each record starts."""

    def __init__(self) -> None:
        # a large buffer: one system call per megabyte rather than one or two per agency
        self._values = tempfile.TemporaryFile(prefix="xxgk-values-", buffering=BUFFER)
        self._figures = tempfile.TemporaryFile(prefix="xxgk-detail-", buffering=BUFFER)
        self._ends = (array("q", [0]), array("q", [0]))  # record i spans ends[i] .. ends[i + 1]

    def add(self, packed: Packed) -> "SpooledValues":
        index = len(self._ends[0]) - 1
        for file, ends, data in ((self._values, self._ends[0], packed.blob),
                                 (self._figures, self._ends[1], packed.figures)):
            file.write(data)
            ends.append(ends[-1] + len(data))
        return SpooledValues(self, packed.format_id, index)

    def _read(self, which: int, index: int) -> bytes:
        file, ends = (self._values, self._figures)[which], self._ends[which]
        file.flush()
        start = ends[index]
        return os.pread(file.fileno(), ends[index + 1] - start, start)

    def blob(self, index: int) -> bytes:
        return self._read(0, index)

    def figures(self, index: int) -> bytes:
        return self._read(1, index)

    def close(self) -> None:
        self._values.close()
        self._figures.close()


class SpooledValues(Mapping):
    """A form's values, left in the spool; reads like the dict it stands for (each read unpickles them)."""

    __slots__ = ("spool", "format_id", "index")

    def __init__(self, spool: Spool, format_id: str, index: int):
        self.spool = spool
        self.format_id = format_id
        self.index = index

    def load(self) -> Mapping[str, Value]:
        return pickle.loads(self.spool.blob(self.index))

    def figures(self) -> bytes:
        return self.spool.figures(self.index)

    def __getitem__(self, key: str) -> Value:
        return self.load()[key]

    def get(self, key: str, default=None):
        return self.load().get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.load())

    def __len__(self) -> int:
        return len(self.load())

    def __reduce__(self):  # leaving the process: the values themselves travel
        return dict, (dict(self.load()),)


def loaded(values: Mapping[str, Value]) -> Mapping[str, Value]:
    """``values`` in memory: a SpooledValues read back, anything else as it is."""
    return values.load() if isinstance(values, (SpooledValues, Packed)) else values
