"""The built .xlsm files: buttons wired to our macros, modules equal macros/, LibreOffice opens them.

The committed workbook_template.xlsm equals a fresh build part by part (same
normalisation as the .xlsx golden test). Regenerate after an intended change:
    python -c "from xxgk.excel.workbooks import build_macro_template as b; b('workbook_template.xlsm')"
(= `xxgk template --macros -o workbook_template.xlsm` once that option is wired).
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from oletools.olevba import VBA_Parser

from test_template_golden import first_difference, normalised_parts
from xxgk.cli.district_tool_cmd import command as district_tool
from xxgk.excel.district import FIELDS, TOOL_SHEET
from xxgk.excel.marks import REPORT_SHEET
from xxgk.excel.workbooks import build_macro_template
from xxgk.template import Layout
from xxgk.formats import get_format
from xxgk.vba import macro_sources, xlwings_module_path

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "workbook_template.xlsm"
VBA_PART = "xl/vbaProject.bin"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("xlsm")
    template, tool = folder / "template.xlsm", folder / "tool.xlsm"
    build_macro_template(template)
    result = CliRunner().invoke(district_tool, ["-o", str(tool)])
    assert result.exit_code == 0, result.output
    return {"template": template, "tool": tool}


def _buttons(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as package:
        return [package.read(n).decode() for n in package.namelist() if n.startswith("xl/drawings/vmlDrawing")]


def test_template_buttons_run_our_macros(built):
    vml = "".join(_buttons(built["template"]))
    for caption, macro in (("校验", "XxgkValidate"), ("清除标记", "XxgkClearMarks")):
        assert f"[0]!{macro}" in vml and caption in vml
    assert "XxgkConsolidate" not in vml
    assert "[0]!XxgkConsolidate" in "".join(_buttons(built["tool"]))


def test_template_keeps_every_template_sheet_and_adds_the_report(built):
    book = openpyxl.load_workbook(built["template"])
    assert book.sheetnames == [*Layout(get_format("2021")).sheet_names, REPORT_SHEET]
    assert book["表三"].protection.sheet and not book[REPORT_SHEET].protection.sheet


def vba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {stream.split("/")[-1]: text for _f, stream, _n, text in parser.extract_macros()}
    finally:
        parser.close()


def test_vba_modules_equal_macros_folder(built):
    for path in built.values():
        code = vba_modules(path)
        for name, source in macro_sources().items():
            assert code[name] == source, (path.name, name)
        assert code["xlwings"].encode("ascii") == xlwings_module_path().read_bytes()


def test_district_tool_inputs_are_named_unlocked_cells(built):
    book = openpyxl.load_workbook(built["tool"])
    sheet = book[TOOL_SHEET]
    assert sheet.protection.sheet
    for field in FIELDS:
        destination = next(iter(book.defined_names[f"xxgk_tool_{field.key}"].destinations))
        assert destination == (TOOL_SHEET, f"$B${field.row}")
        assert sheet.cell(field.row, 1).value == field.label
        assert sheet.cell(field.row, 2).protection.locked is False


def test_refuses_a_name_without_xlsm(tmp_path):
    result = CliRunner().invoke(district_tool, ["-o", str(tmp_path / "tool.xlsx")])
    assert result.exit_code == 2 and ".xlsm" in result.output and "Traceback" not in result.output


def test_libreoffice_opens_both(built, libreoffice, tmp_path):
    # every sheet as LibreOffice loads it (CSV of each: half the cost of a re-saved .xlsx loaded by openpyxl)
    computed = libreoffice.sheet_texts(list(built.values()), tmp_path / "out")
    names = {path.stem: list(sheets) for path, sheets in zip(built.values(), computed)}
    assert REPORT_SHEET in names["template"] and "表三" in names["template"]
    assert names["tool"] == [TOOL_SHEET]


def test_committed_xlsm_matches_a_fresh_build(built):
    assert GOLDEN.exists(), f"{GOLDEN} is missing: build it with xxgk.excel.workbooks.build_macro_template"
    fresh = built["template"]  # build_macro_template with its defaults, as the docstring's command
    committed, rebuilt = normalised_parts(GOLDEN), normalised_parts(fresh)
    assert sorted(committed) == sorted(rebuilt)
    golden_modules, fresh_modules = vba_modules(GOLDEN), vba_modules(fresh)
    if golden_modules["xlwings"] != fresh_modules["xlwings"]:
        # the project embeds the installed xlwings' module (0.37.0 is the newest for Python 3.10):
        # every other module must still be the same, and every other part byte for byte
        del golden_modules["xlwings"], fresh_modules["xlwings"], committed[VBA_PART], rebuilt[VBA_PART]
        assert golden_modules == fresh_modules
    for name in sorted(committed):
        assert committed[name] == rebuilt[name], f"part {name} differs\n{first_difference(committed[name], rebuilt[name])}"
