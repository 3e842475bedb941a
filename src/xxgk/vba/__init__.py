"""The VBA project of the macro-enabled template, built on Linux without Excel.

``build_vba_project`` writes a source-only [MS-OVBA] project in an [MS-CFB]
container; ``build_xxgk_vba_project`` fills it with macros/ and xlwings'
standalone module. The workbook writer embeds the bytes
(XlsxWriter ``add_vba_project(io.BytesIO(data), is_stream=True)``).
"""
from __future__ import annotations

from .cfb import write_compound_file
from .compression import DecompressionError, compress, decompress
from .modules import (
    MACROS_DIR, WORKBOOK_CODENAME, XLWINGS_MODULE, build_xxgk_vba_project, macro_sources,
    xlsxwriter_sheet_codenames, xlwings_module_path, xlwings_module_source, xxgk_modules,
)
from .project import (
    DEFAULT_CODEPAGE, VbaBuildError, build_vba_project, document_module_source, vba_source_text,
)

__all__ = [
    "DEFAULT_CODEPAGE", "DecompressionError", "MACROS_DIR", "VbaBuildError", "WORKBOOK_CODENAME",
    "XLWINGS_MODULE", "build_vba_project", "build_xxgk_vba_project", "compress", "decompress",
    "document_module_source", "macro_sources", "vba_source_text", "write_compound_file",
    "xlsxwriter_sheet_codenames", "xlwings_module_path", "xlwings_module_source", "xxgk_modules",
]
