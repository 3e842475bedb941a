"""The built template, opened with openpyxl: labels, names, locks, protection, validation, marker."""
from __future__ import annotations

import re

import pytest

from xxgk.formats import FORMATS, TEMPLATE_VERSION, Kind, defined_name, get_format

from template_support import build, load, merged_value, names, position, sum_refs, walk_labels

SHEETS = ["封面", "表二", "表三", "表四", "校验结果", "填报说明", "_xxgk"]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module", params=sorted(FORMATS))
def built(request, tmp_path_factory):
    fmt = get_format(request.param)
    path = build(tmp_path_factory.mktemp(f"wb{fmt.id}"), fmt.id)
    workbook = load(path)
    return fmt, workbook, names(workbook)


def _data_cells(fmt, found) -> dict[str, set]:
    by_sheet: dict[str, set] = {}
    for cell in fmt.cells.values():
        sheet, coordinate = found[cell.name]
        by_sheet.setdefault(sheet, set()).add(position(coordinate))
    return by_sheet


def test_sheets_in_order_and_marker_hidden(built):
    fmt, workbook, found = built
    assert workbook.sheetnames == SHEETS
    assert workbook["_xxgk"].sheet_state == "hidden"
    assert all(workbook[s].sheet_state == "visible" for s in SHEETS[:-1])
    for name, expected in (("xxgk_format", fmt.id), ("xxgk_version", TEMPLATE_VERSION)):
        sheet, coordinate = found[name]
        assert sheet == "_xxgk"
        assert workbook[sheet][coordinate].value == int(expected)  # numbers: see _write_marker


def test_every_cell_named_under_its_row_and_column_labels(built):
    fmt, workbook, found = built
    data = _data_cells(fmt, found)
    for key, cell in fmt.cells.items():
        assert cell.name == defined_name(key) and cell.name in found, key
        sheet_name, coordinate = found[cell.name]
        assert sheet_name == f"表{cell.table.number}"
        sheet = workbook[sheet_name]
        row, col = position(coordinate)
        above = walk_labels(sheet, row, col, (-1, 0), data[sheet_name])
        left = walk_labels(sheet, row, col, (0, -1), data[sheet_name])
        if cell.table.wide:
            heads = (*cell.row.path, cell.row.label, cell.column.label)
            rows = ()
        else:
            heads = tuple(filter(None, (cell.block.label, cell.block.header))) + cell.column.path \
                + (cell.column.label,)
            rows = (*cell.row.path, cell.row.label)
        assert tuple(above[-len(heads):]) == heads, f"{key}: headers above are {above}"
        assert tuple(left) == rows, f"{key}: labels to the left are {left}"


def test_table_titles_notes_and_corners(built):
    fmt, workbook, _ = built
    for table in fmt.tables:
        sheet = workbook[f"表{table.number}"]
        texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
        assert sheet["A1"].value == table.title
        if table.note:
            assert sheet["A2"].value == table.note
        corners = [b.corner for b in table.blocks if b.corner]
        assert texts.count(CORNER := "信息内容") >= len([c for c in corners if c == CORNER])


def test_cover_fields_labelled_named_and_validated(built):
    fmt, workbook, found = built
    sheet = workbook["封面"]
    assert "政府信息公开工作年度报告" in sheet["A1"].value
    assert fmt.document in sheet["A2"].value and fmt.id in sheet["A2"].value
    validations = _validations(sheet)
    for cover_field in fmt.cover:
        sheet_name, coordinate = found[cover_field.name]
        assert sheet_name == "封面"
        row, col = position(coordinate)
        assert sheet.cell(row, col - 1).value == cover_field.label
        assert sheet.cell(row, col).protection.locked is False
        assert sheet.cell(row, col).value is None
        rule = validations[coordinate]
        assert CJK.search(rule.prompt or ""), f"{cover_field.key}: no Chinese prompt"
    year = validations[found["xxgk_cover_year"][1]]
    # OOXML: an absent operator means "between"
    assert (year.type, year.operator or "between", year.formula1, year.formula2) == ("whole", "between", "2000", "2100")
    assert CJK.search(year.error)


def test_locks_inputs_open_totals_and_labels_locked(built):
    fmt, workbook, found = built
    named = _data_cells(fmt, found)
    for key, cell in fmt.cells.items():
        sheet_name, coordinate = found[cell.name]
        target = workbook[sheet_name][coordinate]
        assert target.protection.locked is cell.is_total, key
        if cell.is_total:
            assert target.font.b and target.fill.fgColor.rgb.endswith("D9D9D9"), key
        else:
            assert target.value == 0 and target.fill.fgColor.rgb.endswith("FFF2CC"), key
    for sheet_name, cells in named.items():
        for row in workbook[sheet_name].iter_rows():
            for c in row:
                if isinstance(c.value, str) and (c.row, c.column) not in cells:
                    assert c.protection.locked, f"label {sheet_name}!{c.coordinate} unlocked"


def test_totals_are_sums_of_their_parts(built):
    fmt, workbook, found = built
    for key, cell in fmt.cells.items():
        if not cell.is_total:
            continue
        sheet_name, coordinate = found[cell.name]
        formula = workbook[sheet_name][coordinate].value
        parts = [position(found[fmt.cells[p].name][1]) for p in cell.total_of]
        assert all(found[fmt.cells[p].name][0] == sheet_name for p in cell.total_of)
        assert sorted(sum_refs(formula)) == sorted(parts), f"{key}: {formula}"


def test_protection_of_sheets_and_structure(built):
    _, workbook, _ = built
    assert workbook.security is not None and workbook.security.lockStructure
    for sheet in workbook.worksheets:
        protection = sheet.protection
        assert protection.sheet, sheet.title
        assert not protection.password, sheet.title
        # openpyxl: True means the action is forbidden
        assert not protection.selectLockedCells and not protection.selectUnlockedCells
        assert protection.formatCells and protection.insertRows and protection.deleteRows


EXPECTED_RULES = {
    Kind.COUNT: ("whole", "greaterThanOrEqual", "0"),
    Kind.SIGNED: ("whole", "between", None),
    Kind.WAN: ("decimal", "greaterThanOrEqual", "0"),
    Kind.MONEY: ("decimal", "greaterThanOrEqual", "0"),
}


def _validations(sheet) -> dict:
    found = {}
    for rule in sheet.data_validations.dataValidation:
        for cell_range in rule.sqref.ranges:
            for row in range(cell_range.min_row, cell_range.max_row + 1):
                for col in range(cell_range.min_col, cell_range.max_col + 1):
                    assert sheet.cell(row, col).coordinate not in found, "two validations on one cell"
                    found[sheet.cell(row, col).coordinate] = rule
    return found


def test_every_input_validated_with_chinese_prompt_and_error(built):
    fmt, workbook, found = built
    per_sheet = {name: _validations(workbook[name]) for name in SHEETS[1:4]}
    for key, cell in fmt.cells.items():
        sheet_name, coordinate = found[cell.name]
        rule = per_sheet[sheet_name].get(coordinate)
        if cell.is_total:
            assert rule is None, f"{key}: a total needs no validation"
            continue
        kind, operator, formula1 = EXPECTED_RULES[cell.kind]
        assert (rule.type, rule.operator or "between") == (kind, operator), key
        if formula1 is not None:
            assert rule.formula1 == formula1, key
        else:
            assert int(rule.formula1) < 0 < int(rule.formula2), key
        assert rule.showInputMessage and rule.showErrorMessage and rule.errorStyle in (None, "stop")
        assert CJK.search(rule.prompt) and CJK.search(rule.promptTitle) and CJK.search(rule.error), key
        assert cell.row.label in rule.prompt or cell.column.label in rule.prompt, key


def test_print_setup(built):
    fmt, workbook, _ = built
    for name in SHEETS[:-1]:
        sheet = workbook[name]
        assert sheet.page_setup.paperSize in (9, "9"), name
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, name
        # OOXML default for an absent fitToWidth is 1
        assert int(sheet.page_setup.fitToWidth or 1) == 1 and int(sheet.page_setup.fitToHeight) == 0, name
    assert workbook["表四"].page_setup.orientation == "landscape"
    for table in fmt.tables:
        assert workbook[f"表{table.number}"].print_title_rows, table.key


def test_labels_fit_their_column_widths(built):
    """Every wrapped label gets a row tall enough for its text (CJK counts double width)."""
    fmt, workbook, _ = built
    for table in fmt.tables:
        sheet = workbook[f"表{table.number}"]
        for merged in sheet.merged_cells.ranges:
            text = sheet.cell(merged.min_row, merged.min_col).value
            if not isinstance(text, str) or merged.max_col == merged.min_col and merged.max_row > merged.min_row:
                continue
            width = sum(_width(sheet, c) for c in range(merged.min_col, merged.max_col + 1))
            units = sum(2 if CJK.match(ch) or ch in "（）“”、，：" else 1 for ch in text)
            height = sum(sheet.row_dimensions[r].height or 15 for r in range(merged.min_row, merged.max_row + 1))
            assert height >= 14 * -(-units // int(width)), f"{sheet.title}: '{text}' does not fit"
        assert merged_value(sheet, 1, 1) == table.title


def _width(sheet, col: int) -> float:
    for dimension in sheet.column_dimensions.values():
        if dimension.min and dimension.min <= col <= dimension.max and dimension.width:
            return dimension.width
    return 8.43
