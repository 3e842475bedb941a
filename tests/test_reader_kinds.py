"""read_workbook / detect_kind on files that are not (safe) workbooks: each a Chinese refusal, never a crash."""
from __future__ import annotations

import hashlib
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from reader_fixtures import (  # noqa: E402
    build_template, compound_file, patch_declared_sizes, rewrite_member, sample_values, zip_bytes,
)

from xxgk.catalogue import ReadErrorKind
from xxgk.errors import ReadError  # noqa: E402
from xxgk.formats import get_format  # noqa: E402
from xxgk.readers import detect_kind, read_workbook  # noqa: E402
from xxgk.readers import safezip  # noqa: E402

FMT = get_format("2021")


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("good") / "good.xlsx"
    return build_template(path, FMT, sample_values(FMT))


def refused(path: Path, kind: str, *words: str) -> ReadError:
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    with pytest.raises(ReadError) as caught:
        read_workbook(path)
    err = caught.value
    assert err.kind == kind, str(err)
    assert str(path) in str(err)
    for word in words:
        assert word in err.reason
    if digest is not None:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    return err


def test_a_good_workbook_is_detected_and_read(good):
    assert detect_kind(good) == "xlsx"
    assert read_workbook(good).format_id == "2021"


@pytest.mark.parametrize("content, kind, words", [
    (b"", "empty", ("空的",)),
    ("单位,年度,自然人\n区教育局,2023,5\n".encode("gb18030"), "csv", ("CSV",)),
    ("单位\t年度\n区教育局\t2023\n".encode("utf-8"), "csv", ("CSV",)),
    ("这是一份说明，不是表格。\n请查收。\n".encode("utf-8"), "text", ("纯文本",)),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "html", ("网页",)),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "pdf", ("PDF",)),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image", ("图片",)),
    (b"\xff\xd8\xff\xe0" + b"\0" * 64, "image", ("图片",)),
    (b"GIF89a" + b"\0" * 64, "image", ("图片",)),
    (bytes(range(256)) * 4, "unknown", ("无法识别",)),
])
def test_wrong_kinds_named_xlsx_are_refused(tmp_path, content, kind, words):
    path = tmp_path / "报表.xlsx"
    path.write_bytes(content)
    assert detect_kind(path) == kind
    refused(path, kind, *words)


@pytest.mark.parametrize("name", ["旧表.xls", "旧表.et", "改名.xlsx"])
def test_legacy_ole2_workbooks_are_named_as_xls_or_et(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(compound_file({"Workbook": b"\x09\x08" + b"\0" * 200}))
    assert detect_kind(path) == ReadErrorKind.XLS
    refused(path, ReadErrorKind.XLS, ".xls", "WPS", ".et", "另存为 .xlsx")


def test_an_encrypted_ooxml_package_is_named_as_encrypted(tmp_path):
    path = tmp_path / "加密.xlsx"
    path.write_bytes(compound_file({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\0" * 64}))
    refused(path, ReadErrorKind.ENCRYPTED, "加密", "密码")


def test_a_really_password_protected_workbook_is_named_as_encrypted(tmp_path, good):
    pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool not installed (test extra)")
    from msoffcrypto.format.ooxml import OOXMLFile

    path = tmp_path / "有密码.xlsx"
    with open(good, "rb") as plain, open(path, "wb") as out:
        OOXMLFile(plain).encrypt("secret", out)
    assert path.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    refused(path, ReadErrorKind.ENCRYPTED, "加密")


def test_other_ole2_files_and_broken_ole2_are_refused(tmp_path):
    word = tmp_path / "a.xlsx"
    word.write_bytes(compound_file({"WordDocument": b"x"}))
    refused(word, "office", "Office")
    other = tmp_path / "b.xlsx"
    other.write_bytes(compound_file({"Something": b"x"}))
    refused(other, "ole", "Office")
    broken = tmp_path / "c.xlsx"
    broken.write_bytes(compound_file({"Workbook": b"x"})[:700])
    refused(broken, ReadErrorKind.DAMAGED, "损坏")


def test_other_zip_packages_are_named(tmp_path):
    cases = {
        "ods": ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"},
                "OpenDocument"),
        "odf": ({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}, "OpenDocument"),
        "word": ({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}, "Word"),
        "xlsb": ({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0"}, ".xlsb"),
        "zip": ({"说明.txt": "你好".encode()}, "压缩包"),
    }
    for kind, (members, word) in cases.items():
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(zip_bytes(members))
        assert detect_kind(path) == kind
        refused(path, kind, word)


def test_directory_and_missing_file(tmp_path):
    folder = tmp_path / "目录.xlsx"
    folder.mkdir()
    refused(folder, "directory", "文件夹")
    refused(tmp_path / "没有.xlsx", "missing", "不存在")


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.99])
def test_truncated_workbooks_are_damaged(tmp_path, good, fraction):
    data = good.read_bytes()
    path = tmp_path / "截断.xlsx"
    path.write_bytes(data[: int(len(data) * fraction)])
    refused(path, ReadErrorKind.DAMAGED, "损坏")


def test_flipped_bytes_inside_a_part_are_caught_by_the_checksum(tmp_path, good):
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo("xl/worksheets/sheet3.xml")
    data = bytearray(good.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + 10
    for offset in range(start, start + 20):
        data[offset] ^= 0x5A
    path = tmp_path / "翻转.xlsx"
    path.write_bytes(bytes(data))
    refused(path, ReadErrorKind.DAMAGED, "损坏")


def test_a_missing_sheet_part_is_damaged(tmp_path, good):
    path = tmp_path / "缺表.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet3.xml":
                dst.writestr(info, src.read(info))
    refused(path, ReadErrorKind.DAMAGED, "表三")


def test_a_huge_declared_part_is_refused_before_decompressing(tmp_path, good):
    data = patch_declared_sizes(good.read_bytes(), {"xl/worksheets/sheet3.xml": 3 * 1024 ** 3})
    path = tmp_path / "声明过大.xlsx"
    path.write_bytes(data)
    refused(path, ReadErrorKind.TOO_LARGE, "庞大")


def test_a_huge_declared_total_is_refused(tmp_path, good):
    with zipfile.ZipFile(good) as archive:
        names = [i.filename for i in archive.infolist()][:6]
    data = patch_declared_sizes(good.read_bytes(), {n: 45 * 1024 ** 2 for n in names})
    path = tmp_path / "合计过大.xlsx"
    path.write_bytes(data)
    refused(path, ReadErrorKind.TOO_LARGE, "合计")


def test_a_real_zip_bomb_part_is_refused_by_its_ratio(tmp_path, good):
    bomb = b"<x>" + b" " * (8 * 1024 * 1024) + b"</x>"
    path = rewrite_member(good, tmp_path / "炸弹.xlsx", "xl/worksheets/sheet3.xml", lambda _: bomb)
    refused(path, ReadErrorKind.TOO_LARGE, "压缩比")


def test_a_part_that_lies_about_its_size_cannot_inflate_past_its_declaration(tmp_path, good):
    big = b"<worksheet>" + b" " * (600 * 1024) + b"</worksheet>"
    rewritten = rewrite_member(good, tmp_path / "lie.xlsx", "xl/worksheets/sheet3.xml", lambda _: big)
    data = patch_declared_sizes(rewritten.read_bytes(), {"xl/worksheets/sheet3.xml": 1000})
    path = tmp_path / "谎报.xlsx"
    path.write_bytes(data)
    refused(path, ReadErrorKind.DAMAGED, "损坏")


def test_the_capped_reader_stops_past_its_limit():
    import io

    reader = safezip.CappedReader(io.BytesIO(b"x" * 1000), limit=300)
    with pytest.raises(safezip.TooLarge):
        while reader.read(128):
            pass


def test_too_many_members_are_refused(tmp_path):
    members = {f"xl/media/{i}.bin": b"" for i in range(safezip.MAX_MEMBERS + 1)}
    path = tmp_path / "太多.xlsx"
    path.write_bytes(zip_bytes({"[Content_Types].xml": b"<Types/>", **members}))
    refused(path, ReadErrorKind.TOO_LARGE, "部件")


BOMB_DTD = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i else b"&lol;") * 10)
                       for i in range(1, 10))
            + b"]>")


@pytest.mark.parametrize("member, make", [
    ("xl/workbook.xml", lambda xml: BOMB_DTD + xml.split(b"?>", 1)[1].replace(b"<sheets>", b"<sheets>&lol9;", 1)),
    ("xl/sharedStrings.xml", lambda xml: b'<?xml version="1.0"?>'
     b'<!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     + xml.split(b"?>", 1)[1].replace(b"<t>", b"<t>&x;", 1)),
    ("xl/worksheets/sheet3.xml", lambda xml: b'<?xml version="1.0"?><!DOCTYPE worksheet>' + xml.split(b"?>", 1)[1]),
])
def test_entity_bombs_external_entities_and_dtds_are_refused(tmp_path, good, member, make):
    path = rewrite_member(good, tmp_path / "xml.xlsx", member, make)
    refused(path, ReadErrorKind.UNSAFE_XML, "不安全")


def test_malformed_xml_is_damaged(tmp_path, good):
    path = rewrite_member(good, tmp_path / "坏.xlsx", "xl/workbook.xml", lambda xml: xml[: len(xml) // 2])
    refused(path, ReadErrorKind.DAMAGED, "损坏")


def test_randomly_damaged_workbooks_end_in_a_value_or_a_refusal(tmp_path, good):
    """Flipped bytes, cut files, mangled or missing parts: never anything but FormData or ReadError."""
    import io
    import random

    rng = random.Random(20240131)
    original = good.read_bytes()
    with zipfile.ZipFile(good) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    outcomes = {}
    for case in range(150):
        mode = ("flip", "cut", "part")[case % 3]
        if mode == "flip":
            data = bytearray(original)
            for _ in range(rng.randint(1, 5)):
                data[rng.randrange(len(data))] ^= rng.randrange(1, 256)
        elif mode == "cut":
            data = original[: rng.randrange(len(original))]
        else:
            parts = dict(members)
            name = rng.choice(sorted(parts))
            text = bytearray(parts.pop(name))
            if rng.random() < 0.8 and text:
                for _ in range(rng.randint(1, 3)):
                    text[rng.randrange(len(text))] = rng.choice(b"<>&\"'/=x0 \x00\xff")
                parts[name] = bytes(text)
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                for member, content in parts.items():
                    archive.writestr(member, content)
            data = buffer.getvalue()
        path = tmp_path / f"case{case}.xlsx"
        path.write_bytes(bytes(data))
        try:
            read_workbook(path)
            outcomes["read"] = outcomes.get("read", 0) + 1
        except ReadError as err:
            assert str(path) in str(err) and err.reason
            outcomes[err.kind] = outcomes.get(err.kind, 0) + 1
    assert outcomes.get("damaged", 0) > 50
