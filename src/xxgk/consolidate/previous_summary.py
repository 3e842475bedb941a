"""Last year's district summary as ``--previous``: its cover and tables, and 分单位明细 streamed.

A province's 分单位明细 is tens of megabytes of XML, beyond the careful
reader's limit for one part. So the summary is read in two pieces: the
workbook *without* that part (a temporary copy in which it is an empty sheet)
goes through ``read_workbook`` and all its limits; the part itself is inflated
here through a cap of its own (``MAX_DETAIL_BYTES``, and its declared size)
into a second temporary copy, which python-calamine reads row by row — as the
summary's extra sheets were always read, but never from the untrusted zip.
"""
from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import IO, Iterator, Sequence
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException

from ..catalogue import ReadMessage
from ..model import FormData
from ..readers import read_workbook
from ..readers import safezip
from ..readers.safezip import (CHUNK, DAMAGED, MAX_RATIO, RATIO_FLOOR_BYTES, TOO_LARGE,
                               ZIP_FAILURES, CappedReader, TooLarge, check_directory)
from .members import sheet_member
from .labels import SHEET_DETAIL

# 10,000 agencies make about 70 MB; far beyond that is no summary of ours.
MAX_DETAIL_BYTES = 1024 * 1024 * 1024
EMPTY_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="'
               b'http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>')


def detail_part(path: Path) -> str | None:
    """The zip member of the summary's 分单位明细, or None when the file has no such sheet (or is no zip)."""
    try:
        with zipfile.ZipFile(path) as archive:
            if SHEET_DETAIL not in _capped(archive, "xl/workbook.xml", safezip.MAX_MEMBER_BYTES).decode("utf-8"):
                return None
            member = sheet_member(archive, SHEET_DETAIL)
            return member if member in archive.namelist() else None
    except (ParseError, DefusedXmlException, UnicodeDecodeError, TooLarge, *ZIP_FAILURES):  # no such sheet, or broken
        return None


def read_summary(path: Path, member: str) -> tuple[FormData, Iterator[list]]:
    """The summary's own form (read carefully, without ``member``) and 分单位明细's rows as lists of values.

    The rows come from python-calamine reading a temporary copy whose members
    were all inflated here, through caps: calamine never inflates the original.
    """
    form, rows, _sheets = read_summary_with(path, member, ())
    return form, rows


def read_summary_with(path: Path, member: str, sheets: Sequence[str]) -> tuple[FormData, Iterator[list], dict]:
    """``read_summary``, and every row of the summary's other ``sheets`` (small ones: 问题清单 …) by name,
    read from the same capped copy; a sheet the summary lacks is an empty list."""
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_FAILURES:
        raise DAMAGED.error(path) from None
    folder = tempfile.TemporaryDirectory(prefix="xxgk-previous-")
    try:
        with archive:
            check_directory(str(path), [info for info in archive.infolist() if info.filename != member])
            _check_detail(str(path), archive.getinfo(member))
            without, detail = Path(folder.name) / "without.xlsx", Path(folder.name) / "detail.xlsx"
            _copy(archive, without, str(path), member, EMPTY_SHEET)
            _copy(archive, detail, str(path), member, None)
        form = read_workbook(without)
        others = {name: _sheet(path, without, name) for name in sheets}
    except BaseException:
        folder.cleanup()
        raise
    form.source = str(path)
    return form, _rows(Path(path), detail, folder), others


def _check_detail(path: str, info: zipfile.ZipInfo) -> None:
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > MAX_DETAIL_BYTES or (info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO):
        raise TOO_LARGE.error(path, detail=f"“{SHEET_DETAIL}”声明解压后 {info.file_size} 字节")


def _copy(archive: zipfile.ZipFile, target: Path, source: str, member: str, replacement: bytes | None) -> None:
    """Every member inflated through a cap into ``target`` (stored: it is read once, right away).

    ``member`` (分单位明细) is capped at MAX_DETAIL_BYTES, or replaced by ``replacement``;
    every other member at the careful reader's limit for one part.
    """
    try:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED, allowZip64=True) as out:
            for info in archive.infolist():
                if info.filename == member and replacement is not None:
                    out.writestr(info.filename, replacement)
                    continue
                limit = MAX_DETAIL_BYTES if info.filename == member else safezip.MAX_MEMBER_BYTES
                with archive.open(info) as raw, out.open(info.filename, "w", force_zip64=True) as copy:
                    stream = _stream(raw, min(info.file_size, limit))
                    while chunk := stream.read(CHUNK):
                        copy.write(chunk)
    except TooLarge:
        raise TOO_LARGE.error(source, detail="解压后大小超过声明或上限") from None
    except ZIP_FAILURES:
        raise DAMAGED.error(source) from None


def _capped(archive: zipfile.ZipFile, member, limit: int) -> bytes:
    info = member if isinstance(member, zipfile.ZipInfo) else archive.getinfo(member)
    with archive.open(info) as raw:
        return _stream(raw, min(info.file_size, limit)).read()


def _stream(raw: IO[bytes], limit: int) -> IO[bytes]:
    return io.BufferedReader(CappedReader(raw, limit), buffer_size=CHUNK)


def _sheet(path: Path, copy: Path, name: str) -> list[list]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(copy))
        return workbook.get_sheet_by_name(name).to_python() if name in workbook.sheet_names else []
    except Exception as err:  # calamine raises its own types for broken parts
        raise ReadMessage.SHEET_DAMAGED.error(path, sheet=name, error=err) from None


def _rows(path: Path, copy: Path, folder: tempfile.TemporaryDirectory) -> Iterator[list]:
    """Each row of the copy's 分单位明细 (calamine's values: numbers as float, blanks as "")."""
    from python_calamine import CalamineWorkbook  # the reader of our own summary's extra sheet

    try:
        try:
            rows = CalamineWorkbook.from_path(str(copy)).get_sheet_by_name(SHEET_DETAIL).iter_rows()
        except Exception as err:  # calamine raises its own types for broken parts
            raise ReadMessage.SHEET_DAMAGED.error(path, sheet=SHEET_DETAIL, error=err) from None
        yield from rows
    finally:
        folder.cleanup()
