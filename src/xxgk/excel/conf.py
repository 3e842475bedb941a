"""Telling xlwings which Python runs the buttons: the interpreter line of the user's xlwings.conf.

xlwings' VBA reads ``%USERPROFILE%\\.xlwings\\xlwings.conf`` with VBA's ``Input #``: one
``"KEY","value"`` pair per line, in the ANSI code page (GBK on Chinese Windows), and expands
``%VARIABLES%`` in a value. So the line is written in that code page, a path inside the user's
profile is written as ``%USERPROFILE%\\…`` (a Chinese user name then needs no encoding at all), and
every other line of the file stays as it was, byte for byte.
"""
from __future__ import annotations

import codecs
import locale
import os
import sys
from pathlib import Path

from ..errors import XxgkError
from ..fileio import atomic_path

KEY = "INTERPRETER_WIN"
PROFILE_VARIABLE = "%USERPROFILE%"


def conf_path(profile: str | os.PathLike) -> Path:
    return Path(profile) / ".xlwings" / "xlwings.conf"


def user_profile() -> str:
    """The folder xlwings' VBA calls ``Environ("USERPROFILE")``."""
    return os.environ.get("USERPROFILE") or str(Path.home())


def ansi_encoding() -> str:
    """The code page VBA's file input uses: ``mbcs`` where the system has one, else the locale's."""
    try:
        return codecs.lookup("mbcs").name
    except LookupError:
        return locale.getpreferredencoding(False)


def button_interpreter(executable: str = sys.executable) -> Path:
    """pythonw.exe beside the running interpreter (no console window flashes up), else the interpreter."""
    running = Path(executable)
    windowed = running.with_name("pythonw.exe")
    return windowed if windowed.is_file() else running


def conf_value(interpreter: str | os.PathLike, profile: str) -> str:
    """The interpreter as written in the file: relative to %USERPROFILE% when it lies inside it."""
    text, base = str(interpreter), profile.rstrip("\\/")
    if base and text[:len(base) + 1].lower() in (base.lower() + "\\", base.lower() + "/"):
        return PROFILE_VARIABLE + text[len(base):]
    return text


def write_interpreter(conf: Path, value: str, encoding: str) -> None:
    """Set the INTERPRETER_WIN line of ``conf`` to ``value``; XxgkError (Chinese) when it cannot be written."""
    try:
        line = f'"{KEY}","{value}"'.encode(encoding)
    except UnicodeEncodeError:
        raise XxgkError(f"Python 的路径“{value}”含有本机编码（{encoding}）无法表示的字符，xlwings 读不到它；"
                        f"请把 Python 装在只含中英文字符的文件夹中。") from None
    kept = [raw for raw in _lines(conf) if raw.strip() and not _is_interpreter_line(raw)]
    try:
        conf.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(conf) as tmp:
            tmp.write_bytes(b"".join(raw + b"\r\n" for raw in [*kept, line]))
    except OSError as err:
        raise XxgkError(f"{conf}：无法写入 xlwings 设置文件（{err.strerror or err}）。") from None


def _lines(conf: Path) -> list[bytes]:
    try:
        return conf.read_bytes().replace(b"\r\n", b"\n").split(b"\n")
    except FileNotFoundError:
        return []
    except OSError as err:
        raise XxgkError(f"{conf}：无法读取 xlwings 设置文件（{err.strerror or err}）。") from None


def _is_interpreter_line(raw: bytes) -> bool:
    name = raw.strip().lstrip(b'"').split(b'"', 1)[0].split(b",", 1)[0]
    return name.strip().upper() == KEY.encode()
