"""A .docx report: paragraphs as text lines, each table row as a line of its cells."""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import ReadError
from .document import Document, Line, clean_text, is_page_number

_MAIN_PART = "word/document.xml"


def read_docx(path: Path) -> Document:
    _refuse_unsafe_xml(path)
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except Exception as err:  # python-docx raises many kinds for broken packages
        raise ReadError(str(path), "damaged", f"无法作为 Word 文档打开（{type(err).__name__}）。") from None
    lines: list[Line] = []
    tables = paragraphs = 0
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            tables += 1
            lines.extend(_table_lines(item, tables))
        else:
            paragraphs += 1
            text = clean_text(item.text)
            if text.strip() and not is_page_number(text):
                lines.append(Line((text,), f"第{paragraphs}段", False))
    return Document(str(path), "docx", tuple(lines))


def _table_lines(table, number: int) -> list[Line]:
    """One line per row; a merged cell counts once (vertical continuations are skipped)."""
    from docx.table import _Cell

    lines = []
    for index, tr in enumerate(table._tbl.tr_lst, 1):
        cells = tuple(clean_text(_Cell(tc, table).text) for tc in tr.tc_lst if tc.vMerge != "continue")
        if any(c.strip() for c in cells):
            lines.append(Line(cells, f"第{number}个表格第{index}行", True))
    return lines


def _refuse_unsafe_xml(path: Path) -> None:
    """The main part is parsed by defusedxml first: no DTD, no entities, well formed."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read(_MAIN_PART)
    except KeyError:
        raise ReadError(str(path), "damaged", "不是 Word 文档（缺少 word/document.xml）。") from None
    except (zipfile.BadZipFile, OSError):
        raise ReadError(str(path), "damaged", "文件已损坏，无法解压。") from None
    try:
        fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise ReadError(str(path), "unsafe", "文档中含有不安全的 XML 声明（DTD/实体），拒绝读取。") from None
    except ParseError:
        raise ReadError(str(path), "damaged", "文档内容已损坏（XML 格式错误）。") from None
