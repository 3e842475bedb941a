"""An .xlsm written by XlsxWriter around our vbaProject.bin, read back by oletools (olevba).

The comparison, precisely: olevba returns each module's stored source text,
Attribute lines included. For our modules that must equal macros/<name>.bas as
the build renders it (version placeholder filled, line ends CRLF; the .bas
files carry their own ``Attribute VB_Name`` line, as Excel's exports do). For
xlwings' module the raw stored bytes must equal the installed xlwings.bas
file byte for byte. Document modules hold exactly Excel's standard attribute block.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from oletools.olevba import VBA_Parser

from xxgk.formats import TEMPLATE_VERSION
from xxgk.vba import (
    MACROS_DIR, build_xxgk_vba_project, document_module_source, macro_sources, xlwings_module_path,
)

SHEETS = {"表二": "Sheet1", "表三": "Sheet2", "_xxgk": "Sheet3"}
BUTTON_MACROS = {"XxgkValidate": "xxgk.excel.validate_button()",
                 "XxgkClearMarks": "xxgk.excel.clear_marks_button()",
                 "XxgkConsolidate": "xxgk.excel.consolidate_button()"}


def write_xlsm(path: Path, vba_project: bytes) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_vba_project(io.BytesIO(vba_project), is_stream=True)
    workbook.set_vba_name("ThisWorkbook")
    for title, codename in SHEETS.items():
        sheet = workbook.add_worksheet(title)
        sheet.set_vba_name(codename)
    workbook.get_worksheet_by_name("表二").insert_button("B2", {"macro": "XxgkValidate", "caption": "校验"})
    workbook.close()
    return path


@pytest.fixture(scope="module")
def xlsm(tmp_path_factory) -> Path:
    return write_xlsm(tmp_path_factory.mktemp("vba") / "t.xlsm", build_xxgk_vba_project(list(SHEETS.values())))


@pytest.fixture(scope="module")
def extracted(xlsm) -> dict[str, tuple[str, bytes]]:
    """Module name -> (decoded source, raw stored bytes), as olevba reads them."""
    parser = VBA_Parser(str(xlsm))
    try:
        assert parser.detect_vba_macros()
        out = {}
        for _subfile, stream_path, _vba_name, code in parser.extract_macros():
            out[stream_path.split("/")[-1]] = code
        raw = {m.name: bytes(m.code_raw) for p in _projects(parser) for m in p.modules}
        return {name: (code, raw[name]) for name, code in out.items()}
    finally:
        parser.close()


def _projects(parser: VBA_Parser):
    """The parsed VBA projects olevba found inside the .xlsm's OLE part."""
    from oletools.olevba import VBA_Project
    for ole_sub in parser.ole_subfiles:
        for vba_root, project_path, dir_path in ole_sub.find_vba_projects():
            project = VBA_Project(ole_sub.ole_file, vba_root, project_path, dir_path, relaxed=False)
            project.parse_project_stream()
            list(project.parse_modules())
            yield project


def test_olevba_finds_every_module(extracted):
    assert set(extracted) == {*macro_sources(), "xlwings", "ThisWorkbook", *SHEETS.values()}


def test_our_modules_equal_the_macros_folder(extracted):
    for name, source in macro_sources().items():
        assert extracted[name][0] == source, name
        # And that rendering changed nothing but line ends and the placeholder:
        original = (MACROS_DIR / f"{name}.bas").read_text(encoding="utf-8").replace("\r\n", "\n")
        assert source.replace("\r\n", "\n") == original.replace("@XXGK_TEMPLATE_VERSION@", TEMPLATE_VERSION)


def test_xlwings_module_is_embedded_byte_for_byte_with_its_licence(extracted):
    installed = xlwings_module_path().read_bytes()
    code, raw = extracted["xlwings"]
    assert raw == installed
    assert code.encode("ascii") == installed
    assert "xlwings is distributed under a BSD 3-clause license." in code
    assert "Public Function RunPython(" in code


def test_document_modules_are_excel_standard_blocks(extracted):
    assert extracted["ThisWorkbook"][0] == document_module_source("ThisWorkbook", workbook=True)
    for codename in SHEETS.values():
        assert extracted[codename][0] == document_module_source(codename, workbook=False)


def test_buttons_module_calls_the_python_entry_points(extracted):
    code = extracted["XxgkButtons"][0]
    for macro, call in BUTTON_MACROS.items():
        assert f"Sub {macro}()" in code
        assert f'"import xxgk.excel; {call}"' in code
    assert "Function XxgkTemplateVersion() As String" in code
    assert extracted["XxgkButtons"][1] == code.encode("gbk")  # Chinese message text stored in GBK


def test_entry_points_exist_in_the_excel_module():
    excel = pytest.importorskip("xxgk.excel", reason="xxgk.excel (button entry points) is not written yet")
    for call in BUTTON_MACROS.values():
        assert callable(getattr(excel, call.split(".")[-1].rstrip("()")))


def test_workbook_parts_name_the_vba_code_names(xlsm):
    with zipfile.ZipFile(xlsm) as package:
        names = package.namelist()
        assert "xl/vbaProject.bin" in names
        workbook_xml = package.read("xl/workbook.xml").decode()
        sheets_xml = [package.read(f"xl/worksheets/sheet{i}.xml").decode() for i in range(1, len(SHEETS) + 1)]
        drawings = "".join(package.read(n).decode() for n in names if n.startswith("xl/drawings/vmlDrawing"))
    assert 'codeName="ThisWorkbook"' in workbook_xml
    for xml, codename in zip(sheets_xml, SHEETS.values()):
        assert f'codeName="{codename}"' in xml
    assert "[0]!XxgkValidate" in drawings  # the button runs our macro
