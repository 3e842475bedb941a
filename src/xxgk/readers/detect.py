"""What a file really is, judged by its bytes and never by its name.

``detect_kind`` returns a short stable tag; ``refusal`` gives the Chinese
sentence telling the person what the file is and what to do about it.
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import olefile

from ..inputs import MESSAGES as INPUT_MESSAGES, input_kind
from .safezip import ZIP_FAILURES

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
IMAGE_MAGICS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*")
SNIFF_BYTES = 64 * 1024

# Kinds that read_workbook goes on to read.
WORKBOOK_KINDS = frozenset({"xlsx", "xlsm"})
# Kinds that are somebody's spreadsheet whatever the file is called (read or not).
SPREADSHEET_KINDS = frozenset({*WORKBOOK_KINDS, "xls", "xlsb", "ods", "encrypted"})

_SAVE_AS = "请用本模板填写后另存为 Excel 工作簿（.xlsx）再报送"
REFUSALS: dict[str, str] = {
    **INPUT_MESSAGES,
    "directory": "这是一个文件夹，不是工作簿文件",
    "empty": "文件是空的（0 字节），可能传输或保存时出错，请重新报送",
    "xls": "这是旧版 Excel 97-2003（.xls）或 WPS 表格（.et）文件，请用模板另存为 .xlsx 后再报送",
    "encrypted": "文件已加密（设置了打开密码），请取消密码后再报送",
    "xlsb": "这是 Excel 二进制工作簿（.xlsb），" + _SAVE_AS,
    "ods": "这是 OpenDocument 电子表格（.ods），" + _SAVE_AS,
    "odf": "这是 OpenDocument 文档（如 .odt），不是工作簿，" + _SAVE_AS,
    "word": "这是 Word 文档，不是工作簿，" + _SAVE_AS,
    "office": "这是 Office 文档（如 PowerPoint 或 Word），不是工作簿，" + _SAVE_AS,
    "ole": "这是一种无法识别的 Office 旧格式文件，" + _SAVE_AS,
    "zip": "这是一个普通压缩包，不是 Excel 工作簿，请解压后报送其中的 .xlsx 文件",
    "pdf": "这是 PDF 文件，不是工作簿，" + _SAVE_AS,
    "image": "这是图片文件，不是工作簿，" + _SAVE_AS,
    "html": "这是网页（HTML/XML）文件，只是改了扩展名，" + _SAVE_AS,
    "csv": "这是 CSV 文本文件，只是改了扩展名，" + _SAVE_AS,
    "text": "这是纯文本文件，不是工作簿，" + _SAVE_AS,
    "damaged": "文件已损坏（压缩包结构不完整或数据出错），无法读取，请重新从原文件另存或重新报送",
    "unknown": "无法识别的文件格式，不是 Excel 工作簿，" + _SAVE_AS,
}


def refusal(kind: str) -> str:
    return REFUSALS.get(kind, REFUSALS["unknown"])


def detect_kind(path: str | os.PathLike) -> str:
    """Tag of what ``path`` really is: ``xlsx``, ``xlsm``, ``xls``, ``encrypted``, ``csv`` … (see REFUSALS)."""
    path = Path(path)
    kind = input_kind(path)  # a FIFO, device or link loop is never opened
    if kind is not None:
        return kind
    try:
        with open(path, "rb") as stream:
            head = stream.read(SNIFF_BYTES)
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "unreadable"
    if not head:
        return "empty"
    if head.startswith(ZIP_MAGICS):
        return _zip_kind(path)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(path)
    return _plain_kind(head)


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = _small_member(archive, "mimetype")
            content_types = _small_member(archive, "[Content_Types].xml")
    except ZIP_FAILURES:
        return "damaged"
    if mimetype is not None:
        return "ods" if b"opendocument.spreadsheet" in mimetype else "odf"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if any(name.startswith("xl/") for name in names):
        macro = content_types is not None and b"macroEnabled.main+xml" in content_types
        return "xlsm" if macro else "xlsx"
    if any(name.startswith("word/") for name in names):
        return "word"
    if "[Content_Types].xml" in names:
        return "office"
    return "zip"


def _small_member(archive: zipfile.ZipFile, name: str, limit: int = SNIFF_BYTES) -> bytes | None:
    """First bytes of a small member, or None when absent; never inflates more than ``limit``."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    with archive.open(info) as stream:
        return stream.read(limit)


def _ole_kind(path: Path) -> str:
    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=True)}
    except Exception:  # olefile raises many kinds on broken files; all mean "damaged"
        return "damaged"
    if {"encryptioninfo", "encryptedpackage"} <= streams:
        return "encrypted"
    if streams & {"workbook", "book"}:
        return "xls"
    if "worddocument" in streams or "powerpoint document" in streams:
        return "office"
    return "ole"


def _plain_kind(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(IMAGE_MAGICS) or head[8:12] == b"WEBP":
        return "image"
    text = _decode(head)
    if text is None:
        return "unknown"
    lowered = text.lstrip("\ufeff \t\r\n").lower()
    if lowered.startswith(("<?xml", "<html", "<!doctype", "<table", "<head", "<meta")):
        return "html"
    return "csv" if _looks_like_csv(text) else "text"


def _decode(head: bytes) -> str | None:
    for encoding in ("utf-8", "gb18030", "utf-16"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            # a multi-byte character cut at the sniff boundary is not a reason to give up
            try:
                text = head[:-4].decode(encoding)
            except UnicodeDecodeError:
                continue
        if _mostly_printable(text):
            return text
    return None


def _mostly_printable(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    return bad <= len(text) // 100


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        return False
    separated = sum(1 for line in lines if "," in line or "\t" in line)
    return separated * 2 >= len(lines)
