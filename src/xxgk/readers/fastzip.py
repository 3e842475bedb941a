"""A workbook's zip read in one go, for the fast reader: stricter than zipfile, never more lenient.

The whole file is read into memory (workbooks are tens of kilobytes; larger
files go to the careful reader), the central directory is parsed with struct,
and a member is inflated only when asked for, checked against its declared
size and CRC. Anything unusual — a zip comment, zip64, encryption, duplicate
or non-ASCII names, a member whose local header disagrees with the directory,
the size limits of ``safezip`` — raises ``Doubt``: the caller then lets the
careful reader (the authority, with its Chinese messages) handle the file.

Inflating is libdeflate's (the ``deflate`` package, about 2x zlib, CRC far
faster) when it is installed, zlib's otherwise. Both must give exactly the
declared size and CRC, so whichever inflates, the bytes are the zip's own.
"""
from __future__ import annotations

import io
import os
import stat
import struct
import zlib
from typing import NamedTuple

from .safezip import MAX_MEMBER_BYTES, MAX_MEMBERS, MAX_RATIO, MAX_TOTAL_BYTES, RATIO_FLOOR_BYTES

try:  # a speed-up (a dependency, yet optional here): zlib gives the same bytes
    import deflate as _libdeflate

    _libdeflate.deflate_decompress  # noqa: B018 - an old or foreign "deflate" module: use zlib
except (ImportError, AttributeError):  # pragma: no cover - depends on the installation
    _libdeflate = None

# Far above a filled template (about 60 KB); bigger files are the careful reader's business.
MAX_FILE_BYTES = 4 * 1024 * 1024
_END = struct.Struct("<4s4H2LH")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_LOCAL = struct.Struct("<4s5H3L2H")
_crc32 = getattr(_libdeflate, "crc32", zlib.crc32)


class Doubt(Exception):
    """The fast path does not vouch for this file; read it carefully instead."""


class Member(NamedTuple):
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
            data = _read_file(path)
        if len(data) > MAX_FILE_BYTES or not data.startswith(b"PK\x03\x04"):
            raise Doubt("not a small zip")
        self.data = data
        self.members = _directory(data)
        self._raw: dict[str, bytes] = {}
        _check_limits(self.members.values())

    def names(self) -> list[str]:
        return list(self.members)

    def raw(self, name: str) -> bytes:
        """The member's compressed bytes, exactly as stored (a cache key for what they hold)."""
        raw = self._raw.get(name)
        if raw is None:
            raw = self._raw[name] = self._locate(self.members[name])
        return raw

    def _locate(self, member: Member) -> bytes:
        data = self.data
        if member.offset + _LOCAL.size > len(data):
            raise Doubt("local header cut off")
        signature, *_, name_len, extra_len = _LOCAL.unpack_from(data, member.offset)
        start = member.offset + _LOCAL.size
        if signature != b"PK\x03\x04" or data[start:start + name_len] != member.name.encode("ascii"):
            raise Doubt("local header differs from the directory")
        begin = start + name_len + extra_len
        if begin + member.compressed > len(data):
            raise Doubt("member runs past the end")
        return data[begin:begin + member.compressed]

    def read(self, name: str) -> bytes:
        member = self.members[name]
        raw = self.raw(name)
        plain = raw if member.method == 0 else inflate(raw, member.size)
        if len(plain) != member.size or _crc32(plain) != member.crc:
            raise Doubt("size or CRC mismatch")
        return plain


def _read_file(path: str) -> bytes:
    """The file's bytes with two system calls; a file growing meanwhile is caught by the size check.

    Opened without waiting, and only a regular file is read: a FIFO or device goes to the careful
    reader, which refuses it by name.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        size = info.st_size
        if not stat.S_ISREG(info.st_mode) or size > MAX_FILE_BYTES:
            raise Doubt("not a small zip")
        return os.read(fd, size + 1)
    finally:
        os.close(fd)


def inflate(raw: bytes, size: int) -> bytes:
    """A raw deflate stream that must produce exactly ``size`` bytes and end there; Doubt otherwise."""
    if _libdeflate is not None:
        try:  # fails when the stream would give more than ``size`` bytes, or breaks off
            plain = bytes(_libdeflate.deflate_decompress(raw, size))
        except _libdeflate.DeflateError:
            raise Doubt("deflate error") from None
    else:
        inflater = zlib.decompressobj(-15)
        try:
            plain = inflater.decompress(raw, size + 1)
        except zlib.error:
            raise Doubt("deflate error") from None
        if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
            raise Doubt("deflate stream does not end where declared")
    if len(plain) != size:
        raise Doubt("size mismatch")
    return plain


def _directory(data: bytes) -> dict[str, Member]:
    if len(data) < _END.size:
        raise Doubt("too short")
    end = _END.unpack_from(data, len(data) - _END.size)
    signature, disk, cd_disk, on_disk, total, cd_size, cd_offset, comment = end
    if signature != b"PK\x05\x06" or disk or cd_disk or on_disk != total or comment:
        raise Doubt("unusual end record")
    if cd_offset + cd_size != len(data) - _END.size or total > MAX_MEMBERS:
        raise Doubt("central directory not where declared")
    members: dict[str, Member] = {}
    pos, unpack, size = cd_offset, _CENTRAL.unpack_from, _CENTRAL.size
    for _ in range(total):
        if pos + size > cd_offset + cd_size:
            raise Doubt("central directory cut off")
        (signature, _made, _needed, flags, method, _time, _date, crc, compressed, length,
         name_len, extra_len, comment_len, _disk, _internal, _external, offset) = unpack(data, pos)
        name_bytes = data[pos + size:pos + size + name_len]
        pos += size + name_len + extra_len + comment_len
        if signature != b"PK\x01\x02" or flags & 0x1 or method not in (0, 8):
            raise Doubt("encrypted or unusual member")
        if 0xFFFFFFFF in (compressed, length, offset) or not name_bytes.isascii():
            raise Doubt("zip64 or non-ASCII name")
        name = name_bytes.decode("ascii")
        if name in members:
            raise Doubt("duplicate member")
        members[name] = Member(name, method, crc, compressed, length, offset)
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
