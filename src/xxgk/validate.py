"""Validating workbook files: read, run the rules, optionally write a marked copy.

The library behind ``xxgk validate``; it prints nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .catalogue import Status
from .errors import ReadError, XxgkError
from .fileio import fitted
from .model import CellError, FormData, Value
from .pathtext import readable
from .rules import Report, RuleSet
from .rules.previous_match import previous_findings


MARK_SUFFIX = "_校验标记"


@dataclass
class FileResult:
    path: Path
    report: Report | None = None
    error: XxgkError | None = None

    @property
    def status(self) -> Status:
        return Status.UNREADABLE if self.error else self.report.status


def read_form(path: str | Path, *, explanations: bool = True) -> FormData:
    from .readers import read_workbook  # imported late: the reader is the heavy part

    return read_workbook(path, explanations=explanations)


def check_file(path: str | Path, ruleset: RuleSet, previous: FormData | None = None) -> FileResult:
    """Read and judge one file carefully (the careful reader, the rule engine)."""
    return check_with(path, read_form, ruleset.validate, previous)


def check_with(path: str | Path, read: Callable[..., FormData], validate: Callable[..., Report],
               previous: FormData | None = None) -> FileResult:
    """Read one file with ``read(path, explanations=…)`` and judge it with ``validate(form, previous=…)``.

    The 校验结果 sheet (most of a saved workbook's bytes) is read only when a warning fails: a
    clerk's 说明 there can only mark a failing warning as explained, never change what fails.
    """
    path = Path(path)
    try:
        report = validate(read(path, explanations=False), previous=previous)
        if report.explainable:
            report = validate(read(path, explanations=True), previous=previous)
    except ReadError as err:
        return FileResult(path, error=err)
    report.findings.extend(previous_findings(report.form, previous))  # last year's form is not what it should be
    return FileResult(path, report=report)


def marked_copy_path(source: Path, output: Path | None) -> Path:
    """Beside the input as ``name_校验标记.xlsx``, or in/at ``output``.

    A name in GBK bytes (a zip from Chinese Windows) gives a copy named in readable text; a long
    name is shortened so the copy's name stays within the file-name limit.
    """
    tail = f"{MARK_SUFFIX}{source.suffix}"
    name = fitted(readable(source.stem), len(tail.encode("utf-8", "surrogateescape"))) + tail
    if output is None:
        return source.with_name(name)
    return output / name if output.is_dir() else output


def write_marked(result: FileResult, target: Path) -> None:
    from .writers.marked import write_marked_copy

    write_marked_copy(result.path, target, result.report.form, result.report.findings)


def result_dict(result: FileResult) -> dict:
    """A plain, JSON-ready account of one file."""
    if result.error:
        return {"file": readable(str(result.path)), "status": result.status, "error": str(result.error),
                "error_kind": getattr(result.error, "kind", "")}
    report, form = result.report, result.report.form
    return {
        "file": readable(str(result.path)), "status": result.status, "format": form.format_id,
        "agency": json_value(form.values.get("cover.agency")), "year": json_value(form.values.get("cover.year")),
        "errors": len(report.errors), "warnings": len(report.warnings), "explained": len(report.explained),
        "problems": list(form.problems),
        "findings": [finding_dict(f, form) for f in report.findings],
    }


def json_value(value: Value):
    """A cell value JSON can hold: an error value (#REF!) as its text."""
    return str(value) if isinstance(value, CellError) else value


def finding_dict(finding, form: FormData) -> dict:
    main = finding.cells[0] if finding.cells else ""
    return {
        "rule": finding.rule_id, "severity": finding.severity, "instance": finding.instance_id,
        "location": finding.location, "cell": form.addresses.get(main, ""), "key": main,
        "expected": finding.expected, "actual": finding.actual, "message": finding.message,
        "explained": finding.explained, "explanation": finding.explanation,
    }
