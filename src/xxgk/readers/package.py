"""Reading back a package we have just written: every XML part must parse, or it is not reported written.

A summary, template, marked copy or Word export is a zip of XML parts, several of
them streamed together by hand. Before the file replaces its target, each part is
parsed as written (expat, streamed, no tree kept), so a character XML cannot hold
or a broken splice is caught here and never reported as success.

A writer that already parsed a part while making it (``XmlCheck``, fed the very
bytes it compressed) names it in ``proven`` with its CRC-32: that part is then read
back whole instead of parsed again — zipfile checks every byte read against the
CRC in the file, which must be the CRC of the bytes that were parsed.
"""
from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path
from typing import Mapping
from xml.parsers import expat

from ..errors import WriteError

XML_SUFFIXES = (".xml", ".rels", ".vml")
CHUNK = 1024 * 1024
FAILED = "{target}：写出的文件自检未通过（{problem}），未保存；原有文件（如有）保持不变。请把此情况报告给维护人员"


class _Doctype(Exception):
    pass


class XmlCheck:
    """One part's XML fed in pieces as it is made; ``problem`` says (in Chinese) what is wrong, or None."""

    def __init__(self):
        self.failed: str | None = None
        self.ended = False
        self.parser = expat.ParserCreate()
        self.parser.StartDoctypeDeclHandler = _refuse_doctype

    def feed(self, chunk: bytes) -> None:
        if self.failed is None:
            self._parse(chunk, False)

    def problem(self) -> str | None:
        if self.failed is None and not self.ended:
            self.ended = True
            self._parse(b"", True)
        return self.failed

    def _parse(self, chunk: bytes, final: bool) -> None:
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError as err:
            self.failed = f"第 {err.lineno} 行第 {err.offset + 1} 列不是合法的 XML（{expat.ErrorString(err.code)}）"
        except _Doctype:
            self.failed = "含有文档类型声明（DTD）"


def package_problem(path: str | os.PathLike, proven: Mapping[str, int] | None = None) -> str | None:
    """What is wrong with the package at ``path`` (Chinese), or None when every XML part is well-formed.

    A part named in ``proven`` with the CRC-32 it has in the file was parsed by its
    writer: it is only read back, which proves the file holds exactly those bytes.
    """
    proven = proven or {}
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.filename.lower().endswith(XML_SUFFIXES):
                    continue
                if proven.get(info.filename) == info.CRC:
                    _read_back(archive, info)
                    continue
                problem = part_problem(archive, info)
                if problem:
                    return f"部件 {info.filename} {problem}"
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
        return f"压缩包不完整（{type(err).__name__}）"
    return None


def _read_back(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    with archive.open(info) as stream:  # BadZipFile at the end when a byte differs from the CRC's
        while stream.read(CHUNK):
            pass


def part_problem(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """What is wrong with one XML part of ``archive`` (Chinese), or None when it is well-formed."""
    check = XmlCheck()
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            check.feed(chunk)
            if check.failed:
                break
    return check.problem()


def _refuse_doctype(*_args) -> None:
    raise _Doctype


def verify_package(written: str | os.PathLike, target: str | os.PathLike,
                   proven: Mapping[str, int] | None = None) -> None:
    """WriteError naming ``target`` when the package just written at ``written`` is not well-formed
    (``proven``: parts its writer parsed as it made them, ``package_problem``)."""
    problem = package_problem(written, proven)
    if problem:
        raise WriteError(FAILED.format(target=Path(target), problem=problem))
