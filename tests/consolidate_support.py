"""Fixtures for the consolidation tests: sample submission folders built with the project's own
template builder, and independent ways to look at workbooks (openpyxl, never xxgk's reader)."""
from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from xxgk.catalogue import Status
from xxgk.demo import DISTRICT, SampleFile, write_roster, write_sample_folder
from xxgk.formats import get_format
from xxgk.samples import agency_values, fill_totals, table_values
from xxgk.template import build_workbook

YEAR = 2025
INCLUDED = (Status.PASSED, Status.ERRORS, Status.WARNINGS, Status.EXPLAINED)
HOSTILE = ('=HYPERLINK("http://x","y")', "+1", "@SUM(1)")
NAME_PREFIX = "xxgk_"
COVER_NAMES = ("xxgk_cover_",)


@dataclass
class Submissions:
    folder: Path
    files: list[SampleFile]  # every file 报送情况 must list, with its expected status
    skipped: list[Path]  # files in the folder that are no submission
    roster: Path

    def expected(self) -> dict[str, str]:
        return {f.path.name: f.expected_status for f in self.files}

    def included(self) -> list[SampleFile]:
        return [f for f in self.files if f.expected_status in INCLUDED]


def build(path: Path, agency: str, seed: int, year: int = YEAR, format_id: str = "2021", **overrides) -> Path:
    fmt = get_format(format_id)
    values = {**agency_values(fmt, agency, year, seed), **overrides}
    build_workbook(path, fmt, values=values)
    return path


def named_values(path: Path) -> dict[str, object]:
    """Defined name -> cached value, read with openpyxl (data_only): what Excel would show.

    openpyxl's read-only mode, each sheet read once up to its last named cell: a third cheaper than a
    full load, and the same values (a name pointing at a missing sheet raises KeyError as before).
    """
    with open(path, "rb") as stream:  # a stream: openpyxl refuses names without .xlsx (附件1)
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        try:
            return _named_cells(workbook)
        finally:
            workbook.close()


def _named_cells(workbook) -> dict[str, object]:
    wanted: dict[str, dict[tuple[int, int], str]] = {}
    for name, definition in workbook.defined_names.items():
        destinations = list(definition.destinations)
        if name.startswith(NAME_PREFIX) and len(destinations) == 1 and ":" not in destinations[0][1]:
            sheet, ref = destinations[0]
            column, row = coordinate_from_string(ref.replace("$", ""))
            wanted.setdefault(sheet, {})[(row, column_index_from_string(column))] = name
    found = {}
    for sheet, cells in wanted.items():
        for row in workbook[sheet].iter_rows(max_row=max(row for row, _ in cells)):
            for cell in row:  # an empty cell has no row or column
                name = cells.get((getattr(cell, "row", None), getattr(cell, "column", None)))
                if name is not None:
                    found[name] = cell.value
        found.update({name: None for name in cells.values() if name not in found})
    return {name: found[name] for sheet in wanted.values() for name in sheet.values()}


def named_texts(source: Path, sheets: dict[str, list[list[str]]]) -> dict[str, str]:
    """Defined name -> its cell's text as LibreOffice computed it: ``sheets`` is libreoffice.sheet_texts of
    ``source`` (CSV of every sheet; a cell beyond a sheet's last row or column is empty)."""
    with open(source, "rb") as stream:
        workbook = openpyxl.load_workbook(stream, read_only=True)
        try:
            definitions = [(name, list(definition.destinations)) for name, definition in workbook.defined_names.items()]
        finally:
            workbook.close()
    found = {}
    for name, destinations in definitions:
        if name.startswith(NAME_PREFIX) and len(destinations) == 1 and ":" not in destinations[0][1]:
            sheet, ref = destinations[0]
            column, row = coordinate_from_string(ref.replace("$", ""))
            cells = sheets[sheet][row - 1] if row <= len(sheets[sheet]) else []
            index = column_index_from_string(column) - 1
            found[name] = cells[index] if index < len(cells) else ""
    return found


def table_names(values: dict) -> dict[str, object]:
    return {k: v for k, v in values.items() if k.startswith("xxgk_t")}


def independent_sums(paths: list[Path]) -> dict[str, float]:
    sums: dict[str, float] = {}
    for path in paths:
        for name, value in table_names(named_values(path)).items():
            number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
            sums[name] = sums.get(name, 0) + number
    return sums


def sheet_rows(path: Path, sheet: str) -> list[tuple]:
    """One sheet's cell values, row by row, through openpyxl's read-only mode: the other sheets (a summary's
    校验结果, 分单位明细 …) are never parsed, about a quarter of the cost of a full load."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(row) for row in workbook[sheet].iter_rows(values_only=True)]
    finally:
        workbook.close()


def write_submissions(folder: Path) -> Submissions:
    """The demo's sample folder plus every awkward case a district office meets."""
    files = list(write_sample_folder(folder, YEAR, live_checks=False))
    # hostile agency names: must stay text everywhere
    for i, name in enumerate(HOSTILE):
        path = build(folder / f"hostile_{i}.xlsx", name, 500 + i)
        files.append(SampleFile(path, name, Status.PASSED))
    # a workbook whose file name itself looks like a formula
    files.append(SampleFile(build(folder / "=1+2.xlsx", "示例区商务局", 510), "示例区商务局", Status.PASSED))
    # the same credit code under a new name (a renamed agency, or a code copied from a colleague):
    # not merged, both counted, each warned about the other (issue 17); the roster's old name is covered
    first = openpyxl.load_workbook(files[2].path, data_only=True)
    (sheet, ref), = first.defined_names["xxgk_cover_credit_code"].destinations
    code = first[sheet][ref.replace("$", "")].value
    renamed = build(folder / "教育局更名后.xlsx", "示例区教育体育局", 511,
                    **{"cover.credit_code": code, "cover.date": f"{YEAR + 1}-01-29"})
    old_status = files[2].expected_status
    files[2] = SampleFile(files[2].path, files[2].agency,
                          old_status if old_status == Status.ERRORS else Status.WARNINGS)
    files.append(SampleFile(renamed, "示例区教育体育局", Status.WARNINGS))
    # in a sub-folder; and a workbook without an extension, as a mail client saves attachments
    (folder / "补报").mkdir()
    files.append(SampleFile(build(folder / "补报" / "示例区审计局.xlsx", "示例区审计局", 512), "示例区审计局", Status.PASSED))
    files.append(SampleFile(build(folder / "附件1", "示例区应急管理局", 513), "示例区应急管理局", Status.PASSED))
    # not workbooks, though named like one
    fake = folder / "示例区统计局.xlsx"
    fake.write_text("单位名称,年度\n示例区统计局,2025\n", encoding="utf-8")
    files.append(SampleFile(fake, "", Status.UNREADABLE))
    csv = folder / "示例区城市管理局.csv"
    csv.write_text("单位名称,年度\n示例区城市管理局,2025\n", encoding="utf-8")
    files.append(SampleFile(csv, "", Status.UNREADABLE))
    # noise and non-submissions
    (folder / "~$02_示例区发展和改革局.xlsx").write_bytes(b"lock")
    shutil.copy(files[1].path, folder / ".hidden.xlsx")
    text = folder / "报告正文.docx"
    text.write_text("not a workbook", encoding="utf-8")
    roster = folder.parent / "名单.csv"
    agencies = [f.agency for f in files if f.agency]
    write_roster(roster, list(dict.fromkeys(agencies)))
    return Submissions(folder, files, [text], roster)


def balanced_values(seed: int) -> dict:
    return table_values(get_format("2021"), random.Random(seed))


def following_year(last: dict, seed: int) -> dict:
    """Balanced figures for the next year whose 上年结转 equals ``last``'s 结转下年度, column by column."""
    fmt = get_format("2021")
    values = table_values(fmt, random.Random(seed))
    outcomes = fmt.group("t3", "outcomes")
    for column in fmt.group("t3", "applicants"):
        carried = last[f"t3.carry_next.{column}"]
        handled = sum(values[f"t3.{row}.{column}"] for row in outcomes)
        new = handled + values[f"t3.carry_next.{column}"] - carried
        if new < 0:
            values[f"t3.carry_next.{column}"] -= new
            new = 0
        values[f"t3.carried.{column}"] = carried
        values[f"t3.new.{column}"] = new
    return fill_totals(fmt, values)


def roster_rows(path: Path, rows: list[list[str]], encoding="utf-8-sig") -> Path:
    if path.suffix == ".xlsx":
        workbook = openpyxl.Workbook()
        for row in rows:
            workbook.active.append(row)
        workbook.save(path)
    else:
        path.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n", encoding=encoding)
    return path


__all__ = ["DISTRICT", "YEAR", "HOSTILE", "INCLUDED", "Submissions", "build", "named_values", "table_names",
           "independent_sums", "sheet_rows", "write_submissions", "balanced_values", "following_year", "roster_rows"]
