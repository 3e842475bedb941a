"""File names as text a person can read, whatever bytes the file system gave.

A zip made on Chinese Windows stores its names in GBK; unpacked on Linux or macOS the names stay
GBK bytes, which Python hands over as "surrogate escapes" (U+DC80–U+DCFF, one per byte that is not
UTF-8). Such a string opens the file but cannot be written as UTF-8 — not to a terminal, not into a
workbook. Here every name part holding such bytes is decoded best effort, GBK first, for showing;
the path itself stays as it was, for opening.
"""
from __future__ import annotations

import codecs
import re
from urllib.parse import quote

UNDECODABLE = re.compile("[\udc80-\udcff]")
_PART = re.compile(r"[^/\\]+")
ENCODINGS = ("gbk", "gb18030")  # gb18030 is GBK's superset: names GBK has no code for
CONSOLE_ERRORS = "xxgk.readable"  # the error handler of our terminal streams (registered below)


def readable(text: str) -> str:
    """``text`` (a path or file name) with each name part that holds undecodable bytes decoded."""
    if not UNDECODABLE.search(text):
        return text
    return _PART.sub(lambda part: _decoded(part.group()), text)


def _decoded(part: str) -> str:
    if not UNDECODABLE.search(part):
        return part
    raw = part.encode("utf-8", "surrogateescape")
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def link_target(text: str) -> str:
    """A relative hyperlink target for a path with undecodable bytes: the very bytes, as %XX escapes."""
    return quote(text.encode("utf-8", "surrogateescape"), safe="/\\:")


def _console_replace(err: UnicodeError) -> tuple[bytes, int]:
    """Encode what a stream's codec could not: a run of undecodable bytes as the name they spell,
    any other character (an emoji on a GBK console) as '?'."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    end = err.end
    while end < len(err.object) and UNDECODABLE.match(err.object, end):
        end += 1  # some codecs (GBK) report one character at a time; decode the whole run at once
    text = readable(err.object[err.start:end])
    return text.encode(err.encoding, "replace"), end


codecs.register_error(CONSOLE_ERRORS, _console_replace)
