"""Reading a filled report workbook (.xlsx / .xlsm) into FormData.

Every cell is found by its defined name, never by position; the file is read
straight from the zip with defusedxml, each needed sheet in one pass.
"""
from __future__ import annotations

import dataclasses
import functools
import os
import zipfile
from dataclasses import dataclass, field

from ..catalogue import ReadErrorKind, ReadMessage
from ..errors import ReadError
from ..formats import TEMPLATE_VERSION, Format, UnknownFormat, defined_name, get_format
from ..inputs import input_kind
from ..model import MAX_CHECKS, FormData, Value
from ..origin import origin_of
from .detect import WORKBOOK_KINDS, detect_kind, refused
from .names import NameTarget, broken_remark, missing_remark, name_map, range_remark
from .placement import check_placement
from .refs import Area
from .safezip import ZIP_FAILURES, SafeArchive
from .values import BadStringIndex, cell_value, recompute_totals, string_indexes
from .xmlparts import RawCell, WorkbookParts, read_workbook_part, scan_sheet, shared_strings, workbook_part

FORMAT_NAME = "xxgk_format"
VERSION_NAME = "xxgk_version"
CHECKS_NAME = "xxgk_checks"


@dataclass
class Plan:
    """Which cell of which sheet each key lives at; derived from the names alone."""

    areas: dict[str, Area] = field(default_factory=dict)  # key -> area of its cell
    problems: list[str] = field(default_factory=list)

    def positions(self) -> dict[str, set[tuple[int, int]]]:
        by_sheet: dict[str, set[tuple[int, int]]] = {}
        for area in self.areas.values():
            by_sheet.setdefault(area.sheet, set()).add((area.first_row, area.first_col))
        return by_sheet


def read_workbook(path: str | os.PathLike, *, explanations: bool = True) -> FormData:
    """Read a workbook made from the template; ReadError (Chinese, naming the file) otherwise.

    ``explanations=False`` leaves the 校验结果 sheet unread (its 说明 column is all it gives, and
    only a failing warning needs one): it is most of a saved workbook's bytes.
    """
    path = str(path)
    kind = detect_kind(path)
    if kind not in WORKBOOK_KINDS:
        raise refused(path, kind)
    with SafeArchive(path) as archive:
        return WorkbookReader(path, archive).read(explanations)


def workbook_origin(path: str | os.PathLike) -> str:
    """Whether ``path`` is one of our own outputs (xxgk.origin), reading its workbook part alone.

    Cheap and lenient (a summary's 分单位明细 may be beyond the reader's limits): "" for
    anything that is no readable workbook.
    """
    if input_kind(path) is not None:
        return ""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > WORKBOOK_PART_LIMIT:
                return ""
        with SafeArchive(path, check=False) as safe:
            parts = read_workbook_part(safe, info.filename)
    except (ReadError, *ZIP_FAILURES):
        return ""
    names = name_map(parts.names, parts.sheets)
    return origin_of({n: t.text for n, t in names.items()}, (sheet.name for sheet in parts.sheets))


WORKBOOK_PART_LIMIT = 8 * 1024 * 1024


class WorkbookReader:
    def __init__(self, path: str, archive: SafeArchive):
        self.path = path
        self.archive = archive
        member = workbook_part(archive)
        if member is None:
            raise self.damaged("缺少工作簿主体")
        self.parts: WorkbookParts = read_workbook_part(archive, member)
        self.names = name_map(self.parts.names, self.parts.sheets)
        self.sheet_parts = {s.name: s.part for s in self.parts.sheets}
        self.origin = origin_of({n: t.text for n, t in self.names.items()}, self.sheet_parts)
        self.check_area, self.check_remark = _bounded_checks(self.names.get(CHECKS_NAME))

    def damaged(self, detail: str) -> ReadError:
        return ReadMessage.DAMAGED_PARTS.error(self.path, detail=detail)

    def read(self, explanations: bool = True) -> FormData:
        fmt, version = self.marker()
        plan = self.plan(fmt)
        check_area = self.check_area if explanations else None
        raws = self.scan(plan, check_area)
        strings = self.strings(raws)
        values = {key: self.value(raws.get((a.sheet, a.first_row, a.first_col)), strings)
                  for key, a in plan.areas.items()}
        formulas = {key for key, a in plan.areas.items()
                    if (raw := raws.get((a.sheet, a.first_row, a.first_col))) and raw.formula}
        uncached = {key for key in formulas if key in fmt.cells and values.get(key) is None}
        recompute_totals(fmt, values, uncached)
        all_values = {key: values.get(key) for key in (*fmt.cover_fields, *fmt.cells)}
        return FormData(
            source=self.path, format_id=fmt.id, values=all_values, template_version=version,
            formulas=frozenset(formulas),
            explanations=self.explanations(check_area, raws, strings) if check_area else {},
            addresses={key: area.address for key, area in plan.areas.items()},
            problems=plan.problems, sheets=tuple(self.sheet_parts), origin=self.origin,
        )

    def marker(self) -> tuple[Format, str]:
        targets = {n: self.names.get(n) for n in (FORMAT_NAME, VERSION_NAME)}
        if targets[FORMAT_NAME] is None or targets[FORMAT_NAME].area is None:
            raise ReadErrorKind.NOT_TEMPLATE.error(self.path)
        marks = {n: marker_text(self.single(t)) for n, t in targets.items()}
        if not marks[FORMAT_NAME]:
            raise ReadErrorKind.NOT_TEMPLATE.error(self.path)
        try:
            fmt = get_format(marks[FORMAT_NAME])
        except UnknownFormat:
            raise ReadErrorKind.UNKNOWN_FORMAT.error(self.path, format=marks[FORMAT_NAME]) from None
        version = marks[VERSION_NAME]
        if version != TEMPLATE_VERSION:
            shown = f"“{version}”" if version else "未知"
            raise ReadErrorKind.OLD_TEMPLATE.error(self.path, shown=shown, version=TEMPLATE_VERSION)
        return fmt, version

    def single(self, target: NameTarget | None) -> Value:
        """The value of one named cell, read on its own (used for the marker)."""
        if target is None or target.area is None:
            return None
        area = target.area
        raws = self.scan_sheet(area.sheet, {(area.first_row, area.first_col)})
        raw = raws.get((area.first_row, area.first_col))
        return self.value(raw, self.strings({(area.sheet, area.first_row, area.first_col): raw} if raw else {}))

    def plan(self, fmt: Format) -> Plan:
        plan = Plan()
        labels = {key: f.label_full for key, f in fmt.cover_fields.items()}
        labels.update({key: cell.label for key, cell in fmt.cells.items()})
        for key, label in labels.items():
            name = defined_name(key)
            target = self.names.get(name.lower())
            if target is None:
                plan.problems.append(missing_remark(name, label))
            elif target.area is None:
                plan.problems.append(broken_remark(name, label, target.text))
            else:
                if not target.area.is_cell:
                    plan.problems.append(range_remark(name, label, target.text))
                plan.areas[key] = target.area
        placement = check_placement(plan.areas, template_positions(fmt.id), {k: defined_name(k) for k in labels},
                                    labels)
        for key, remark in placement.moved.items():  # pointed where the template has no such cell: not read
            del plan.areas[key]
            plan.problems.append(remark)
        plan.problems.extend(placement.shifted)
        if self.check_remark:
            plan.problems.append(self.check_remark)
        return plan

    def scan(self, plan: Plan, check_area: Area | None) -> dict[tuple[str, int, int], RawCell]:
        wanted = plan.positions()
        if check_area is not None:
            rows = range(check_area.first_row, check_area.last_row + 1)
            cols = {check_area.first_col, check_area.last_col}
            wanted.setdefault(check_area.sheet, set()).update((r, c) for r in rows for c in cols)
        raws: dict[tuple[str, int, int], RawCell] = {}
        for sheet, positions in wanted.items():
            for (row, col), raw in self.scan_sheet(sheet, positions).items():
                raws[(sheet, row, col)] = raw
        return raws

    def scan_sheet(self, sheet: str, positions: set[tuple[int, int]]) -> dict[tuple[int, int], RawCell]:
        member = self.sheet_parts.get(sheet)
        if not member:
            raise self.damaged(f"工作表“{sheet}”的内容缺失")
        return scan_sheet(self.archive, member, positions)

    def strings(self, raws: dict) -> dict[int, str]:
        indexes = string_indexes(raws)
        if not indexes:
            return {}
        if self.parts.shared_strings is None:
            raise self.damaged("缺少共享字符串表")
        return shared_strings(self.archive, self.parts.shared_strings, indexes)

    def value(self, raw: RawCell | None, strings: dict[int, str]) -> Value:
        try:
            return cell_value(raw, strings)
        except BadStringIndex:
            raise self.damaged("单元格引用了不存在的共享字符串") from None

    def explanations(self, area: Area, raws: dict, strings: dict[int, str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for row in range(area.first_row, area.last_row + 1):
            instance = cell_text(self.value(raws.get((area.sheet, row, area.first_col)), strings))
            note = cell_text(self.value(raws.get((area.sheet, row, area.last_col)), strings))
            if instance.strip() and note.strip() and area.first_col != area.last_col:
                found[instance.strip()] = note
        return found


@functools.lru_cache(maxsize=None)
def template_positions(format_id: str) -> dict[str, tuple[str, int, int]]:
    """key -> (sheet, row, column), 1-based, where the template puts each named cell."""
    from ..template import cell_positions  # the template builder's own layout: imported when first needed

    return {key: (pos.sheet, pos.row + 1, pos.col + 1) for key, pos in cell_positions(get_format(format_id)).items()}


def _bounded_checks(target: NameTarget | None) -> tuple[Area | None, str]:
    """The 校验结果 area (xxgk_checks) to read, no taller than the template ever makes it, and a remark
    when it had to be cut (a name stretched over a whole sheet costs minutes and gigabytes)."""
    area = target.area if target is not None else None
    if area is None or area.last_row - area.first_row < MAX_CHECKS:
        return area, ""
    bounded = dataclasses.replace(area, last_row=area.first_row + MAX_CHECKS - 1)
    return bounded, (f"单元格名称 {CHECKS_NAME} 指向的范围（{target.text}）远大于模板的校验结果区域，"
                     f"只读取其中前 {MAX_CHECKS} 行的说明；工作簿可能被改动过")


def cell_text(value: Value) -> str:
    if value is None or isinstance(value, bool):
        return ""
    return str(value)


def marker_text(value: Value) -> str:
    """Marker cells may have been turned into numbers (2021, 1.0) by a spreadsheet; compare as text."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return cell_text(value).strip()
