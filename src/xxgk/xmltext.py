"""Text on its way into an XML part of an output: only characters XML 1.0 allows.

XML 1.0 has no place for most C0 control characters (an ESC pasted into an agency
name, a \\x01 in a file name), lone surrogates (what a file name that is not
valid UTF-8 decodes to) or U+FFFE / U+FFFF. One such character makes the whole
part malformed, and Excel then "repairs" the file by dropping the sheet. Every
writer passes text through here: ``xml_safe`` everywhere, or ``cell_safe`` where
the writer itself keeps control characters as OOXML's ``_xHHHH_`` escape (cell
text written by XlsxWriter or ``detail_stream.text_xml``).
"""
from __future__ import annotations

import re

REPLACEMENT = "\ufffd"  # the Unicode replacement character: visibly "a character was here"
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f"
_NEVER = "\ud800-\udfff\ufffe\uffff"
_NOT_XML = re.compile(f"[{_CONTROLS}{_NEVER}]")
_NOT_CELL = re.compile(f"[{_NEVER}]")


def xml_safe(text: str, replacement: str = REPLACEMENT) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced (by U+FFFD; a published document drops them)."""
    return _NOT_XML.sub(replacement, text) if _NOT_XML.search(text) else text


def cell_safe(text: str) -> str:
    """For cell text whose writer escapes control characters itself: only the never-allowed ones replaced."""
    return _NOT_CELL.sub(REPLACEMENT, text) if _NOT_CELL.search(text) else text
