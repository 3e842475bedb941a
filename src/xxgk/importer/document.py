"""The intermediate every source becomes: a list of lines, each a tuple of cells.

A line is one table row when the source had cells (docx/html/pdf tables, tab
separated text, one-cell-per-line text), or one raw text line otherwise. The
table parser never looks at the source format again, only at these lines.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Word exports copied as text carry bookmark and image markers; they are not content.
_MARKERS = re.compile(r"\[(?:bookmark|image):[^\]\n]{0,300}\]")
# Page numbers of printed/PDF reports ("- 4 -", "第 3 页"): they would read as table figures.
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*共\s*\d+\s*页)?)\s*$")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_DASHES = str.maketrans({"\u2212": "-", "\ufe63": "-", "\uff0d": "-"})
_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
_CJK_GAP = re.compile(rf"(?<={_CJK})[ \u00a0]+(?={_CJK})")


@dataclass(frozen=True)
class Line:
    cells: tuple[str, ...]
    where: str  # Chinese position for messages: 第12行, 第3页, 第2个表格第5行
    structured: bool  # cells come from the source's own structure (table cells or tabs)
    exact: bool = False  # each cell is one column of a table grid (HTML, Word, ruled PDF, markdown): blanks are real


@dataclass(frozen=True)
class Document:
    source: str  # path as given, for messages
    kind: str  # txt, docx, html, pdf
    lines: tuple[Line, ...]

    @property
    def soft_wrapped(self) -> bool:
        """PDF text lines are wrapped mid-sentence; other sources break lines at paragraphs."""
        return self.kind == "pdf"


def clean_text(text: str) -> str:
    """NFKC (full-width digits, letters, brackets, spaces), no invisible or marker characters."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_DASHES)
    return _MARKERS.sub("", text).replace("**", "")


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text))


def join_cjk(text: str) -> str:
    """Drop stray spaces inside Chinese text: “商 业 企 业” -> “商业企业”."""
    return _CJK_GAP.sub("", text)


_DISPLAY = str.maketrans({",": "，", "(": "（", ")": "）", ":": "：", ";": "；", "?": "？", "!": "！"})


def for_display(text: str) -> str:
    """Source text quoted in a Chinese message: NFKC made its punctuation ASCII; give it back."""
    return text.translate(_DISPLAY)


def label_key(text: str) -> str:
    """What two labels are compared on: letters, digits and Chinese characters only.

    Brackets, quotes, enumeration marks and spaces differ between reports for the
    same label (“(一) 予以公开” vs “（一）予以公开”), so they are left out.
    """
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")
