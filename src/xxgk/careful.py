"""The careful pipeline: every file through the careful reader and the rule engine, in this process,
and the summary through XlsxWriter's public calls alone. The authority the speed layer must equal."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Sequence

from .formats import Format
from .model import FormData, LiveCheck
from .rules import Report, RuleSet
from .speed import Progress
from .validate import FileResult, check_file


class CarefulPipeline:
    name = "careful"

    def check_files(self, paths: Sequence[Path], ruleset: RuleSet,
                    previous: FormData | None) -> Iterator[FileResult]:
        return (check_file(Path(path), ruleset, previous) for path in paths)

    def read_entries(self, files: Sequence[Path], ruleset: RuleSet, progress: Progress | None, last_year,
                     final: bool) -> list:
        from .consolidate import read_judged
        from .readers import read_workbook

        entries = []
        for done, path in enumerate(files, start=1):
            entries.append(read_judged(path, read_workbook, ruleset.validate, last_year, final))
            if progress is not None:
                progress(done, len(files), path)
        return entries

    def validate(self, ruleset: RuleSet, form: FormData, previous: FormData | None = None) -> Report:
        return ruleset.validate(form, previous=previous)

    def fold(self, fmt: Format, included: Sequence, top: int) -> tuple[dict, list[tuple[int, object]]]:
        from .consolidate import sums_and_top

        return sums_and_top(fmt, included, top)

    def write_summary(self, result, fmt: Format, sums: dict, top: Sequence, checks: Sequence[LiveCheck],
                      roster_given: bool) -> bytes | None:
        from .consolidate.build import write_summary

        return write_summary(result, fmt, sums, top, checks, roster_given)
