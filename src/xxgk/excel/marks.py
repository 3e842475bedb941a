"""What a click changes, worked out before any Excel call: colours, notes and the 校验报告 rows.

Pure: findings and the workbook's cell map in, plain plans out. The colours,
levels, headers and note lines are the marked-copy writer's (writers/marked.py),
so a marked copy and a marked live workbook look the same.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from ..catalogue import Level
from ..formats import get_format
from ..model import Finding, FormData
from ..readers.refs import column_letters, parse_cell, quote_sheet
from ..template.styles import INPUT_FILL, TOTAL_FILL
from ..writers.presentation import FILL_COLOURS, HEADERS, LEVELS, REPORT_SHEET, comment_line, level
from .live import Cell, LiveWorkbook

MARKS_HEADER = "标记单元格"  # extra last column: every cell a finding coloured, read back by 清除标记
REPORT_HEADERS = (*HEADERS, MARKS_HEADER)
COLOURS = {name: "#" + rgb for name, rgb in FILL_COLOURS.items()}
MAX_ADDRESS = 255  # Excel refuses longer multi-area addresses in Range()
EMPTY_REPORT = (("校验报告",), ("点击封面上的“校验”按钮后，这里列出每个问题及其单元格；“清除标记”恢复原样。",))


@dataclass
class SheetMarks:
    """Everything one click changes on one sheet."""

    colours: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # colour -> A1 cells
    notes: dict[str, str] = field(default_factory=dict)  # A1 -> note text to write
    renotes: set[str] = field(default_factory=set)  # A1 cells whose old note of ours is rewritten
    unnotes: list[str] = field(default_factory=list)  # A1 cells whose note of ours is removed


def a1(row: int, col: int) -> str:
    return f"{column_letters(col)}{row}"


def address_text(cell: Cell) -> str:
    sheet, row, col = cell
    return f"{sheet}!{a1(row, col)}"


def parse_address(text: str) -> Cell | None:
    sheet, _, coordinate = text.strip().rpartition("!")
    position = parse_cell(coordinate) if sheet else None
    return (sheet, *position) if position else None


def original_colours(live: LiveWorkbook) -> dict[Cell, str]:
    """The fill each form cell has in the template: derived from the format, as the template builds it."""
    fmt = get_format(live.base.format_id)
    return {cell: TOTAL_FILL if key in fmt.cells and fmt.cells[key].is_total else INPUT_FILL
            for key, cell in live.cells.items()}


def marked_cells(live: LiveWorkbook, findings: Sequence[Finding]) -> dict[Cell, list[Finding]]:
    hits: dict[Cell, list[Finding]] = defaultdict(list)
    for finding in findings:
        for key in dict.fromkeys(finding.cells):
            if key in live.cells:
                hits[live.cells[key]].append(finding)
    return hits


def plan_marks(live: LiveWorkbook, findings: Sequence[Finding], previous: Iterable[Cell]) -> dict[str, SheetMarks]:
    """Per sheet: undo last click's marks that no longer apply, then colour and note every hit cell."""
    plans: dict[str, SheetMarks] = defaultdict(SheetMarks)
    hits = marked_cells(live, findings)
    originals = original_colours(live)
    previous = set(previous)
    for cell in previous - set(hits):
        sheet, row, col = cell
        plans[sheet].unnotes.append(a1(row, col))
        if cell in originals:
            plans[sheet].colours[originals[cell]].append(a1(row, col))
    strongest = list(COLOURS)
    for cell, found in hits.items():
        sheet, row, col = cell
        colour = COLOURS[min((level(f) for f in found), key=strongest.index)]
        plans[sheet].colours[colour].append(a1(row, col))
        plans[sheet].notes[a1(row, col)] = note_text(found)
        if cell in previous:
            plans[sheet].renotes.add(a1(row, col))
    return dict(plans)


def plan_clear(live: LiveWorkbook, previous: Iterable[Cell]) -> dict[str, SheetMarks]:
    """Per sheet: the template's own fills back and our notes gone."""
    return plan_marks(live, (), previous)


def note_text(findings: Sequence[Finding]) -> str:
    return "\n".join(comment_line(f) for f in dict.fromkeys(findings))


def address_groups(cells: Sequence[str]) -> list[str]:
    """Comma-joined multi-area addresses, each under Excel's 255-character limit."""
    groups, current = [], ""
    for cell in cells:
        candidate = f"{current},{cell}" if current else cell
        if len(candidate) > MAX_ADDRESS:
            groups.append(current)
            candidate = cell
        current = candidate
    return groups + ([current] if current else [])


def summary_message(findings: Sequence[Finding]) -> str:
    """The message box text: 发现 3 处错误、1 处警告 / 校验通过."""
    counts = defaultdict(int)
    for finding in findings:
        counts[level(finding)] += 1
    parts = [f"{counts[shown]} 处{shown.label}" for shown in (Level.ERROR, Level.WARNING) if counts[shown]]
    explained = f"（另有 {counts['explained']} 处警告已说明）" if counts["explained"] else ""
    if not parts:
        return "校验通过" + explained
    return "发现 " + "、".join(parts) + explained + "。\n彩色单元格带有批注，问题清单见“校验报告”工作表。"


def text(value: object) -> str:
    """Text that Excel stores as typed text, never as a formula, number or date: a leading apostrophe."""
    return "'" + str(value if value is not None else "")


def report_rows(form: FormData, findings: Sequence[Finding], live: LiveWorkbook) -> list[list[Any]]:
    """The 校验报告 sheet as rows, laid out as the marked-copy writer lays it out, plus 标记单元格."""
    counts = defaultdict(int)
    for finding in findings:
        counts[level(finding)] += 1
    rows: list[list[Any]] = [
        [text(f"校验报告：{form.source}")],
        [text(f"错误 {counts['error']} 项，待核实警告 {counts['warning']} 项，已说明警告 {counts['explained']} 项。"
              "彩色单元格带有批注，点击“单元格”一列可跳转。")],
    ]
    rows += [[text("读取提示"), text(problem)] for problem in form.problems]
    rows += [[], [text(h) for h in REPORT_HEADERS]]
    for number, finding in enumerate(findings, start=1):
        rows.append(_finding_row(number, finding, live))
    return rows


def _finding_row(number: int, finding: Finding, live: LiveWorkbook) -> list[Any]:
    main = live.cells.get(finding.cells[0]) if finding.cells else None
    marked = [address_text(live.cells[k]) for k in dict.fromkeys(finding.cells) if k in live.cells]
    return [number, text(finding.rule_id), text(LEVELS[level(finding)]), text(finding.location),
            hyperlink(main) if main else None, text(finding.message), text(finding.expected),
            text(finding.actual), text(finding.explanation), text(" ".join(marked))]


def hyperlink(cell: Cell) -> str:
    """A HYPERLINK formula to ``cell``, built only from the sheet name and our own A1 text."""
    sheet, row, col = cell
    target = f"#{quote_sheet(sheet)}!{a1(row, col)}".replace('"', '""')
    shown = address_text(cell).replace('"', '""')
    return f'=HYPERLINK("{target}","{shown}")'


def previous_marks(grid: Sequence[Sequence[Any]] | None) -> list[Cell]:
    """Cells the last 校验 marked, read back from the 标记单元格 column of the 校验报告 sheet."""
    if not grid:
        return []
    rows = [list(row) if isinstance(row, (list, tuple)) else [row] for row in grid]
    header = next((i for i, row in enumerate(rows) if MARKS_HEADER in row), None)
    if header is None:
        return []
    column = rows[header].index(MARKS_HEADER)
    found: dict[Cell, None] = {}
    for row in rows[header + 1:]:
        value = row[column] if column < len(row) else None
        for piece in str(value or "").split():
            cell = parse_address(piece)
            if cell is not None:
                found[cell] = None
    return list(found)


def padded(rows: list[list[Any]], height: int, width: int = len(REPORT_HEADERS)) -> list[list[Any]]:
    """``rows`` as a full rectangle of at least ``height`` rows, so one write also blanks old lines."""
    rectangle = [list(row) + [None] * (width - len(row)) for row in rows]
    rectangle += [[None] * width for _ in range(max(0, height - len(rectangle)))]
    return rectangle


def empty_report() -> list[list[Any]]:
    return [list(row) for row in EMPTY_REPORT]


__all__ = ["REPORT_SHEET", "REPORT_HEADERS", "COLOURS", "SheetMarks", "plan_marks", "plan_clear", "report_rows",
           "previous_marks", "summary_message", "address_groups", "padded", "empty_report", "original_colours"]
