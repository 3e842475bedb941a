"""A source-only VBA project ([MS-OVBA]) as the bytes of a vbaProject.bin.

The project carries module source only, no compiled performance cache: the
_VBA_PROJECT stream is the bare 7-byte header with Version 0xFFFF, which
[MS-OVBA] 1.6 and 2.3.4.1 prescribe for writers so that Office ignores caches
and compiles the modules from source when it opens the workbook. Output is deterministic (fixed project id, fixed encryption seed,
no timestamps) so a committed .xlsm can be rebuilt byte for byte.
"""
from __future__ import annotations

import re
import struct
import uuid
from dataclasses import dataclass
from typing import Mapping

from ..errors import XxgkError
from .cfb import write_compound_file
from .compression import compress, decompress

# Chinese Excel stores module text in GBK; every string of the project uses this code page.
DEFAULT_CODEPAGE = 936
PROJECT_NAME = "VBAProject"
# VB_Base class ids of Excel's document modules (workbook, worksheet).
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
_STDOLE = (
    "stdole",
    "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation",
)
# Deterministic stand-ins for values Office randomises.
_PROJECT_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "xxgk:vbaProject")).upper() + "}"
_ENCRYPTION_SEED = 0x5A
_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}\Z")
_VB_NAME_RE = re.compile(r'Attribute VB_Name = "([^"]*)"\r?\n')
_VB_BASE_RE = re.compile(r'^Attribute VB_Base = "([^"]*)"\r?$', re.MULTILINE)


class VbaBuildError(XxgkError):
    """A module cannot go into the VBA project; the message is Chinese."""


@dataclass(frozen=True)
class _Module:
    name: str
    source: bytes  # in the project code page, CRLF line ends
    document: bool  # document module (ThisWorkbook, a sheet) rather than a standard module
    workbook: bool = False  # the workbook's own document module


def document_module_source(name: str, workbook: bool) -> str:
    """The source Excel keeps for an empty ThisWorkbook (``workbook``) or sheet module."""
    base = WORKBOOK_BASE if workbook else WORKSHEET_BASE
    lines = [
        f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{base}"',
        "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True",
    ]
    return "\r\n".join(lines) + "\r\n"


def vba_source_text(text: str) -> str:
    """``text`` with every line end made CRLF, as VBA stores module source."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def build_vba_project(modules: Mapping[str, str], codepage: int = DEFAULT_CODEPAGE) -> bytes:
    """The vbaProject.bin holding ``modules`` (module name -> source text).

    Each source must start with its ``Attribute VB_Name`` line, as an exported
    .bas does. A source with ``Attribute VB_Base`` of Excel's workbook or sheet
    class is a document module (its name must match the workbook's or sheet's
    code name); every other module is a standard module. Line ends become CRLF.
    Standard modules come first, then ThisWorkbook, then the sheets, as Office orders them.
    """
    parsed = [_parse_module(name, text, codepage) for name, text in modules.items()]
    if len({m.name.upper() for m in parsed}) != len(parsed):
        raise VbaBuildError("VBA 模块名称重复（VBA 不区分大小写）。")
    ordered = sorted(parsed, key=lambda m: (m.document, not m.workbook))
    streams = {m.name: _compressed(m.source, m.name) for m in ordered}
    # Reserved1, Version 0xFFFF ("ignore any cache"), Reserved2, Reserved3 as in [MS-OVBA] 3.1.1.
    streams["_VBA_PROJECT"] = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001)
    streams["dir"] = _compressed(_dir_stream(ordered, codepage), "dir")
    return write_compound_file({
        "PROJECT": _project_stream(ordered, codepage),
        "PROJECTwm": _project_wm_stream(ordered, codepage),
        "VBA": streams,
    })


def _parse_module(name: str, text: str, codepage: int) -> _Module:
    if not _NAME_RE.match(name):
        raise VbaBuildError(f"VBA 模块名称“{name}”无效：只能用英文字母、数字和下划线，以字母开头，最多 31 个字符。")
    source = vba_source_text(text)
    declared = _VB_NAME_RE.match(source)
    if not declared or declared.group(1) != name:
        raise VbaBuildError(f'VBA 模块“{name}”的第一行必须是 Attribute VB_Name = "{name}"。')
    bases = _VB_BASE_RE.findall(source)
    if bases and bases[0] not in (WORKBOOK_BASE, WORKSHEET_BASE):
        raise VbaBuildError(f"VBA 模块“{name}”的 VB_Base（{bases[0]}）不是 Excel 工作簿或工作表，暂不支持类模块。")
    try:
        encoded = source.encode(f"cp{codepage}")
    except UnicodeEncodeError as err:
        raise VbaBuildError(
            f"VBA 模块“{name}”含有代码页 {codepage} 无法表示的字符“{err.object[err.start:err.end]}”。"
        ) from None
    return _Module(name, encoded, document=bool(bases), workbook=bases[:1] == [WORKBOOK_BASE])


def _compressed(data: bytes, name: str) -> bytes:
    packed = compress(data)
    # A short final chunk that does not compress is padded with zeros by the
    # format itself; source text never does that, but never ship altered source.
    if decompress(packed) != data:
        raise VbaBuildError(f"VBA 模块“{name}”无法无损压缩（内容不像源代码）。")
    return packed


def _record(record_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(payload)) + payload


def _text_record(record_id: int, text: str, codepage: int, unicode_id: int | None = None) -> bytes:
    """A record with MBCS text, optionally followed by its UTF-16 twin (2.3.4.2)."""
    out = _record(record_id, text.encode(f"cp{codepage}"))
    if unicode_id is not None:
        out += _record(unicode_id, text.encode("utf-16-le"))
    return out


def _dir_stream(modules: list[_Module], codepage: int) -> bytes:
    u32 = lambda value: struct.pack("<I", value)  # noqa: E731 - a local shorthand
    info = b"".join([
        _record(0x0001, u32(1)),  # PROJECTSYSKIND: 32-bit Windows; Office recompiles for 64-bit
        _record(0x0002, u32(0x0409)),  # PROJECTLCID: MUST be 0x409
        _record(0x0014, u32(0x0409)),  # PROJECTLCIDINVOKE: MUST be 0x409
        _record(0x0003, struct.pack("<H", codepage)),  # PROJECTCODEPAGE
        _text_record(0x0004, PROJECT_NAME, codepage),  # PROJECTNAME
        _text_record(0x0005, "", codepage, 0x0040),  # PROJECTDOCSTRING
        _text_record(0x0006, "", codepage, 0x003D),  # PROJECTHELPFILEPATH (HelpFile1, HelpFile2)
        _record(0x0007, u32(0)),  # PROJECTHELPCONTEXT
        _record(0x0008, u32(0)),  # PROJECTLIBFLAGS
        # PROJECTVERSION: its size field is the fixed Reserved value 4 though 6 bytes follow.
        struct.pack("<HIIH", 0x0009, 4, 1467127224, 5),
        _text_record(0x000C, "", codepage, 0x003C),  # PROJECTCONSTANTS
    ])
    name, libid = _STDOLE
    libid_bytes = libid.encode(f"cp{codepage}")
    references = _text_record(0x0016, name, codepage, 0x003E) + _record(
        0x000D, u32(len(libid_bytes)) + libid_bytes + u32(0) + struct.pack("<H", 0)
    )
    header = _record(0x000F, struct.pack("<H", len(modules))) + _record(0x0013, struct.pack("<H", 0xFFFF))
    body = b"".join(_module_record(m, codepage) for m in modules)
    return info + references + header + body + _record(0x0010, b"")


def _module_record(module: _Module, codepage: int) -> bytes:
    return b"".join([
        _text_record(0x0019, module.name, codepage),  # MODULENAME
        _record(0x0047, module.name.encode("utf-16-le")),  # MODULENAMEUNICODE
        _text_record(0x001A, module.name, codepage, 0x0032),  # MODULESTREAMNAME
        _text_record(0x001C, "", codepage, 0x0048),  # MODULEDOCSTRING
        _record(0x0031, struct.pack("<I", 0)),  # MODULEOFFSET: no performance cache before the source
        _record(0x001E, struct.pack("<I", 0)),  # MODULEHELPCONTEXT
        _record(0x002C, struct.pack("<H", 0xFFFF)),  # MODULECOOKIE
        _record(0x0022 if module.document else 0x0021, b""),  # MODULETYPE: document or procedural
        _record(0x002B, b""),  # terminator
    ])


def _project_stream(modules: list[_Module], codepage: int) -> bytes:
    lines = [f'ID="{_PROJECT_ID}"']
    lines += [f"Document={m.name}/&H00000000" if m.document else f"Module={m.name}" for m in modules]
    lines += [
        f'Name="{PROJECT_NAME}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
        # Not protected, no password, visible (2.3.1.15-17), each encrypted per 2.4.3.
        f'CMG="{_encrypt(bytes(4))}"', f'DPB="{_encrypt(bytes(1))}"', f'GC="{_encrypt(bytes([0xFF]))}"',
        "", "[Host Extender Info]", "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "", "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" if m.document else f"{m.name}=25, 25, 1439, 639, " for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode(f"cp{codepage}")


def _project_wm_stream(modules: list[_Module], codepage: int) -> bytes:
    names = b"".join(
        m.name.encode(f"cp{codepage}") + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00" for m in modules
    )
    return names + b"\x00\x00"


def _encrypt(data: bytes, seed: int = _ENCRYPTION_SEED) -> str:
    """[MS-OVBA] 2.4.3.2 data encryption, as upper-case hex."""
    version = 2
    project_key = sum(_PROJECT_ID.encode("ascii")) & 0xFF
    out = [seed, seed ^ version, seed ^ project_key]
    plain_previous, enc_previous, enc_before = project_key, out[2], out[1]
    ignored = bytes((seed & 6) // 2)  # any value will do; zeros keep it deterministic
    for byte in ignored + struct.pack("<I", len(data)) + data:
        encrypted = byte ^ ((enc_before + plain_previous) & 0xFF)
        out.append(encrypted)
        enc_before, enc_previous, plain_previous = enc_previous, encrypted, byte
    return bytes(out).hex().upper()
