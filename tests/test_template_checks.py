"""The 校验结果 sheet and the red/amber conditional formats, opened with openpyxl."""
from __future__ import annotations

import re

import pytest

from xxgk.catalogue import CheckStatus, Level
from xxgk.formats import FORMATS, get_format

from template_support import build, load, names, rule_checks

HYPERLINK = re.compile(r'^=HYPERLINK\("#\'([^\']+)\'!([A-Z]+[0-9]+)","(.*)"\)$', re.S)


@pytest.fixture(scope="module", params=sorted(FORMATS))
def built(request, tmp_path_factory):
    fmt = get_format(request.param)
    checks = rule_checks(fmt.id)
    assert checks, f"rules.yaml gives the {fmt.id} template no live checks"
    workbook = load(build(tmp_path_factory.mktemp(f"chk{fmt.id}"), fmt.id))
    return fmt, checks, workbook, names(workbook)


def _header(sheet) -> dict[str, int]:
    for row in sheet.iter_rows(max_row=10):
        titles = {c.value: c.column for c in row if isinstance(c.value, str)}
        if "编号" in titles and "说明" in titles:
            return {**titles, "_row": row[0].row}
    raise AssertionError("no header row with 编号 and 说明")


def test_one_row_per_check_with_its_texts(built):
    _, checks, workbook, found = built
    sheet = workbook["校验结果"]
    head = _header(sheet)
    for index, check in enumerate(checks, start=1):
        row = head["_row"] + index
        cells = {title: sheet.cell(row, col) for title, col in head.items() if title != "_row"}
        assert cells["序号"].value == index
        assert cells["规则"].value == check.rule_id
        assert cells["级别"].value == {"error": "错误", "warning": "警告"}[check.severity]
        assert cells["检查内容"].value == check.description
        assert cells["编号"].value == check.instance_id
        assert cells["说明"].value is None and cells["说明"].protection.locked is False
        assert cells["状态"].protection.locked and cells["详情"].protection.locked
        assert check.fail_formula in cells["状态"].value
        assert check.detail_formula in cells["详情"].value
        assert found[f"xxgk_chk_{index}"] == ("校验结果", cells["状态"].coordinate)
        link = HYPERLINK.match(cells["位置"].value)
        assert link, cells["位置"].value
        assert (link.group(1), link.group(2)) == found[f"xxgk_{check.cells[0].replace('.', '_')}"]
        assert link.group(3).replace('""', '"') == check.location[:250]


def test_status_formula_states(built):
    _, checks, workbook, _ = built
    sheet = workbook["校验结果"]
    head = _header(sheet)
    for index, check in enumerate(checks, start=1):
        status = sheet.cell(head["_row"] + index, head["状态"]).value
        for word in (CheckStatus.PASSED, CheckStatus.FAILED):
            assert f'"{word}"' in status
        assert (f'"{CheckStatus.EXPLAINED}"' in status) == (check.severity == "warning")
        assert (f'"{CheckStatus.PENDING}"' in status) == bool(check.pending_if_blank)


def test_checks_name_covers_id_and_explanation_columns(built):
    _, checks, workbook, found = built
    sheet = workbook["校验结果"]
    definition = workbook.defined_names["xxgk_checks"]
    ((sheet_name, ref),) = definition.destinations
    assert sheet_name == "校验结果"
    rows = list(sheet[ref.replace("$", "")])
    assert len(rows) == len(checks) and all(len(r) == 2 for r in rows)
    assert [r[0].value for r in rows] == [c.instance_id for c in checks]
    head = _header(sheet)
    assert rows[0][0].column == head["编号"] and rows[0][1].column == head["说明"]


def test_summary_counts_errors_and_warnings(built):
    *_, workbook, _ = built
    sheet = workbook["校验结果"]
    formulas = [c.value for row in sheet.iter_rows(max_row=_header(sheet)["_row"]) for c in row
                if isinstance(c.value, str) and c.value.startswith("=COUNTIF")]
    assert any(f'"{Level.ERROR.label}"' in f and f'"{CheckStatus.FAILED}"' in f for f in formulas)
    assert any(f'"{Level.WARNING.label}"' in f and f'"{CheckStatus.FAILED}"' in f for f in formulas)


def _cf_rules(workbook) -> dict[str, list]:
    """(sheet, cell) -> [(priority, formula, stop, fill colour)] over every conditional format."""
    rules: dict[tuple[str, str], list] = {}
    for sheet in workbook.worksheets:
        for cf in sheet.conditional_formatting:
            for rule in cf.rules:
                fill = rule.dxf.fill.bgColor.rgb if rule.dxf and rule.dxf.fill else None
                for cell_range in cf.sqref.ranges:
                    for row in cell_range.rows:
                        for row_col in row:
                            coordinate = sheet.cell(*row_col).coordinate
                            rules.setdefault((sheet.title, coordinate), []).append(
                                (rule.priority, rule.formula[0], rule.stopIfTrue, fill))
    return rules


def test_every_checked_cell_turns_red_or_amber_by_name(built):
    fmt, checks, workbook, found = built
    rules = _cf_rules(workbook)
    for index, check in enumerate(checks, start=1):
        wanted = f'xxgk_chk_{index}="{CheckStatus.FAILED}"'
        colour = "FF9999" if check.severity == "error" else "FFD966"
        for key in check.cells:
            on_cell = rules.get(found[f"xxgk_{key.replace('.', '_')}"], [])
            hits = [r for r in on_cell if r[1] == wanted]
            assert hits, f"{check.instance_id}: no mark on {key}"
            assert hits[0][2] and hits[0][3].endswith(colour), f"{check.instance_id}: {hits[0]}"


def test_errors_take_priority_over_warnings(built):
    _, checks, workbook, _ = built
    severity = {f'xxgk_chk_{i}="{CheckStatus.FAILED}"': c.severity for i, c in enumerate(checks, start=1)}
    for sheet in workbook.worksheets:
        if sheet.title == "校验结果":
            continue
        ranked = sorted((rule.priority, severity[rule.formula[0]]) for cf in sheet.conditional_formatting
                        for rule in cf.rules)
        kinds = [s for _, s in ranked]
        assert kinds == sorted(kinds, key=lambda s: s != "error"), sheet.title


def test_status_column_coloured(built):
    _, checks, workbook, _ = built
    sheet = workbook["校验结果"]
    head = _header(sheet)
    rules = _cf_rules(workbook)
    for index in (1, len(checks)):
        coordinate = sheet.cell(head["_row"] + index, head["状态"]).coordinate
        formulas = " ".join(r[1] for r in rules[("校验结果", coordinate)])
        assert all(f'"{word}"' in formulas for word in (CheckStatus.FAILED, Level.ERROR.label, Level.WARNING.label))


def test_template_without_checks_still_has_the_names(tmp_path):
    workbook = load(build(tmp_path, "2021", with_checks=False))
    found = names(workbook)
    assert "xxgk_checks" in found and not any(n.startswith("xxgk_chk_") for n in found)
    ((_, ref),) = workbook.defined_names["xxgk_checks"].destinations
    rows = list(workbook["校验结果"][ref.replace("$", "")])
    assert len(rows) == 1 and all(c.value is None for c in rows[0])
    assert not any(cf.rules for s in workbook.worksheets[:4] for cf in s.conditional_formatting)
