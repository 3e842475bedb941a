"""The modules of xxgk's own VBA project: macros/ plus xlwings' standalone module.

macros/*.bas (UTF-8 text in the repository) are the only VBA anyone edits;
an installed xxgk carries the copy its wheel was built with (see xxgk.resources).
The one thing filled in at build time is the template version placeholder,
so the VBA can never disagree with ``xxgk.formats.TEMPLATE_VERSION``.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Sequence

from ..formats import TEMPLATE_VERSION
from ..resources import macros_folder
from .project import VbaBuildError, build_vba_project, document_module_source, vba_source_text

MACROS_DIR = Path(str(macros_folder()))
VERSION_PLACEHOLDER = "@XXGK_TEMPLATE_VERSION@"
XLWINGS_MODULE = "xlwings"
WORKBOOK_CODENAME = "ThisWorkbook"


def macro_sources(macros_dir: Path = MACROS_DIR) -> dict[str, str]:
    """Module name -> source of every macros/*.bas, placeholder filled, CRLF line ends."""
    files = sorted(Path(macros_dir).glob("*.bas"))
    if not files:
        raise VbaBuildError(f"{macros_dir}：找不到 VBA 模块（*.bas），无法生成带宏的模板。")
    return {path.stem: render_macro(path) for path in files}


def render_macro(path: Path) -> str:
    """The text of one .bas as it goes into the project."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # tolerate an editor's BOM
    except (OSError, UnicodeDecodeError) as err:
        raise VbaBuildError(f"{path}：无法按 UTF-8 读取 VBA 模块（{err}）。") from None
    if text.count(VERSION_PLACEHOLDER) > 1:
        raise VbaBuildError(f"{path}：模板版本占位符 {VERSION_PLACEHOLDER} 只能出现一次。")
    return vba_source_text(text.replace(VERSION_PLACEHOLDER, TEMPLATE_VERSION))


def xlwings_module_path() -> Path:
    """xlwings' standalone VBA module inside the installed xlwings package."""
    try:
        import xlwings
    except ImportError:
        raise VbaBuildError("未安装 xlwings，无法嵌入其 VBA 模块（pip install xlwings）。") from None
    path = Path(str(files(xlwings) / "xlwings.bas"))
    if not path.is_file():
        raise VbaBuildError(f"{path}：已安装的 xlwings 中找不到独立 VBA 模块 xlwings.bas。")
    return path


def xlwings_module_source() -> str:
    """The standalone module's text, unchanged (it carries xlwings' BSD licence header).

    It is ASCII with CRLF line ends, so going through the project code page
    stores exactly the file's bytes; the tests check that.
    """
    path = xlwings_module_path()
    try:
        return path.read_bytes().decode("ascii")
    except UnicodeDecodeError:
        raise VbaBuildError(f"{path}：xlwings.bas 含非 ASCII 字符，无法原样嵌入。") from None


def xxgk_modules(sheet_codenames: Sequence[str], macros_dir: Path = MACROS_DIR) -> dict[str, str]:
    """Every module of the template's project, in project order.

    ``sheet_codenames`` are the code names the workbook writer gives its sheets
    (XlsxWriter: ``worksheet.set_vba_name(name)``; the workbook itself must be
    ``set_vba_name("ThisWorkbook")``); each gets an empty document module.
    """
    modules = macro_sources(macros_dir)
    if XLWINGS_MODULE in modules:
        raise VbaBuildError(f"{macros_dir}：模块名 {XLWINGS_MODULE} 留给 xlwings 自带的模块，请改名。")
    modules[XLWINGS_MODULE] = xlwings_module_source()
    modules[WORKBOOK_CODENAME] = document_module_source(WORKBOOK_CODENAME, workbook=True)
    for name in sheet_codenames:
        if name in modules:
            raise VbaBuildError(f"工作表代码名“{name}”与已有 VBA 模块重名。")
        modules[name] = document_module_source(name, workbook=False)
    return modules


def xlsxwriter_sheet_codenames(sheet_count: int) -> list[str]:
    """The code names XlsxWriter gives sheets when none is set: Sheet1, Sheet2, … in sheet order."""
    return [f"Sheet{index + 1}" for index in range(sheet_count)]


def build_xxgk_vba_project(sheet_codenames: Sequence[str], macros_dir: Path = MACROS_DIR) -> bytes:
    """vbaProject.bin for the macro-enabled template: macros/, xlwings, document modules."""
    return build_vba_project(xxgk_modules(sheet_codenames, macros_dir))
