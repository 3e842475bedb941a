"""Writing outputs atomically: a reader never sees a half-written file."""
from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path
from typing import Iterator

from .errors import WriteError

# A temporary file is written and renamed within seconds; one this old was left by a killed run
# (SIGKILL, power cut: no clean-up code ran) and is removed by the next write of the same target.
STALE_SECONDS = 3600


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
        yield tmp
        if target.is_dir():
            raise WriteError(f"{target}：这是一个文件夹，无法作为输出文件。")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def temporary_prefix_suffix(target: Path) -> tuple[str, str]:
    return f".{target.stem}.", target.suffix + ".part"


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
