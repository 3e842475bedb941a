"""Shared string tables proven well-formed without expat in the usual cases.

``PlainStrings``: every entry a plain ``<si><t>text</t></si>``, proven by a few
counting passes in C. ``RichStrings``: plain and rich entries as spreadsheets
save them. A LibreOffice- or Excel-saved table is mostly run formatting around a little
text: ``<si><r><rPr><sz val="11"/>…</rPr><t xml:space="preserve">text</t></r>…</si>``.
One regex split cuts the body at every text (``<t …>text</t>``); what lies
between two texts is a *joint*: markup only (``</t></r><r><rPr>…</rPr>``),
drawn from the small vocabulary of the template's formatting. Each distinct
joint is judged once, in context, against the grammar below, and remembered
(a cache of formatting markup, never of text: the texts are checked per file).

Proof. The grammar inside ``<sst>`` is ``<si>(T | R*) H* phoneticPr? </si>``
with T a ``<t>``, R a run ``<r><rPr>…</rPr>? T</r>``, H a phonetic guide
``<rPh …> T </rPh>``. At a text the grammar's state depends only on the
text's kind: plain (P), run (R) or phonetic (H). A joint judged valid between
kinds (a, b) — BEFORE[a] + joint + AFTER[b] matching the grammar — can
therefore stand between any a-text and b-text; the file's joints are valid,
and adjacent ones agree on the kind of the text between them, so the body
matches the grammar. Texts are checked apart: valid UTF-8 without U+FFFE/FFFF,
no control character or CR, ``&`` only in the five entities and in character
references naming XML characters, no ``]]>``. Element and attribute names are
fixed and unprefixed and attribute values plain, so nothing else can make
expat refuse the table: it is well-formed, and every entry reads as
``xmlparts.rich_text`` reads it (runs joined, phonetic guides left out).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate

from .fastsheet import utf8_xml, xml_character
from .possessive import possessive

_SST_HEAD = re.compile(rb'(?:<\?xml version="1\.0"(?: encoding="(?i:utf-8)")?(?: standalone="(?:yes|no)")?\?>'
                       rb'(?:\r?\n)?)?<sst xmlns="http://schemas\.openxmlformats\.org/spreadsheetml/2006/main"'
                       rb'(?: count="[0-9]{1,10}")?(?: uniqueCount="[0-9]{1,10}")?>')
_PRESERVE = b' xml:space="preserve">'
_SEPARATOR = b"</t></si><si><t"
_JOINT, _JOINT_PRESERVE = b"</t></si><si><t>", b'</t></si><si><t xml:space="preserve">'
_ENTRY_END = b"</si>"
_WINDOW = 8192  # bytes counted in one go while looking for the end of an entry
_ENTITIES = (b"&amp;", b"&lt;", b"&gt;", b"&quot;", b"&apos;")
# Bytes that may stand in entry text as they are; what is left after deleting them must be markup.
_TEXT_BYTES = bytes(b for b in range(256) if b not in b"<&]" and (b >= 0x20 or b in b"\t\n"))


def entry_end(document: bytes, entries: int) -> int | None:
    """Where the first ``entries`` entries end (just past that many ``</si>``), or None when fewer.

    The careful reader stops parsing there (``xmlparts.shared_strings``), so a prefix
    proven well-formed up to this point is exactly as much as it demands. A
    ``</si>`` found here that is not an entry's end (inside a comment, say) makes
    the prefix fail the proof, never pass it.
    """
    found, position, size = 0, _body_start(document), len(document)
    if position < 0:
        return None
    while True:  # count in windows (in C), then walk the last window entry by entry
        probe = document.find(_ENTRY_END, min(position + _WINDOW, size))
        window_end = size if probe < 0 else probe + len(_ENTRY_END)
        here = document.count(_ENTRY_END, position, window_end)
        if found + here >= entries:
            break
        if window_end == size:
            return None
        found, position = found + here, window_end
    for _ in range(entries - found):
        position = document.find(_ENTRY_END, position) + len(_ENTRY_END)
    return position


def _body_start(document: bytes) -> int:
    """Where the first entry starts after a plain ``<sst>`` head, or -1."""
    first = document.find(b"<si>")
    return first if first >= 0 and _SST_HEAD.fullmatch(document, 0, first) else -1


def _body(document: bytes, end: int | None) -> bytes | None:
    """The entries after a plain ``<sst>`` head: up to ``end``, or the whole table (empty without ``</sst>``)."""
    first = _body_start(document)
    if first < 0:
        return None
    if end is None:
        end = len(document) - 6 if document.endswith(b"</sst>") else first
    return document[first:end]


class PlainStrings:
    """A shared string table of plain entries only, proven well-formed without a parser.

    With every ``<`` of the body counted and each entry boundary found as the
    fixed joint ``</t></si><si><t>``, the body can only be ``<si><t>text</t></si>``
    repeated, the text free of markup.
    """

    def __init__(self, body: bytes, count: int):
        self.entries, self.count = body[6:-9], count  # entries: ">text" or ' xml:space="preserve">text'

    @classmethod
    def parse(cls, document: bytes, end: int | None = None) -> "PlainStrings | None":
        """The table, or its entries before ``end`` (see ``entry_end``); None when not plain."""
        body = _body(document, end)
        if body is None or not body.endswith(b"</t></si>"):
            return None
        markup = body.translate(None, _TEXT_BYTES)
        brackets, ampersands = markup.count(b"<"), markup.count(b"&")
        count = brackets // 4
        if brackets != 4 * count or len(markup) != brackets + ampersands:
            return None  # a "]", control character or CR in some text, or markup other than the entries
        if not body.startswith(b"<si><t>") and not body.startswith(b'<si><t xml:space="preserve">'):
            return None
        if body.count(_JOINT) + body.count(_JOINT_PRESERVE) != count - 1:
            return None
        if ampersands and ampersands != sum(body.count(entity) for entity in _ENTITIES):
            return None  # character references and the like: expat's business
        if not utf8_xml(body):
            return None
        return cls(body, count)

    def raw(self, wanted) -> dict[int, bytes]:
        """The wanted entries' text as stored (entities not yet decoded), all below ``count``.

        Split only as far as needed from either end: the marker's strings are the last
        entries, the cover's among the first.
        """
        found, low, high = {}, [i for i in wanted if i < self.count // 2], [i for i in wanted if i >= self.count // 2]
        if low:
            head = self.entries.split(_SEPARATOR, max(low) + 1)  # entries 0…max(low), then the rest
            found.update((i, head[i]) for i in low)
        if high:
            tail = self.entries.rsplit(_SEPARATOR, self.count - min(high))  # the rest, then min(high)…
            found.update((i, tail[i - min(high) + 1]) for i in high)
        return {index: entry[len(_PRESERVE):] if entry.startswith(_PRESERVE) else entry[1:]
                for index, entry in found.items()}


_V = rb'"[^"<&\x00-\x1f]{0,256}+"'  # an attribute value: no markup, entity or control character
_T = rb'<t(?: xml:space="preserve")?+(?:/>|>[^<]*+</t>)'
_RPR_ELEMENT = (
    rb'<(?:rFont|charset|family|b|i|strike|outline|shadow|condense|extend|sz|u|vertAlign|scheme)(?: val=' + _V
    + rb')?+/>|<color(?: auto=' + _V + rb')?+(?: indexed=' + _V + rb')?+(?: rgb=' + _V + rb')?+(?: theme='
    + _V + rb')?+(?: tint=' + _V + rb')?+/>')
_RUN = rb'<r>(?:<rPr>(?:' + _RPR_ELEMENT + rb')*+</rPr>|<rPr/>)?+' + _T + rb'</r>'
_PHONETIC = rb'<rPh sb="[0-9]{1,10}" eb="[0-9]{1,10}">' + _T + rb'</rPh>'
_PHONETIC_PROPERTIES = (rb'<phoneticPr fontId="[0-9]{1,10}"(?: type=' + _V + rb')?+(?: alignment=' + _V
                        + rb')?+/>')
_ENTRY = (rb'<si>(?:' + _T + rb'|(?:' + _RUN + rb')*+)(?:' + _PHONETIC + rb')*+(?:' + _PHONETIC_PROPERTIES
          + rb')?+</si>')
GRAMMAR = possessive(rb'(?:' + _ENTRY + rb')*+')  # the body of <sst>: what expat must find well-formed
# A text and the <t> around it: split() leaves joint, text, joint, text, …, joint.
_TEXTS = possessive(rb'<t(?: xml:space="preserve")?>([^<]*+)</t>')

START, PLAIN, RUN, PHONETIC = range(4)  # where a joint sits: body start/end, or after/before a text of a kind
_BEFORE = {START: b"", PLAIN: b"<si><t>x</t>", RUN: b"<si><r><t>x</t>", PHONETIC: b'<si><rPh sb="0" eb="0"><t>x</t>'}
_AFTER = {START: b"", PLAIN: b"<t>x</t></si>", RUN: b"<t>x</t></r></si>", PHONETIC: b"<t>x</t></rPh></si>"}
_TEXT_IN_MARKUP = re.compile(rb">[^<]|^[^<]")
_CHARACTER_REFERENCE = re.compile(rb"&#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}));")
MAX_JOINTS = 250  # distinct joints remembered; each gets one byte as its id
MAX_JOINT = 4096  # longer markup runs between texts are not template formatting: leave them to expat


class _Joints:
    """Joints judged so far: id, the kinds either side, how many entries each opens."""

    def __init__(self):
        self.ids: dict[bytes, int] = {}
        self.before, self.after, self.opened = bytearray(256), bytearray(256), bytearray(256)

    def id_of(self, joint: bytes) -> int:
        """The joint's id; KeyError when it fits nowhere in the grammar or the vocabulary is full."""
        known = self.ids.get(joint)
        if known is not None:
            return known
        if len(self.ids) >= MAX_JOINTS or len(joint) > MAX_JOINT or _TEXT_IN_MARKUP.search(joint) or not utf8_xml(joint):
            raise KeyError(joint)  # a joint is markup only: its texts would escape the checks below
        for before in (PLAIN, RUN, PHONETIC, START):
            for after in (PLAIN, RUN, PHONETIC, START):
                if GRAMMAR.fullmatch(_BEFORE[before] + joint + _AFTER[after]):
                    return self._remember(joint, before, after)
        raise KeyError(joint)

    def _remember(self, joint: bytes, before: int, after: int) -> int:
        new = len(self.ids) + 1  # 0 stays free: translate() tables map unused ids to it
        self.before[new], self.after[new], self.opened[new] = before, after, joint.count(b"<si>")
        self.ids[joint] = new
        return new


JOINTS = _Joints()


class RichStrings:
    """A table of plain and rich entries, proven well-formed; entries read as rich_text reads them."""

    def __init__(self, parts: list, ids: bytes):
        self.parts, self.ids = parts, ids
        self.opened = list(accumulate(ids.translate(JOINTS.opened)))  # entries opened up to each joint
        self.count = self.opened[-1]

    @classmethod
    def parse(cls, document: bytes, end: int | None = None) -> "RichStrings | None":
        """The table, or its entries before ``end`` (see ``entry_end``); None when not in this dialect."""
        body = _body(document, end)
        if body is None or not body.endswith(b"</si>"):
            return None
        parts = _TEXTS.split(body)
        joints = parts[::2]
        try:
            ids = bytes(map(JOINTS.ids.__getitem__, joints))  # the usual case: every joint known, all in C
        except KeyError:
            try:
                ids = bytes(map(JOINTS.id_of, joints))
            except KeyError:
                return None
        if not _chained(ids) or not _texts_allowed(parts[1::2]):
            return None
        return cls(parts, ids)

    def raw(self, index: int) -> bytes:
        """Entry ``index``'s text as stored: plain and run texts joined, entities not yet decoded."""
        low, high = bisect_left(self.opened, index + 1), bisect_right(self.opened, index + 1)
        # text k follows joint k - 1; its kind is the one that joint opens
        return b"".join(self.parts[2 * k + 1] for k in range(low, high)
                        if JOINTS.after[self.ids[k]] in (PLAIN, RUN))


def _chained(ids: bytes) -> bool:
    """Each joint's kind after a text matches the next one's kind before it; START only at the ends."""
    before, after = ids.translate(JOINTS.before), ids.translate(JOINTS.after)
    if before[0] != START or after[-1] != START:
        return False
    inner_before, inner_after = before[1:], after[:-1]
    return inner_before == inner_after and START not in inner_after


def _texts_allowed(texts: list) -> bool:
    """What expat demands of element text, checked for all texts at once."""
    if not texts:
        return True
    joined = b"<".join(texts)  # an ASCII joint: UTF-8, entities and "]]>" cannot span two texts
    rest = joined.translate(None, _TEXT_BYTES)  # left: "<" joints, "&", "]" and control characters
    ampersands = rest.count(b"&")
    if len(rest) != len(texts) - 1 + ampersands + rest.count(b"]"):
        return False  # a control character or CR
    if b"]" in rest and b"]]>" in joined:
        return False
    if ampersands and not _entities_allowed(joined, ampersands):
        return False
    return utf8_xml(joined)


def _entities_allowed(joined: bytes, ampersands: int) -> bool:
    references = _CHARACTER_REFERENCE.findall(joined) if b"&#" in joined else []
    if ampersands != len(references) + sum(joined.count(entity) for entity in _ENTITIES):
        return False
    return all(xml_character(int(hexadecimal, 16) if hexadecimal else int(decimal))
               for hexadecimal, decimal in references)
