"""The speed layer's pipeline: what ``careful.CarefulPipeline`` does, faster, with the same results.

Files are read by the fast reader (the careful one whenever it declines) and
judged by the generated rules (the engine for anything they cannot clear), in
worker processes when there are many (``parallel``); consolidation keeps each
agency's figures on disk (``consolidate.gather``, ``spool``) and streams the
summary's long sheets into the file (``consolidate.streamed``). Reached only
through ``speed.pipeline``; deleting this layer leaves the careful pipeline.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Sequence

from .formats import Format
from .model import FormData, LiveCheck
from .parallel import check_files
from .rules import Report, RuleSet
from .rules.fastpath import validate_fast
from .speed import Progress
from .validate import FileResult


class FastPipeline:
    name = "fast"

    def check_files(self, paths: Sequence[Path], ruleset: RuleSet,
                    previous: FormData | None) -> Iterator[FileResult]:
        return check_files(paths, ruleset, previous)

    def read_entries(self, files: Sequence[Path], ruleset: RuleSet, progress: Progress | None, last_year,
                     final: bool) -> list:
        from .consolidate.gather import read_entries  # imported late: validate has no use for consolidation
        from .consolidate.spool import Spool

        return read_entries(files, ruleset, progress, Spool(), last_year, final)

    def validate(self, ruleset: RuleSet, form: FormData, previous: FormData | None = None) -> Report:
        return validate_fast(ruleset, form, previous=previous)

    def fold(self, fmt: Format, included: Sequence, top: int) -> tuple[dict, list[tuple[int, object]]]:
        from .consolidate.gather import fold

        return fold(fmt, ((entry.form, entry.agency) for entry in included), top)

    def write_summary(self, result, fmt: Format, sums: dict, top: Sequence, checks: Sequence[LiveCheck],
                      roster_given: bool) -> bytes | None:
        from .consolidate.build import write_summary
        from .consolidate.streamed import StreamedSheets, write_streamed

        return write_summary(result, fmt, sums, top, checks, roster_given, StreamedSheets, write_streamed)
