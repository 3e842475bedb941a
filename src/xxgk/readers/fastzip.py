"""A workbook's zip read in one go, for the fast reader: stricter than zipfile, never more lenient.

The whole file is read into memory (workbooks are tens of kilobytes; larger
files go to the careful reader), the central directory is parsed with struct,
and a member is inflated only when asked for, checked against its declared
size and CRC. Anything unusual — a zip comment, zip64, encryption, duplicate
or non-ASCII names, a member whose local header disagrees with the directory,
the size limits of ``safezip`` — raises ``Doubt``: the caller then lets the
careful reader (the authority, with its Chinese messages) handle the file.
"""
from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass

from .safezip import MAX_MEMBER_BYTES, MAX_MEMBERS, MAX_RATIO, MAX_TOTAL_BYTES, RATIO_FLOOR_BYTES

# Far above a filled template (about 60 KB); bigger files are the careful reader's business.
MAX_FILE_BYTES = 4 * 1024 * 1024
_END = struct.Struct("<4s4H2LH")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_LOCAL = struct.Struct("<4s5H3L2H")


class Doubt(Exception):
    """The fast path does not vouch for this file; read it carefully instead."""


@dataclass(frozen=True)
class Member:
    name: str
    method: int
    crc: int
    compressed: int
    size: int
    offset: int  # of the local header


class RawZip:
    """The members of one zip file, each inflated on demand and verified."""

    def __init__(self, path: str, data: bytes | None = None):
        self.path = path
        if data is None:
            with open(path, "rb") as stream:
                data = stream.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES or not data.startswith(b"PK\x03\x04"):
            raise Doubt("not a small zip")
        self.data = data
        self.members = _directory(data)
        _check_limits(self.members.values())

    def names(self) -> list[str]:
        return list(self.members)

    def raw(self, name: str) -> bytes:
        """The member's compressed bytes, exactly as stored (a cache key for what they hold)."""
        member = self.members[name]
        data = self.data
        header = data[member.offset:member.offset + _LOCAL.size]
        if len(header) < _LOCAL.size:
            raise Doubt("local header cut off")
        signature, *_, name_len, extra_len = _LOCAL.unpack(header)
        start = member.offset + _LOCAL.size
        if signature != b"PK\x03\x04" or data[start:start + name_len] != name.encode("ascii"):
            raise Doubt("local header differs from the directory")
        begin = start + name_len + extra_len
        if begin + member.compressed > len(data):
            raise Doubt("member runs past the end")
        return data[begin:begin + member.compressed]

    def read(self, name: str) -> bytes:
        member = self.members[name]
        raw = self.raw(name)
        if member.method == 0:
            plain = raw
        else:
            inflater = zlib.decompressobj(-15)
            try:
                plain = inflater.decompress(raw, member.size + 1)
            except zlib.error:
                raise Doubt("deflate error") from None
            if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
                raise Doubt("deflate stream does not end where declared")
        if len(plain) != member.size or zlib.crc32(plain) != member.crc:
            raise Doubt("size or CRC mismatch")
        return plain


def _directory(data: bytes) -> dict[str, Member]:
    if len(data) < _END.size:
        raise Doubt("too short")
    end = _END.unpack(data[-_END.size:])
    signature, disk, cd_disk, on_disk, total, cd_size, cd_offset, comment = end
    if signature != b"PK\x05\x06" or disk or cd_disk or on_disk != total or comment:
        raise Doubt("unusual end record")
    if cd_offset + cd_size != len(data) - _END.size or total > MAX_MEMBERS:
        raise Doubt("central directory not where declared")
    members: dict[str, Member] = {}
    pos = cd_offset
    for _ in range(total):
        fields = _CENTRAL.unpack(data[pos:pos + _CENTRAL.size])
        (signature, _made, _needed, flags, method, _time, _date, crc, compressed, size,
         name_len, extra_len, comment_len, _disk, _internal, _external, offset) = fields
        name_bytes = data[pos + _CENTRAL.size:pos + _CENTRAL.size + name_len]
        pos += _CENTRAL.size + name_len + extra_len + comment_len
        if signature != b"PK\x01\x02" or flags & 0x1 or method not in (0, 8):
            raise Doubt("encrypted or unusual member")
        if 0xFFFFFFFF in (compressed, size, offset) or not name_bytes.isascii():
            raise Doubt("zip64 or non-ASCII name")
        name = name_bytes.decode("ascii")
        if name in members:
            raise Doubt("duplicate member")
        members[name] = Member(name, method, crc, compressed, size, offset)
    if pos != cd_offset + cd_size:
        raise Doubt("central directory size mismatch")
    return members


def _check_limits(members) -> None:
    """The limits of safezip.check_directory; beyond them the careful reader gives its message."""
    total = 0
    for member in members:
        total += member.size
        if member.size > MAX_MEMBER_BYTES:
            raise Doubt("member too large")
        if member.size > RATIO_FLOOR_BYTES and member.size > MAX_RATIO * max(member.compressed, 1):
            raise Doubt("compression ratio")
    if total > MAX_TOTAL_BYTES:
        raise Doubt("too large in total")


class MemoryArchive:
    """A RawZip looking like safezip.SafeArchive, so the careful part parsers can run on it."""

    def __init__(self, archive: RawZip):
        self.path = archive.path
        self._zip = archive
        self.opened: list[str] = []  # members the parsers read, in order: they decide the result

    def names(self) -> list[str]:
        return self._zip.names()

    def has(self, name: str) -> bool:
        return name in self._zip.members

    def open(self, name: str):
        self.opened.append(name)
        return io.BytesIO(self._zip.read(name))

    def read(self, name: str) -> bytes:
        self.opened.append(name)
        return self._zip.read(name)

    def guard(self, action, *args):
        return action(*args)
