"""Reading a published report (.txt, .docx, .html, .pdf) into a Document.

Every reader checks sizes before decompressing or parsing, and turns any
library failure into a ReadError with a Chinese message naming the file.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..catalogue import ReadErrorKind, ReadMessage
from .budget import check_time
from ..inputs import check_input
from .document import Document, Line, clean_text, is_page_number

MAX_TEXT_BYTES = 20 * 1024 * 1024
MAX_ZIP_MEMBERS_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200  # uncompressed / compressed, per member: beyond this it is a zip bomb
TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_OLD_FORMATS = {".doc": "Word 97-2003（.doc）", ".wps": "WPS 文字（.wps）", ".rtf": "RTF"}
_MARKDOWN_RULE = re.compile(r"^:?-{2,}:?$")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


def read_document(path: str | Path) -> Document:
    path = Path(path)
    suffix = path.suffix.lower()
    check_input(path)  # a FIFO, device or link loop is refused by name, never opened
    if suffix in _OLD_FORMATS:
        raise ReadMessage.OLD_DOCUMENT.error(path, format=_OLD_FORMATS[suffix])
    if suffix in TEXT_SUFFIXES:
        return read_text(path)
    if suffix in HTML_SUFFIXES:
        from .htmlsource import read_html
        data = _read_limited(path)
        return read_html(path, decode_bytes(path, data, _declared_charset(data)))
    if suffix == ".docx":
        from .docxsource import read_docx
        check_zip(path)
        return read_docx(path)
    if suffix == ".pdf":
        from .pdfsource import read_pdf
        return read_pdf(path)
    raise ReadErrorKind.UNSUPPORTED.error(path)


def read_text(path: Path) -> Document:
    text = decode_bytes(path, _read_limited(path))
    return Document(str(path), "txt", tuple(text_lines(text)))


def _read_limited(path: Path) -> bytes:
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise ReadMessage.TEXT_TOO_LARGE.error(path, megabytes=MAX_TEXT_BYTES // 1024 // 1024)
    try:
        return path.read_bytes()
    except OSError as err:
        raise ReadMessage.TEXT_UNREADABLE.error(path, reason=err.strerror) from None


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def decode_bytes(path: Path, data: bytes, declared: str | None = None) -> str:
    """utf-8 (with or without BOM), utf-16 with BOM, else gb18030 (which covers gbk/gb2312).

    ``declared``: the charset a web page names; a GB page is tried as gb18030 first.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "gb18030"]
        if declared in {"gb2312", "gbk", "gb18030"}:
            encodings.reverse()
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadMessage.TEXT_ENCODING.error(path)


def text_lines(text: str) -> list[Line]:
    """Plain text to lines.

    Three shapes occur in text copied from reports: tab-separated rows (one row per
    line), one cell per line (each line starts with a tab, rows end at a blank line,
    a cell may continue on the next line without a tab), and flowing text.
    """
    lines: list[Line] = []
    row: list[str] = []  # the cells of an open one-cell-per-line row
    row_start = 0

    def close_row() -> None:
        if row:
            lines.append(Line(tuple(row), f"第{row_start}行", True))
            row.clear()

    for number, raw in enumerate(clean_text(text).splitlines(), 1):
        if number % 1000 == 0:
            check_time("读取文本")
        pipes = markdown_cells(raw)
        if pipes is not None:
            close_row()
            if any(pipes):
                lines.append(Line(pipes, f"第{number}行", True, exact=True))
            continue
        raw = _MARKDOWN_HEADING.sub("", raw)
        if not raw.strip() or is_page_number(raw):
            close_row()
        elif raw.startswith("\t") and "\t" not in raw[1:]:
            if not row:
                row_start = number
            row.append(raw[1:])
        elif "\t" in raw:
            close_row()
            lines.append(Line(tuple(raw.split("\t")), f"第{number}行", True))
        elif row:
            row[-1] += "\n" + raw  # a cell continued on the next line
        else:
            lines.append(Line((raw,), f"第{number}行", False))
    close_row()
    return lines


def markdown_cells(raw: str) -> tuple[str, ...] | None:
    """A markdown table row (“| a | b |”) as its cells; a rule row (“|---|---|”) as no cells."""
    line = raw.strip()
    if len(line) < 2 or not (line.startswith("|") and line.endswith("|")):
        return None
    cells = tuple(c.strip() for c in line[1:-1].split("|"))
    return () if all(_MARKDOWN_RULE.match(c) for c in cells) else cells


def check_zip(path: Path) -> None:
    """Refuse damaged archives and zip bombs before any library decompresses them."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise ReadMessage.NOT_DOCX.error(path) from None
    total = sum(m.file_size for m in members)
    if total > MAX_ZIP_MEMBERS_BYTES:
        raise ReadMessage.UNPACKED_TOO_LARGE.error(path)
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1):
            raise ReadMessage.MEMBER_RATIO.error(path, member=member.filename)
