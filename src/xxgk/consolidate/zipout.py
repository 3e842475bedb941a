"""A zip file written member by member, some members deflated beforehand (``assemble``).

zipfile has no public call for adding data that is already compressed, and the
summary's longest sheets are deflated apart (in a second process, meanwhile).
So the summary's zip is written here by the book (PKWARE APPNOTE 6.3, the
plain records every spreadsheet application reads): for each member a local
header and its data, then the central directory and its end record — with
struct and zlib alone, never zipfile's internals. A summary is megabytes;
past the plain format's 4 GiB or 65,535 members it refuses with a Chinese
sentence instead of writing the Zip64 records.
"""
from __future__ import annotations

import shutil
import struct
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from ..errors import WriteError

LIMIT = 0xFFFFFFFF  # sizes and offsets of the plain format
MAX_MEMBERS = 0xFFFF
DEFLATED, VERSION = 8, 20  # deflate; version 2.0 needed to extract
UTF8_NAME = 0x800  # general purpose flag: the name is UTF-8
_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
COPY_BUFFER = 1024 * 1024
TOO_LARGE = "汇总表超过 4 GB 或成员过多，无法写入（请分批汇总）"


@dataclass(frozen=True)
class Compressed:
    """A member's data as a raw deflate stream in a file, with what its zip headers need."""

    path: str
    crc: int
    size: int
    compressed: int
    parsed: bool = False  # its plain bytes were parsed well-formed as they were made (readers.package)


@dataclass(frozen=True)
class _Written:
    name: bytes
    flags: int
    time: int
    date: int
    crc: int
    compressed: int
    size: int
    offset: int


class ZipWriter:
    """Members appended to ``stream`` (opened for binary writing, at its start); ``close`` ends the file."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.written: list[_Written] = []
        self.offset = 0

    def add(self, name: str, stamp: tuple, data: bytes) -> None:
        """``data`` deflated here, at zlib's default level (as zipfile's ZIP_DEFLATED does)."""
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        body = compressor.compress(data) + compressor.flush()
        self._header(name, stamp, zlib.crc32(data), len(body), len(data))
        self.stream.write(body)
        self.offset += len(body)

    def add_compressed(self, name: str, stamp: tuple, member: Compressed) -> None:
        """The raw deflate stream in ``member.path`` copied in as it is."""
        self._header(name, stamp, member.crc, member.compressed, member.size)
        with open(member.path, "rb") as data:
            shutil.copyfileobj(data, self.stream, COPY_BUFFER)
        self.offset += member.compressed

    def close(self) -> None:
        start = self.offset
        for member in self.written:
            self.stream.write(_CENTRAL.pack(b"PK\x01\x02", VERSION, VERSION, member.flags, DEFLATED, member.time,
                                            member.date, member.crc, member.compressed, member.size, len(member.name),
                                            0, 0, 0, 0, 0o600 << 16, member.offset))
            self.stream.write(member.name)
        size = sum(_CENTRAL.size + len(member.name) for member in self.written)
        _within(start + size, len(self.written))
        self.stream.write(_END.pack(b"PK\x05\x06", 0, 0, len(self.written), len(self.written), size, start, 0))

    def _header(self, name: str, stamp: tuple, crc: int, compressed: int, size: int) -> None:
        _within(max(self.offset, compressed, size), len(self.written) + 1)
        encoded = name.encode("utf-8")
        flags = 0 if name.isascii() else UTF8_NAME
        time, date = dos_time(stamp)
        self.written.append(_Written(encoded, flags, time, date, crc, compressed, size, self.offset))
        header = _LOCAL.pack(b"PK\x03\x04", VERSION, flags, DEFLATED, time, date, crc, compressed, size, len(encoded), 0)
        self.stream.write(header + encoded)
        self.offset += len(header) + len(encoded)


def dos_time(stamp: tuple) -> tuple[int, int]:
    """(time, date) in MS-DOS form from (year, month, day, hour, minute, second), as zip headers hold them."""
    year, month, day, hour, minute, second = stamp[:6]
    return hour << 11 | minute << 5 | second // 2, max(year - 1980, 0) << 9 | month << 5 | day


def _within(largest: int, members: int) -> None:
    if largest > LIMIT or members > MAX_MEMBERS:
        raise WriteError(TOO_LARGE)
