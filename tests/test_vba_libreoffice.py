"""LibreOffice, an independent reader of VBA projects, opens our .xlsm files.

One soffice process (started by tests/vba_uno_probe.py under a Python with the
``uno`` module) handles both workbooks:

- the template's project (macros/ + xlwings + document modules): LibreOffice
  must list the same modules with the same source. Its import drops the
  ``Attribute`` lines, turns CRLF into LF, puts ``Rem Attribute VBA_ModuleType=…``
  and ``Option VBASupport 1`` in front and one newline after; the comparison
  applies exactly that and nothing else.
- the same buttons module and document modules without xlwings: LibreOffice
  runs XxgkSmoke, which must write the template version and a Chinese label.
  (LibreOffice Basic cannot compile xlwings' module, whose ``#If … #Else``
  blocks hold two headers of one Function, and then runs no macro of that
  project at all; Excel compiles it fine. So the run is checked without it.)
Nothing LibreOffice could save is kept: documents are closed unmodified.
"""
from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import xlsxwriter

from xxgk.formats import TEMPLATE_VERSION
from xxgk.vba import build_vba_project, build_xxgk_vba_project, document_module_source, macro_sources, xxgk_modules

PROBE = Path(__file__).with_name("vba_uno_probe.py")
UNO_PYTHONS = ["/usr/lib/libreoffice/program/python", "/usr/bin/python3", "python3"]
SMOKE_MACRO = "vnd.sun.star.script:VBAProject.XxgkButtons.XxgkSmoke?language=Basic&location=document"
SMOKE_SHEET = "_xxgk"
SHEETS = {"表二": "Sheet1", SMOKE_SHEET: "Sheet2"}

pytestmark = pytest.mark.libreoffice


def _uno_python() -> str | None:
    for candidate in UNO_PYTHONS:
        exe = shutil.which(candidate)
        if exe and subprocess.run([exe, "-c", "import uno"], capture_output=True).returncode == 0:
            return exe
    return None


def _write_xlsm(path: Path, vba_project: bytes) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_vba_project(io.BytesIO(vba_project), is_stream=True)
    workbook.set_vba_name("ThisWorkbook")
    for title, codename in SHEETS.items():
        workbook.add_worksheet(title).set_vba_name(codename)
    workbook.close()
    return path


def _smoke_modules() -> dict[str, str]:
    modules = {"XxgkButtons": macro_sources()["XxgkButtons"],
               "ThisWorkbook": document_module_source("ThisWorkbook", workbook=True)}
    modules.update({c: document_module_source(c, workbook=False) for c in SHEETS.values()})
    return modules


@pytest.fixture(scope="module")
def probed(tmp_path_factory) -> dict[str, dict]:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install -y libreoffice-calc")
    python = _uno_python()
    if python is None:
        pytest.skip("no Python with the uno module for LibreOffice: apt-get install -y python3-uno")
    folder = tmp_path_factory.mktemp("vba_lo")
    files = {
        "template": _write_xlsm(folder / "template.xlsm", build_xxgk_vba_project(list(SHEETS.values()))),
        "smoke": _write_xlsm(folder / "smoke.xlsm", build_vba_project(_smoke_modules())),
    }
    before = {k: p.read_bytes() for k, p in files.items()}
    run = subprocess.run(
        [python, str(PROBE), str(folder / "profile"), SMOKE_MACRO, SMOKE_SHEET, *map(str, files.values())],
        capture_output=True, text=True, timeout=240,
    )
    assert run.returncode == 0, run.stderr
    assert {k: p.read_bytes() for k, p in files.items()} == before  # LibreOffice saved nothing
    return dict(zip(files, json.loads(run.stdout)))


def _as_libreoffice_imports(source: str, document: bool) -> str:
    kind = "VBADocumentModule" if document else "VBAModule"
    kept = [line for line in source.split("\r\n") if not line.startswith("Attribute ")]
    return f"Rem Attribute VBA_ModuleType={kind}\nOption VBASupport 1\n" + "\n".join(kept) + "\n"


def test_libreoffice_lists_the_template_modules_with_their_source(probed):
    result = probed["template"]
    assert "error" not in result, result
    assert result["vba_mode"] is True
    assert "VBAProject" in result["libraries"]
    expected = xxgk_modules(list(SHEETS.values()))
    assert set(result["modules"]) == set(expected)
    for name, source in expected.items():
        document = name == "ThisWorkbook" or name in SHEETS.values()
        assert result["modules"][name] == _as_libreoffice_imports(source, document), name


def test_libreoffice_decodes_chinese_text_with_the_project_code_page(probed):
    buttons = probed["template"]["modules"]["XxgkButtons"]
    assert "无法运行" in buttons and "模板版本" in buttons


def test_libreoffice_runs_the_pure_vba_smoke_macro(probed):
    result = probed["smoke"]
    assert "macro_error" not in result, result["macro_error"]
    assert result["cells"] == [TEMPLATE_VERSION, "模板版本"]
