"""Every file the tool reads is looked at here before it is opened.

Only a regular file is read. A FIFO blocks its reader for ever, ``/dev/zero``
never ends, a symbolic link that points to itself makes ``pathlib`` raise
``RuntimeError``: each is refused with a Chinese sentence naming the file, and
nothing is opened that could block. Reads of whole files are capped.
"""
from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

from .catalogue import ReadErrorKind as Kind, ReadMessage

TOO_LARGE = ReadMessage.FILE_TOO_LARGE
# Opened without waiting: were a FIFO to slip in between the check and the open, it would not block.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)


def input_kind(path: str | os.PathLike) -> Kind | None:
    """Why ``path`` cannot be read as a file (a ReadErrorKind), or None for a regular file. Opens nothing."""
    try:
        mode = os.stat(path).st_mode
    except OSError as err:
        return _stat_failure(path, err)
    except ValueError:  # an embedded NUL character
        return Kind.MISSING
    if stat.S_ISDIR(mode):
        return Kind.DIRECTORY
    return None if stat.S_ISREG(mode) else Kind.NOT_REGULAR


def _stat_failure(path: str | os.PathLike, err: OSError) -> Kind:
    if err.errno == errno.ELOOP:
        return Kind.LINK_LOOP
    if os.path.islink(path):
        return Kind.BROKEN_LINK if isinstance(err, FileNotFoundError) else Kind.LINK_LOOP
    if isinstance(err, (FileNotFoundError, NotADirectoryError)):
        return Kind.MISSING
    return Kind.UNREADABLE


def check_input(path: str | os.PathLike) -> None:
    """ReadError (Chinese, naming the file) unless ``path`` is a regular file."""
    kind = input_kind(path)
    if kind is Kind.DIRECTORY:  # not a workbook's refusal: any file may be asked for here
        raise ReadMessage.NOT_A_FILE.error(path)
    if kind is not None:
        raise kind.error(path)


def open_input(path: str | os.PathLike, limit: int | None = None) -> BinaryIO:
    """``path`` opened for reading when it is a regular file no larger than ``limit`` bytes."""
    check_input(path)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        raise Kind.UNREADABLE.error(path) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # replaced since the check
        os.close(fd)
        raise Kind.NOT_REGULAR.error(path)
    if limit is not None and info.st_size > limit:
        os.close(fd)
        raise TOO_LARGE.error(path, size=_size(info.st_size), limit=_size(limit))
    if _OPEN_FLAGS & getattr(os, "O_NONBLOCK", 0):
        os.set_blocking(fd, True)  # a regular file: reads never wait anyway
    return os.fdopen(fd, "rb")


def read_input(path: str | os.PathLike, limit: int) -> bytes:
    """The whole of a regular file of at most ``limit`` bytes (it may not grow past it while read)."""
    with open_input(path, limit) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise TOO_LARGE.error(path, size=f"超过 {_size(limit)}", limit=_size(limit))
    return data


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:.0f} MB"
    return f"{max(1, count // 1024)} KB"
