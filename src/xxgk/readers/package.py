"""Reading back a package we have just written: every XML part must parse, or it is not reported written.

A summary, template, marked copy or Word export is a zip of XML parts, several of
them streamed together by hand. Before the file replaces its target, each part is
parsed as written (expat, streamed, no tree kept), so a character XML cannot hold
or a broken splice is caught here and never reported as success.
"""
from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path
from xml.parsers import expat

from ..errors import WriteError

XML_SUFFIXES = (".xml", ".rels", ".vml")
CHUNK = 1024 * 1024
FAILED = "{target}：写出的文件自检未通过（{problem}），未保存；原有文件（如有）保持不变。请把此情况报告给维护人员"


class _Doctype(Exception):
    pass


def package_problem(path: str | os.PathLike) -> str | None:
    """What is wrong with the package at ``path`` (Chinese), or None when every XML part is well-formed."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename.lower().endswith(XML_SUFFIXES):
                    problem = _part_problem(archive, info)
                    if problem:
                        return f"部件 {info.filename} {problem}"
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
        return f"压缩包不完整（{type(err).__name__}）"
    return None


def _part_problem(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    parser = expat.ParserCreate()

    def refuse_doctype(*_args) -> None:
        raise _Doctype

    parser.StartDoctypeDeclHandler = refuse_doctype
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as err:
        return f"第 {err.lineno} 行第 {err.offset + 1} 列不是合法的 XML（{expat.ErrorString(err.code)}）"
    except _Doctype:
        return "含有文档类型声明（DTD）"
    return None


def verify_package(written: str | os.PathLike, target: str | os.PathLike) -> None:
    """WriteError naming ``target`` when the package just written at ``written`` is not well-formed."""
    problem = package_problem(written)
    if problem:
        raise WriteError(FAILED.format(target=Path(target), problem=problem))
