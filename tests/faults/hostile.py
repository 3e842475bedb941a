"""Hostile files: zip bombs (declared and lying), entity bombs, external entities, huge tables.

Few, but real: the bombs really expand to tens of megabytes, the huge sheet really has a
million rows, each inside an otherwise genuine template.
"""
from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

from .base import (CLEAN, REFUSE, Case, edit, good_bytes, members, position, set_cell, sheet_parts, write,
                   zip_members)

BOMB_BYTES = 60 * 1024 * 1024  # beyond the reader's 50 MB per part, far beyond a real part (< 100 kB)
RATIO_BYTES = 8 * 1024 * 1024  # small enough for every limit but the compression ratio
HUGE_ROWS = 1_000_000
HUGE_STRINGS = 300_000
TOO_LARGE = ("异常庞大",)
UNSAFE = ("不安全",)
LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
          + "]>")
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
EXTERNAL_DTD = '<!DOCTYPE worksheet SYSTEM "http://127.0.0.1:9/evil.dtd">'


def _padded_sheet(xml: bytes, padding: int) -> bytes:
    """The sheet with ``padding`` spaces before </sheetData>: still well-formed XML."""
    at = xml.index(b"</sheetData>")
    return xml[:at] + b" " * padding + xml[at:]


def _streamed_zip(parts: dict[str, bytes], big: str, padding: int) -> bytes:
    """Write ``big`` through a streaming member, so the padding is never held whole in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name != big:
                archive.writestr(name, data)
                continue
            at = data.index(b"</sheetData>")
            with archive.open(name, "w", force_zip64=False) as stream:
                stream.write(data[:at])
                chunk = b" " * (1024 * 1024)
                for _ in range(padding // len(chunk)):
                    stream.write(chunk)
                stream.write(data[at:])
    return buffer.getvalue()


def lie_about_size(data: bytes, member: str, declared: int) -> bytes:
    """Rewrite the uncompressed size the central directory and local header declare for ``member``."""
    out = bytearray(data)
    name = member.encode("utf-8")
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        name_at = 46 if signature == b"PK\x01\x02" else 30
        pos = out.find(signature)
        while pos != -1:
            length = struct.unpack_from("<H", out, pos + 28 if signature == b"PK\x01\x02" else pos + 26)[0]
            if bytes(out[pos + name_at: pos + name_at + length]) == name:
                struct.pack_into("<I", out, pos + offset, declared)
            pos = out.find(signature, pos + 4)
    return bytes(out)


def zip_bombs(folder: Path, format_id: str) -> list[Case]:
    data = good_bytes(format_id)
    parts = members(data)
    sheet = sheet_parts(parts)[position(format_id, "t3.new.natural")[0]]
    declared = _streamed_zip(parts, sheet, BOMB_BYTES)
    lying = lie_about_size(declared, sheet, len(parts[sheet]))  # says "as big as the real sheet"
    # zlib's default level: the spaces must compress beyond the reader's ratio limit (level 1 stays below it)
    ratio = edit(data, lambda p: p.__setitem__(sheet, _padded_sheet(p[sheet], RATIO_BYTES)), level=6)
    many = dict(parts, **{f"xl/media/pad{i}.bin": b"" for i in range(2500)})
    return [
        Case(write(folder, f"压缩炸弹_声明_{format_id}.xlsx", declared), "hostile", "zip_bomb_declared", REFUSE,
             TOO_LARGE),
        Case(write(folder, f"压缩炸弹_谎报_{format_id}.xlsx", lying), "hostile", "zip_bomb_lying", REFUSE),
        Case(write(folder, f"压缩炸弹_压缩比_{format_id}.xlsx", ratio), "hostile", "zip_bomb_ratio", REFUSE,
             TOO_LARGE),
        Case(write(folder, f"部件过多_{format_id}.xlsx", zip_members(many)), "hostile", "too_many_parts", REFUSE,
             TOO_LARGE),
    ]


def _with_doctype(xml: bytes, doctype: str, entity_ref: str | None = None) -> bytes:
    """Put ``doctype`` after the XML declaration; optionally use an entity in the first <t> or <v>."""
    text = xml.decode("utf-8")
    declaration_end = text.index("?>") + 2 if text.startswith("<?xml") else 0
    text = text[:declaration_end] + doctype + text[declaration_end:]
    if entity_ref:
        for tag in ("<t>", '<t xml:space="preserve">', "<v>"):
            if tag in text:
                text = text.replace(tag, tag + entity_ref, 1)
                break
    return text.encode("utf-8")


def xml_attacks(folder: Path, format_id: str) -> list[Case]:
    data = good_bytes(format_id)
    sheet = sheet_parts(members(data))[position(format_id, "cover.agency")[0]]
    targets = {"workbook": "xl/workbook.xml", "sheet": sheet, "strings": "xl/sharedStrings.xml"}
    cases = []
    for where, member in targets.items():
        for variant, doctype, ref in (("entity_bomb", LAUGHS, "&lol9;"), ("external_entity", XXE, "&xxe;"),
                                      ("external_dtd", EXTERNAL_DTD, None)):
            changed = edit(data, lambda p, m=member, d=doctype, r=ref: p.__setitem__(m, _with_doctype(p[m], d, r)))
            path = write(folder, f"XML攻击_{variant}_{where}_{format_id}.xlsx", changed)
            cases.append(Case(path, "hostile", variant, REFUSE, UNSAFE))
    return cases


def million_rows(folder: Path, format_id: str) -> Case:
    """Table 三 followed by a million rows of figures, far below the form (a runaway fill-down)."""
    data = good_bytes(format_id)
    parts = members(data)
    member = sheet_parts(parts)[position(format_id, "t3.new.natural")[0]]
    xml = parts[member]
    at = xml.index(b"</sheetData>")
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(200, 200 + HUGE_ROWS))
    parts[member] = xml[:at] + rows + xml[at:]
    parts[member] = parts[member].replace(b'<dimension ref="A1:J', b'<dimension ref="A1:J1000200" x="')
    return Case(write(folder, f"一百万行_{format_id}.xlsx", zip_members(parts)), "hostile", "million_rows", CLEAN)


def huge_strings(folder: Path, format_id: str) -> Case:
    """A shared string table of 300,000 entries; the agency name is the very last one."""
    data = good_bytes(format_id)
    parts = members(data)
    table = parts["xl/sharedStrings.xml"].decode("utf-8")
    count = table.count("<si>")
    extra = "".join(f"<si><t>填充文字{i}</t></si>" for i in range(HUGE_STRINGS))
    last = count + HUGE_STRINGS
    table = table.replace("</sst>", extra + "<si><t>区超长字符串表局</t></si></sst>")
    parts["xl/sharedStrings.xml"] = table.encode("utf-8")
    sheet, ref = position(format_id, "cover.agency")
    member = sheet_parts(parts)[sheet]
    parts[member] = set_cell(parts[member].decode("utf-8"), ref, f"<v>{last}</v>", "s").encode("utf-8")
    return Case(write(folder, f"超大字符串表_{format_id}.xlsx", zip_members(parts)), "hostile", "huge_strings", CLEAN)


def generate(folder: Path) -> list[Case]:
    cases = []
    for format_id in ("2021", "2019"):
        cases += zip_bombs(folder, format_id) + xml_attacks(folder, format_id)
    cases.append(million_rows(folder, "2021"))
    cases.append(huge_strings(folder, "2021"))
    return cases
