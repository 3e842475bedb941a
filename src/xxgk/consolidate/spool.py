"""Each agency's figures kept on disk, not in memory, until the summary is written (speed layer).

A worker sends a form's values already pickled (one bytes object, cheap to pass
through the pipe and never unpickled on arrival) together with its 分单位明细
figure cells as XML (``detail_stream.figures_xml``). The summary process appends
both to two anonymous temporary files and keeps only their offsets, so 10,000
agencies cost it a few hundred kilobytes of bookkeeping rather than a few
hundred megabytes of Python objects. The values are read back twice, in file
order: once for the sums and once for the detail rows; a form's values read key
by key are unpickled once (the last record read is kept).

Reading at an offset is ``os.pread`` where the system has it (a forked child may
read the same file meanwhile: pread moves no shared file position), else a seek
and a read (Windows, where no child is forked).
"""
from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from array import array
from collections.abc import Mapping
from typing import Iterator

from ..fileio import temp_write_failure
from ..model import Value

BUFFER = 1024 * 1024


class Spool:
    """Two append-only temporary files (values, detail figures) and where each record starts."""

    def __init__(self) -> None:
        # a large buffer: one system call per megabyte rather than one or two per agency
        self._files = (tempfile.TemporaryFile(prefix="xxgk-values-", buffering=BUFFER),
                       tempfile.TemporaryFile(prefix="xxgk-detail-", buffering=BUFFER))
        self._ends = (array("q", [0]), array("q", [0]))  # record i spans ends[i] .. ends[i + 1]
        self._last: tuple[int, Mapping[str, Value]] | None = None  # the record last unpickled
        self._moved = [False, False]  # a read (without pread) left the file position elsewhere

    def add(self, format_id: str, blob: bytes, figures: bytes) -> "SpooledValues":
        """Keep a form's pickled values and its detail figure cells; what reads them back is returned."""
        index = len(self._ends[0]) - 1
        for which, data in enumerate((blob, figures)):
            file, ends = self._files[which], self._ends[which]
            if self._moved[which]:
                file.seek(0, os.SEEK_END)
                self._moved[which] = False
            try:
                file.write(data)
            except OSError as err:  # the temporary folder's disk is full: say which folder
                self.close()  # its buffer dropped now, not reported as "Exception ignored" at exit
                raise temp_write_failure(err) from None
            ends.append(ends[-1] + len(data))
        return SpooledValues(self, format_id, index)

    def values(self, index: int) -> Mapping[str, Value]:
        if self._last is None or self._last[0] != index:
            self._last = (index, pickle.loads(self._read(0, index)))
        return self._last[1]

    def figures(self, index: int) -> bytes:
        return self._read(1, index)

    def _read(self, which: int, index: int) -> bytes:
        file, ends = self._files[which], self._ends[which]
        start, size = ends[index], ends[index + 1] - ends[index]
        try:
            file.flush()
        except OSError as err:
            self.close()
            raise temp_write_failure(err) from None
        if hasattr(os, "pread"):
            return os.pread(file.fileno(), size, start)
        self._moved[which] = True
        file.seek(start)
        return file.read(size)

    def close(self) -> None:
        """Closed by its owner: a buffer that cannot be written (a full disk) is dropped here, quietly,
        not reported later as an "Exception ignored" when the interpreter collects the file."""
        for file in self._files:
            with contextlib.suppress(OSError):
                file.close()


class SpooledValues(Mapping):
    """A form's values, left in the spool; reads like the dict it stands for."""

    __slots__ = ("spool", "format_id", "index")

    def __init__(self, spool: Spool, format_id: str, index: int):
        self.spool = spool
        self.format_id = format_id
        self.index = index

    def load(self) -> Mapping[str, Value]:
        return self.spool.values(self.index)

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
    return values.load() if isinstance(values, SpooledValues) else values
