"""Results printed as they arrive: a run over 10,000 workbooks never holds them all."""
from __future__ import annotations

import json
from typing import Callable, Iterable, Iterator, TypeVar

import click

T = TypeVar("T")


class Tally(Iterator[T]):
    """Passes results through, keeping only the worst exit code seen (``code_of`` judges one result)."""

    def __init__(self, results: Iterable[T], code_of: Callable[[T], int]):
        self._results = iter(results)
        self._code_of = code_of
        self.code = 0

    def __iter__(self) -> "Tally[T]":
        return self

    def __next__(self) -> T:
        result = next(self._results)
        self.code = max(self.code, self._code_of(result))
        return result


def echo_json_list(items: Iterable[dict]) -> None:
    """The text ``json.dumps(list(items), ensure_ascii=False, indent=2)`` gives, one item at a time."""
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        click.echo(("[\n  " if first else ",\n  ") + text, nl=False)
        first = False
    click.echo("[]" if first else "\n]")
