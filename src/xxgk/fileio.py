"""Writing outputs atomically: a reader never sees a half-written file."""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Iterator

from .errors import WriteError

# A temporary file is written and renamed within seconds; one this old was left by a killed run
# (SIGKILL, power cut: no clean-up code ran) and is removed by the next write of the same target.
STALE_SECONDS = 3600
NAME_MAX = 255  # bytes in one file name (Linux, macOS; Windows counts 255 UTF-16 units)
TEMP_RANDOM = 8  # characters tempfile.mkstemp puts between prefix and suffix


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it over ``target``.

    The temporary file lives in the same folder so the final rename is atomic.
    On any exception the temporary file is removed and ``target`` is untouched.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise WriteError(f"{target}：文件夹“{folder}”不存在，无法写入。")
    remove_stale_parts(target)
    try:
        prefix, suffix = temporary_prefix_suffix(target)
        fd, tmp_name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    except OSError as err:
        raise WriteError(f"{target}：无法在“{folder}”中写入文件（{err.strerror}）。") from None
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp creates 0600; an output on a shared drive should get the usual permissions
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        try:
            yield tmp
            if target.is_dir():
                raise WriteError(f"{target}：这是一个文件夹，无法作为输出文件。")
            replace_output(tmp, target)
        except OSError as err:
            if err.filename not in (None, str(tmp), tmp):
                raise  # another file's trouble: it names that file
            raise write_failure(err, str(target)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def replace_output(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` over ``target``; Windows refuses while Excel or WPS holds ``target`` open."""
    try:
        os.replace(tmp, target)
    except PermissionError:
        raise WriteError(f"{target}：无法替换这个文件，它可能正在 Excel 或 WPS 中打开，或是只读文件。"
                         f"请先在 Excel 中关闭 {target.name}，再重新运行。") from None


def write_failure(err: OSError, what: str) -> WriteError:
    """A failed write as one Chinese sentence naming ``what`` was being written (a full disk says so)."""
    if err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        reason = "磁盘空间已满"
    elif err.errno == errno.EFBIG:
        reason = "文件超过了系统允许的大小"
    else:
        reason = err.strerror or type(err).__name__
    return WriteError(f"{what}：无法写入（{reason}），文件未保存；请腾出空间或换一个位置后重试。")


def temp_write_failure(err: OSError) -> WriteError:
    """A temporary file (in the system's temporary folder) could not be written."""
    return write_failure(err, f"临时文件夹“{tempfile.gettempdir()}”中的临时文件")


def temporary_prefix_suffix(target: Path) -> tuple[str, str]:
    """``.name.`` and ``.xlsx.part``, the name cut so the temporary name stays within NAME_MAX."""
    suffix = target.suffix + ".part"
    return f".{fitted(target.stem, TEMP_RANDOM + len(suffix.encode('utf-8', 'surrogateescape')) + 2)}.", suffix


def fitted(stem: str, extra: int) -> str:
    """``stem`` cut (by whole characters) so that it and ``extra`` bytes make a name of at most NAME_MAX.

    The limit is 255 bytes per name on Linux and macOS and 255 UTF-16 units on Windows; a name
    within 255 UTF-8 bytes is within both.
    """
    room = NAME_MAX - extra
    while len(stem.encode("utf-8", "surrogateescape")) > room:
        stem = stem[:-1]
    return stem


def remove_stale_parts(target: Path, max_age: float = STALE_SECONDS) -> list[Path]:
    """Delete hidden ``.part`` files of ``target`` older than ``max_age`` seconds; returns them.

    Younger ones may belong to a run still writing the same target, so they stay.
    """
    prefix, suffix = temporary_prefix_suffix(target)
    folder = target.parent if str(target.parent) else Path(".")
    removed = []
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            if path.name.startswith(prefix) and path.name.endswith(suffix):
                with contextlib.suppress(OSError):
                    if time.time() - path.stat().st_mtime > max_age and path.is_file():
                        path.unlink()
                        removed.append(path)
    return removed


# Prefixes of the temporary folders a consolidation makes (assemble, previous_summary); a SIGKILL or power
# cut leaves them behind in the system's temporary folder, and the next consolidation removes them.
TEMP_FOLDER_PREFIXES = ("xxgk-parts-", "xxgk-previous-")


def remove_stale_temp_folders(max_age: float = STALE_SECONDS, folder: str | None = None) -> list[Path]:
    """Delete our temporary folders older than ``max_age`` seconds; younger ones may be a running job's."""
    removed = []
    base = Path(folder or tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for path in base.iterdir():
            if not path.name.startswith(TEMP_FOLDER_PREFIXES):
                continue
            with contextlib.suppress(OSError):
                info = path.lstat()
                mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()  # another user's is theirs
                if path.is_dir() and not path.is_symlink() and mine and time.time() - info.st_mtime > max_age:
                    shutil.rmtree(path)
                    removed.append(path)
    return removed
