"""Writing outputs atomically: a reader never sees a half-written file."""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import WriteError


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
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix + ".part", dir=folder)
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
