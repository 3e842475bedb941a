"""Opening an untrusted zip (an OOXML workbook) without letting it blow up.

Limits are checked on the central directory before anything is decompressed,
then every member is decompressed through a capped stream, so a header that
lies about sizes still cannot make us inflate more than the limit.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import IO

from ..catalogue import ReadErrorKind
from ..errors import ReadError

# Far above any real template (whose parts are tens of kilobytes).
MAX_MEMBERS = 2000
MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
# Ratios are only judged for members large enough to matter.
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 1024 * 1024
CHUNK = 64 * 1024

# What a broken archive raises somewhere inside zipfile / zlib.
ZIP_FAILURES = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError,
                OSError, KeyError, IndexError, OverflowError)

DAMAGED, TOO_LARGE = ReadErrorKind.DAMAGED, ReadErrorKind.TOO_LARGE


class TooLarge(Exception):
    """A member turned out larger than allowed while decompressing."""


class CappedReader(io.RawIOBase):
    """A read-only stream that raises TooLarge after ``limit`` bytes."""

    def __init__(self, stream: IO[bytes], limit: int):
        self._stream = stream
        self._left = limit

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        # the member's stream holds the zip file open (on Windows: locked, its folder not removable)
        if not self.closed:
            self._stream.close()
        super().close()

    def read(self, size: int = -1) -> bytes:
        size = CHUNK if size is None or size < 0 or size > CHUNK else size
        data = self._stream.read(size)
        self._left -= len(data)
        if self._left < 0:
            raise TooLarge()
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class SafeArchive:
    """A zip whose directory passed the limits; members are read through caps."""

    def __init__(self, path: str | Path, kind: str = "damaged", check: bool = True):
        """``check=False`` skips the limits on the whole directory (each member read stays capped)."""
        self.path = str(path)
        self._kind = kind
        try:
            self._zip = zipfile.ZipFile(self.path)
            infos = self._zip.infolist()
        except ZIP_FAILURES:
            raise DAMAGED.error(self.path) from None
        self._infos = {info.filename: info for info in infos}
        if check:
            check_directory(self.path, infos)

    def __enter__(self) -> "SafeArchive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def names(self) -> list[str]:
        return list(self._infos)

    def has(self, name: str) -> bool:
        return name in self._infos

    def open(self, name: str) -> IO[bytes]:
        """A capped stream of one member; failures surface as ReadError when read via ``guard``."""
        info = self._infos[name]
        try:
            raw = self._zip.open(info)
        except ZIP_FAILURES:
            raise DAMAGED.error(self.path) from None
        limit = min(info.file_size, MAX_MEMBER_BYTES)
        return io.BufferedReader(CappedReader(raw, limit), buffer_size=CHUNK)

    def read(self, name: str) -> bytes:
        with self.open(name) as stream:
            return self.guard(stream.read)

    def guard(self, action, *args):
        """Run ``action``; turn decompression failures and lying sizes into ReadError."""
        try:
            return action(*args)
        except TooLarge:
            raise TOO_LARGE.error(self.path, detail="解压后大小超过声明或上限") from None
        except ReadError:
            raise
        except ZIP_FAILURES:
            raise DAMAGED.error(self.path) from None


def check_directory(path: str, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse archives whose declared contents are absurd, before decompressing anything."""
    if len(infos) > MAX_MEMBERS:
        raise TOO_LARGE.error(path, detail=f"压缩包内有 {len(infos)} 个部件")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        mb = total // (1024 * 1024)
        raise TOO_LARGE.error(path, detail=f"解压后合计约 {mb} MB")
    for info in infos:
        if info.file_size > MAX_MEMBER_BYTES:
            mb = info.file_size // (1024 * 1024)
            raise TOO_LARGE.error(path, detail=f"部件 {info.filename} 解压后约 {mb} MB")
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise TOO_LARGE.error(path, detail=f"部件 {info.filename} 压缩比异常")
