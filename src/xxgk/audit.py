"""Auditing published reports: import each one, run the rules, optionally write workbooks.

The library behind ``xxgk audit``; it prints nothing. A report is judged as published
(published.py): blanks read as 0, noted once; a blank total hiding its parts is a
finding; cells the tables' equalities fix are derived. Its findings are the rule
findings, those blank totals, one 导入-缺失 warning per row the import could not place,
and the importer's narrative and year warnings.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Sequence

from .catalogue import FindingKind, ReadErrorKind, ReadMessage
from .errors import ReadError, XxgkError
from .fileio import fitted
from .formats import Format, get_format
from .importer import ImportResult, import_report
from .importer.narrative import check_statements
from .model import Finding, LiveCheck
from .published import Published, published_form
from .pathtext import readable
from .rules import Report, RuleSet, live_checks_for
from .validate import FileResult, finding_dict, marked_copy_path, result_dict

REPORT_SUFFIXES = (".txt", ".docx", ".html", ".htm", ".pdf")
MISSING_RULE = FindingKind.IMPORT_MISSING
NO_TABLES = ReadErrorKind.NO_TABLES.template
_SKIPPED_PREFIXES = (".", "~$")  # hidden files and Office lock files
TARGET_TAIL = len("_9999.xlsx")  # bytes a workbook's name may add to the report's stem


@dataclass
class AuditResult(FileResult):
    imported: ImportResult | None = None
    published: Published | None = None  # the figures as judged (blanks as 0, derived cells)
    workbook: Path | None = None  # the imported workbook, when written
    marked: Path | None = None  # its marked copy, when written
    write_error: str = ""  # why the workbook could not be written (Chinese)


def find_reports(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[AuditResult]]:
    """Files to audit (folders searched recursively), and a result for each folder holding none."""
    files: list[Path] = []
    empty: list[AuditResult] = []
    for path in map(Path, paths):
        if not path.is_dir():
            files.append(path)  # missing or odd files are refused by the importer, in Chinese
            continue
        # a link to nowhere or a FIFO named like a report is taken: the importer refuses it by name
        found = sorted(p for p in path.rglob("*") if not p.is_dir() and p.suffix.lower() in REPORT_SUFFIXES
                       and not p.name.startswith(_SKIPPED_PREFIXES))
        if not found:
            kinds = " ".join(REPORT_SUFFIXES)
            empty.append(AuditResult(path, error=ReadMessage.FOLDER_EMPTY.error(path, suffixes=kinds)))
        files.extend(found)
    return list(dict.fromkeys(files)), empty


def audit_report(path: str | os.PathLike, ruleset: RuleSet, format_id: str | None = None) -> AuditResult:
    path = Path(path)
    try:
        imported = import_report(path, format_id=format_id)
    except XxgkError as err:
        wrapped = err if isinstance(err, ReadError) else ReadError(str(path), ReadErrorKind.IMPORT, str(err))
        return AuditResult(path, error=wrapped)
    except Exception as err:  # noqa: BLE001 -- one odd file must not end a batch of hundreds
        return AuditResult(path, error=ReadErrorKind.FAILED.error(path, kind=type(err).__name__))
    if not holds_tables(imported):
        return AuditResult(path, error=ReadErrorKind.NO_TABLES.error(path))
    published = published_form(imported, ruleset)
    form = published.form
    form.problems.extend(published.notes)
    missing = set(published.missing)
    # A cell the import could not place is one 导入-缺失 finding per row, not one 数值 finding per cell.
    judged = [_with_derived(f, published) for f in ruleset.validate(form).findings
              if not (f.cells and set(f.cells) <= missing)]
    known = {k: v for k, v in form.values.items() if k not in missing}  # a statement on a cell not imported: skipped
    narrative = imported.year_findings + check_statements(imported.statements, get_format(form.format_id), known)
    findings = judged + published.findings + missing_findings(imported, published.missing) + narrative
    return AuditResult(path, report=Report(form, findings), imported=imported, published=published)


def _with_derived(finding: Finding, published: Published) -> Finding:
    derived = [k for k in finding.cells if k in published.derived]
    if not derived:
        return finding
    return replace(finding, message=f"{finding.message}（其中 {len(derived)} 格为推算值，原文未印）")


def holds_tables(imported: ImportResult) -> bool:
    """A row of the form was found with its cells: figures, or blanks (a table of nothing but blanks)."""
    return bool(placed_figures(imported) or imported.blanks)


def placed_figures(imported: ImportResult) -> int:
    """Table cells given a figure (printed blanks not counted)."""
    cells = get_format(imported.format_id).cells
    return sum(1 for key, value in imported.values.items() if key in cells and value is not None)


def missing_findings(imported: ImportResult, missing: Sequence[str] | None = None) -> list[Finding]:
    """One warning per row (or cover field) whose figures the import could not place: check by hand."""
    fmt = get_format(imported.format_id)
    findings = []
    for label, keys in cell_rows(imported.missing if missing is None else missing, fmt):
        row = keys[0] if keys[0] in fmt.cover_fields else keys[0].rsplit(".", 1)[0]  # cover.year; t3.new
        findings.append(Finding(
            rule_id=MISSING_RULE, severity="warning", instance_id=f"{MISSING_RULE}@{row}",
            message=MISSING_RULE.message(count=len(keys)),
            cells=tuple(keys), location=label, actual="未导入"))
    return findings


def describe_cells(keys: Sequence[str], fmt: Format) -> list[str]:
    """Cells by row, in the form's order: a whole row once, else its columns by label."""
    return [label for label, _ in cell_rows(keys, fmt)]


def cell_rows(keys: Sequence[str], fmt: Format) -> list[tuple[str, list[str]]]:
    """(label, keys) per row of the form holding any of ``keys``; cover fields one by one."""
    wanted = set(keys)
    rows = [(fmt.cover_fields[k].label_full, [k]) for k in fmt.cover_fields if k in wanted]
    grouped: dict[tuple[str, str], list] = {}
    for key, cell in fmt.cells.items():
        if key in wanted:
            grouped.setdefault((cell.table.key, cell.row.key), []).append(cell)
    for cells in grouped.values():
        first = cells[0]
        row_size = sum(1 for c in fmt.cells.values() if c.table is first.table and c.row is first.row)
        row_label = first.label.split(" × ")[0]
        if len(cells) == row_size and len(cells) > 1:
            label = f"{row_label}（整行 {len(cells)} 格）"
        else:
            label = row_label + " × " + "、".join(c.label.split(" × ", 1)[1] for c in cells)
        rows.append((label, [c.key for c in cells]))
    return rows


class WorkbookWriter:
    """Writes each audited report's workbook and marked copy into one folder, names kept apart."""

    def __init__(self, folder: Path, ruleset: RuleSet):
        self.folder = folder
        self.ruleset = ruleset
        self.used: set[str] = set()
        self._checks: dict[str, list[LiveCheck]] = {}

    def write(self, result: AuditResult) -> None:
        from .importer.workbook import write_import_workbook
        from .readers import read_workbook
        from .writers.marked import write_marked_copy

        imported = result.imported
        target = self._target(result.path)
        write_import_workbook(imported, target, self.live_checks(imported.format_id), result.report.form.values)
        result.workbook = target
        written = read_workbook(target)  # its addresses are the workbook's cells, for marking
        result.marked = marked_copy_path(target, self.folder)
        write_marked_copy(target, result.marked, written, result.report.findings)
        result.report.form.problems.append(f"已写入工作簿：{target}；标记副本：{result.marked}")

    def live_checks(self, format_id: str) -> list[LiveCheck]:
        if format_id not in self._checks:
            self._checks[format_id] = live_checks_for(get_format(format_id), self.ruleset)
        return self._checks[format_id]

    def _target(self, report: Path) -> Path:
        """stem.xlsx; a second report of the same stem gets its type added, then a number."""
        stem = fitted(readable(report.stem), TARGET_TAIL)  # a GBK name from a zip gives readable text
        candidates = [stem, f"{stem}_{report.suffix.lstrip('.')}"]
        candidates += [f"{stem}_{n}" for n in range(2, 10_000)]
        name = next(c for c in candidates if c.lower() not in self.used)
        self.used.add(name.lower())
        return self.folder / f"{name}.xlsx"


def audit_dict(result: AuditResult) -> dict:
    """JSON-ready: validate's account of the file plus where agency, year and format were found,
    the tables found, what the import placed, left out, read as 0 or derived, and its notes."""
    data = result_dict(result)
    if result.imported is not None:
        imported, form, published = result.imported, result.report.form, result.published
        fmt = get_format(imported.format_id)
        data["problems"] = list(imported.problems)
        data["notes"] = list(published.notes)
        data["found"] = {key: {"source": s.source, "where": s.where, "text": s.text}
                         for key, s in imported.found.items()}
        data["tables"] = [f"表{fmt.table(key).number}" for key in imported.tables]
        data["import"] = {
            "placed": len([k for k in imported.values if k in fmt.cells]),
            "missing": [_key_dict(k, form) for k in published.missing],
            "blanks": [_key_dict(k, form) for k in imported.blanks],
            "derived": [{**_key_dict(k, form), "value": form.values.get(k), "by": by}
                        for k, by in published.derived.items()],
            "narrative": [finding_dict(f, form) for f in result.report.findings if f.rule_id.startswith("叙述")],
        }
    if result.workbook is not None:
        data["workbook"], data["marked"] = str(result.workbook), str(result.marked)
    if result.write_error:
        data["write_error"] = result.write_error
    return data


def _key_dict(key: str, form) -> dict:
    fmt = get_format(form.format_id)
    label = fmt.cells[key].label if key in fmt.cells else fmt.cover_fields[key].label_full
    return {"key": key, "label": label, "where": form.addresses.get(key, "")}
