"""Reports in traditional characters (a site's 繁體版, a copy from Hong Kong or Taiwan) read as simplified.

The form's labels and the narrative patterns are simplified Chinese. OpenCC (opencc-purepy)
converts phrase by phrase; loading its dictionaries costs a third of a second, so it is
loaded only for a document that uses traditional-only characters.
"""
from __future__ import annotations

from dataclasses import replace
from functools import cache

from .document import Document

# Characters common in these reports that simplified text never uses.
_TRADITIONAL_ONLY = frozenset("開請報資數處國務於與機關區縣鎮會這為結複訴辦議據統計條項號網當後對發們個時實現經過還進點變應將從")
_SAMPLE = 20_000  # characters looked at
_ENOUGH = 8  # traditional-only characters that make a document traditional


def is_traditional(document: Document) -> bool:
    seen = looked = 0
    for line in document.lines:
        for cell in line.cells:
            seen += sum(1 for ch in cell if ch in _TRADITIONAL_ONLY)
            looked += len(cell)
        if seen >= _ENOUGH:
            return True
        if looked > _SAMPLE:
            break
    return False


def simplified(document: Document) -> tuple[Document, bool]:
    """The document in simplified characters, and whether it had to be converted."""
    if not is_traditional(document):
        return document, False
    convert = _converter().convert
    lines = tuple(replace(line, cells=tuple(convert(c) for c in line.cells)) for line in document.lines)
    return replace(document, lines=lines), True


@cache
def _converter():
    from opencc_purepy import OpenCC

    return OpenCC("t2s")
