"""The vbaProject.bin itself: the compound file, the [MS-OVBA] streams, determinism, bad modules."""
from __future__ import annotations

import io
import subprocess
import sys

import olefile
import pytest
from oletools.olevba import VBA_Project, decompress_stream

from xxgk.formats import TEMPLATE_VERSION
from xxgk.vba import (
    VbaBuildError, build_vba_project, build_xxgk_vba_project, document_module_source, write_compound_file,
    xxgk_modules,
)

SHEETS = ["Sheet1", "Sheet2", "Sheet3"]


@pytest.fixture(scope="module")
def project_bin() -> bytes:
    return build_xxgk_vba_project(SHEETS)


@pytest.fixture(scope="module")
def ole(project_bin):
    return olefile.OleFileIO(io.BytesIO(project_bin), raise_defects=olefile.DEFECT_INCORRECT)


@pytest.fixture(scope="module")
def parsed(ole):
    """oletools' strict reading of the dir stream (relaxed=False raises on any unexpected record)."""
    project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
    project.parse_project_stream()
    list(project.parse_modules())
    return project


def test_compound_file_holds_the_streams_of_a_vba_project(ole):
    module_names = list(xxgk_modules(SHEETS))
    expected = {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT"} | {f"VBA/{m}" for m in module_names}
    assert {"/".join(p) for p in ole.listdir()} == expected
    assert ole.get_type("VBA") == olefile.STGTY_STORAGE
    assert ole.parsing_issues == []
    assert ole.sectorsize == 512 and ole.minisectorsize == 64 and ole.dll_version == 3


def test_vba_project_stream_is_the_bare_header_without_performance_cache(ole):
    # Reserved1 0x61CC, Version 0xFFFF (no cache: compile from source), Reserved2 0, Reserved3 1.
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")


def test_dir_stream_records(parsed):
    assert parsed.codepage == 936 and parsed.codec == "cp936"
    assert parsed.projectname == "VBAProject"
    assert parsed.syskind == 1 and parsed.lcid == 0x409 and parsed.lcidinvoke == 0x409
    by_name = {m.name: m for m in parsed.modules}
    assert list(by_name) == ["XxgkButtons", "xlwings", "ThisWorkbook", *SHEETS]
    for module in parsed.modules:
        assert module.streamname == module.name
        assert module.textoffset == 0  # the source starts the stream: no performance cache
    assert by_name["XxgkButtons"].type == 0x21 and by_name["xlwings"].type == 0x21  # procedural
    assert all(by_name[n].type == 0x22 for n in ["ThisWorkbook", *SHEETS])  # document


def test_stdole_is_referenced(ole):
    directory = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    assert b"stdole" in directory
    assert b"{00020430-0000-0000-C000-000000000046}#2.0#0#" in directory


def test_module_streams_hold_exactly_the_given_source(ole):
    for name, source in xxgk_modules(SHEETS).items():
        stored = bytes(decompress_stream(bytearray(ole.openstream(f"VBA/{name}").read())))
        assert stored == source.encode("cp936"), name


def test_template_version_is_filled_in_from_the_formats_package(ole):
    stored = bytes(decompress_stream(bytearray(ole.openstream("VBA/XxgkButtons").read()))).decode("cp936")
    assert f'XXGK_TEMPLATE_VERSION As String = "{TEMPLATE_VERSION}"' in stored
    assert "@XXGK_TEMPLATE_VERSION@" not in stored


def _decrypt(hex_text: str) -> bytes:
    """[MS-OVBA] 2.4.3.3 data decryption, written from the spec independently of the builder."""
    data = bytes.fromhex(hex_text)
    seed, version_enc, project_key_enc = data[0], data[1], data[2]
    assert seed ^ version_enc == 2
    plain_1, enc_1, enc_2 = seed ^ project_key_enc, project_key_enc, version_enc
    plain = bytearray()
    for byte_enc in data[3:]:
        byte = byte_enc ^ ((enc_2 + plain_1) & 0xFF)
        plain.append(byte)
        enc_2, enc_1, plain_1 = enc_1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = int.from_bytes(plain[ignored:ignored + 4], "little")
    assert len(plain) == ignored + 4 + length
    return bytes(plain[ignored + 4:])


def test_project_stream_lists_modules_and_is_unprotected_and_visible(ole):
    text = ole.openstream("PROJECT").read().decode("cp936")
    lines = text.split("\r\n")
    assert lines[0].startswith('ID="{') and text.endswith("\r\n")
    assert "Module=XxgkButtons" in lines and "Module=xlwings" in lines
    assert "Document=ThisWorkbook/&H00000000" in lines
    assert all(f"Document={s}/&H00000000" in lines for s in SHEETS)
    assert 'Name="VBAProject"' in lines
    fields = dict(line.split("=", 1) for line in lines if line[:4] in ("CMG=", "DPB=", "GC=\""))
    assert _decrypt(fields["CMG"].strip('"')) == bytes(4)  # no protection
    assert _decrypt(fields["DPB"].strip('"')) == b"\x00"  # no password
    assert _decrypt(fields["GC"].strip('"')) == b"\xff"  # visible


def test_projectwm_maps_every_module_name(ole):
    data = ole.openstream("PROJECTwm").read()
    expected = b"".join(n.encode() + b"\0" + n.encode("utf-16-le") + b"\0\0" for n in xxgk_modules(SHEETS))
    assert data == expected + b"\0\0"


def _check_red_black(ole, sid: int) -> int:
    """Black height of the sibling tree under ``sid``; asserts order and colour rules."""
    if sid == olefile.NOSTREAM:
        return 1
    entry = ole.direntries[sid]
    for side, sign in ((entry.sid_left, -1), (entry.sid_right, 1)):
        if side != olefile.NOSTREAM:
            other = ole.direntries[side]
            key = lambda e: (len(e.name), e.name.upper())  # noqa: E731
            assert (key(other) > key(entry)) == (sign > 0)
            if entry.color == 0:
                assert other.color == 1, "red node with a red child"
    left, right = _check_red_black(ole, entry.sid_left), _check_red_black(ole, entry.sid_right)
    assert left == right, "unequal black height"
    return left + entry.color


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 6, 7, 8, 12, 20, 33])
def test_directory_trees_are_valid_red_black_trees(count):
    tree = {f"S{i:0{1 + i % 3}d}": bytes([i]) * (i * 300) for i in range(count)}
    data = write_compound_file({"PROJECT": b"x", "VBA": tree})
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    for entry in ole.direntries:
        if entry is not None and entry.sid_child != olefile.NOSTREAM:
            assert ole.direntries[entry.sid_child].color == 1  # each tree's root is black
            _check_red_black(ole, entry.sid_child)
    for name, content in tree.items():  # streams on both sides of the 4096-byte mini stream cutoff
        assert ole.openstream(f"VBA/{name}").read() == content


def test_two_builds_are_byte_identical_even_across_processes(project_bin):
    assert build_xxgk_vba_project(SHEETS) == project_bin
    code = "import sys; from xxgk.vba import build_xxgk_vba_project as b; sys.stdout.buffer.write(b(%r))" % SHEETS
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                           env={"PYTHONHASHSEED": "12345", "PATH": ""}).stdout
    assert other == project_bin


def _module(name: str, body: str = "") -> str:
    return f'Attribute VB_Name = "{name}"\r\n{body}'


@pytest.mark.parametrize("modules, words", [
    ({"1bad": _module("1bad")}, "名称“1bad”无效"),
    ({"A": _module("B")}, 'Attribute VB_Name = "A"'),
    ({"A": _module("A", 'MsgBox "\U0001F600"\r\n')}, "代码页 936"),
    ({"A": _module("A"), "a": _module("a")}, "名称重复"),
    ({"C": _module("C", 'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"\r\n')}, "类模块"),
])
def test_bad_modules_are_refused_with_a_chinese_message(modules, words):
    with pytest.raises(VbaBuildError) as caught:
        build_vba_project(modules)
    assert words in str(caught.value)


def test_chinese_text_is_stored_in_code_page_936(ole):
    stored = bytes(decompress_stream(bytearray(ole.openstream("VBA/XxgkButtons").read())))
    assert "模板版本".encode("gbk") in stored


def test_lf_line_ends_become_crlf():
    data = build_vba_project({"M": 'Attribute VB_Name = "M"\nSub A()\nEnd Sub\n',
                              "ThisWorkbook": document_module_source("ThisWorkbook", workbook=True)})
    ole = olefile.OleFileIO(io.BytesIO(data))
    stored = bytes(decompress_stream(bytearray(ole.openstream("VBA/M").read())))
    assert stored == b'Attribute VB_Name = "M"\r\nSub A()\r\nEnd Sub\r\n'
