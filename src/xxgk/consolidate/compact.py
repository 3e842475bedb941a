"""A form's values in little memory: one tuple in the format's key order, read like the dict it replaces.

A province's 10,000 forms (its agencies' figures, or last year's read from a
summary) held as dicts cost hundreds of megabytes; as tuples sharing one key
index per format, a fraction of that.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Iterator

from ..formats import get_format
from ..model import Value


@functools.lru_cache(maxsize=16)  # one per format: a handful
def key_index(format_id: str) -> dict[str, int]:
    """Each key of the format (cover fields, then cells) -> its position in a FrozenValues."""
    fmt = get_format(format_id)
    return {key: i for i, key in enumerate((*fmt.cover_fields, *fmt.cells))}


@functools.lru_cache(maxsize=16)
def format_keys(format_id: str) -> tuple[str, ...]:
    """The format's keys in order, as one tuple: a form's keys are compared with it in one go."""
    return tuple(key_index(format_id))


class FrozenValues(Mapping):
    """A form's values as one tuple in the format's key order; reads like the dict it replaces."""

    __slots__ = ("format_id", "cells")

    def __init__(self, format_id: str, cells: tuple):
        self.format_id = format_id
        self.cells = cells

    @classmethod
    def of(cls, format_id: str, values: Mapping[str, Value]) -> Mapping[str, Value]:
        """Compact when ``values`` has exactly the format's keys in its order, else ``values`` itself."""
        if tuple(values) != format_keys(format_id):
            return values
        return cls(format_id, tuple(values.values()))

    def __getitem__(self, key: str) -> Value:
        return self.cells[key_index(self.format_id)[key]]

    def get(self, key: str, default=None):
        position = key_index(self.format_id).get(key)
        return default if position is None else self.cells[position]

    def __iter__(self) -> Iterator[str]:
        return iter(key_index(self.format_id))

    def __len__(self) -> int:
        return len(self.cells)

    def __reduce__(self):
        return FrozenValues, (self.format_id, self.cells)
