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

from .errors import ReadError

MESSAGES = {
    "missing": "文件不存在",
    "directory": "这是一个文件夹，不是文件",
    "broken_link": "这是一个快捷方式（符号链接），它指向的文件不存在",
    "link_loop": "这是一个循环的符号链接（链接最终指向它自己），无法读取",
    "not_regular": "这不是普通文件（而是管道、设备或套接字），为安全起见不读取",
    "unreadable": "无法打开文件（没有读取权限或文件正被占用）",
}
TOO_LARGE = "文件过大（{size}），超过此类文件的上限 {limit}，为安全起见拒绝读取"
# Opened without waiting: were a FIFO to slip in between the check and the open, it would not block.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)


def input_kind(path: str | os.PathLike) -> str | None:
    """Why ``path`` cannot be read as a file (a MESSAGES key), or None for a regular file. Opens nothing."""
    try:
        mode = os.stat(path).st_mode
    except OSError as err:
        return _stat_failure(path, err)
    except ValueError:  # an embedded NUL character
        return "missing"
    if stat.S_ISDIR(mode):
        return "directory"
    return None if stat.S_ISREG(mode) else "not_regular"


def _stat_failure(path: str | os.PathLike, err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return "link_loop"
    if os.path.islink(path):
        return "broken_link" if isinstance(err, FileNotFoundError) else "link_loop"
    if isinstance(err, (FileNotFoundError, NotADirectoryError)):
        return "missing"
    return "unreadable"


def check_input(path: str | os.PathLike) -> None:
    """ReadError (Chinese, naming the file) unless ``path`` is a regular file."""
    kind = input_kind(path)
    if kind is not None:
        raise ReadError(str(path), kind, MESSAGES[kind])


def open_input(path: str | os.PathLike, limit: int | None = None) -> BinaryIO:
    """``path`` opened for reading when it is a regular file no larger than ``limit`` bytes."""
    check_input(path)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        raise ReadError(str(path), "unreadable", MESSAGES["unreadable"]) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # replaced since the check
        os.close(fd)
        raise ReadError(str(path), "not_regular", MESSAGES["not_regular"])
    if limit is not None and info.st_size > limit:
        os.close(fd)
        raise ReadError(str(path), "too_large", TOO_LARGE.format(size=_size(info.st_size), limit=_size(limit)))
    if _OPEN_FLAGS & getattr(os, "O_NONBLOCK", 0):
        os.set_blocking(fd, True)  # a regular file: reads never wait anyway
    return os.fdopen(fd, "rb")


def read_input(path: str | os.PathLike, limit: int) -> bytes:
    """The whole of a regular file of at most ``limit`` bytes (it may not grow past it while read)."""
    with open_input(path, limit) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise ReadError(str(path), "too_large", TOO_LARGE.format(size=f"超过 {_size(limit)}", limit=_size(limit)))
    return data


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:.0f} MB"
    return f"{max(1, count // 1024)} KB"
