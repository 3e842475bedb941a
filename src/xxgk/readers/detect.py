"""What a file really is, judged by its bytes and never by its name.

``detect_kind`` returns a short stable tag; ``refusal`` gives the Chinese
sentence telling the person what the file is and what to do about it.
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import olefile

from ..catalogue import ReadErrorKind as Kind
from ..errors import ReadError
from ..inputs import input_kind
from .safezip import ZIP_FAILURES

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
IMAGE_MAGICS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*")
SNIFF_BYTES = 64 * 1024

# Kinds that read_workbook goes on to read.
WORKBOOK_KINDS = frozenset({"xlsx", "xlsm"})
# Kinds that are somebody's spreadsheet whatever the file is called (read or not).
SPREADSHEET_KINDS = frozenset({*WORKBOOK_KINDS, Kind.XLS, Kind.XLSB, Kind.ODS, Kind.ENCRYPTED})

# Every kind detect_kind returns but the workbooks: a refusal said to the clerk.
REFUSALS: dict[str, str] = {kind.value: kind.template for kind in (
    Kind.MISSING, Kind.DIRECTORY, Kind.BROKEN_LINK, Kind.LINK_LOOP, Kind.NOT_REGULAR, Kind.UNREADABLE, Kind.EMPTY,
    Kind.XLS, Kind.ENCRYPTED, Kind.XLSB, Kind.ODS, Kind.ODF, Kind.WORD, Kind.OFFICE, Kind.OLE, Kind.ZIP, Kind.PDF,
    Kind.IMAGE, Kind.HTML, Kind.CSV, Kind.TEXT, Kind.DAMAGED, Kind.UNKNOWN)}


def refusal(kind: str) -> str:
    return REFUSALS.get(kind, REFUSALS[Kind.UNKNOWN])


def refused(path: str | os.PathLike, kind: str) -> ReadError:
    """The ReadError for a file detect_kind found to be ``kind`` (no workbook)."""
    return ReadError(str(path), Kind(kind) if kind in REFUSALS else Kind.UNKNOWN, refusal(kind))


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
        return Kind.MISSING
    except OSError:
        return Kind.UNREADABLE
    if not head:
        return Kind.EMPTY
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
        return Kind.DAMAGED
    if mimetype is not None:
        return Kind.ODS if b"opendocument.spreadsheet" in mimetype else Kind.ODF
    if "xl/workbook.bin" in names:
        return Kind.XLSB
    if any(name.startswith("xl/") for name in names):
        macro = content_types is not None and b"macroEnabled.main+xml" in content_types
        return "xlsm" if macro else "xlsx"
    if any(name.startswith("word/") for name in names):
        return Kind.WORD
    if "[Content_Types].xml" in names:
        return Kind.OFFICE
    return Kind.ZIP


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
        return Kind.DAMAGED
    if {"encryptioninfo", "encryptedpackage"} <= streams:
        return Kind.ENCRYPTED
    if streams & {"workbook", "book"}:
        return Kind.XLS
    if "worddocument" in streams or "powerpoint document" in streams:
        return Kind.OFFICE
    return Kind.OLE


def _plain_kind(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return Kind.PDF
    if head.startswith(IMAGE_MAGICS) or head[8:12] == b"WEBP":
        return Kind.IMAGE
    text = _decode(head)
    if text is None:
        return Kind.UNKNOWN
    lowered = text.lstrip("\ufeff \t\r\n").lower()
    if lowered.startswith(("<?xml", "<html", "<!doctype", "<table", "<head", "<meta")):
        return Kind.HTML
    return Kind.CSV if _looks_like_csv(text) else Kind.TEXT


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
