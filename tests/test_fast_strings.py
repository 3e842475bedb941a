"""Shared string tables with rich runs: the fast proof (readers.faststrings) against the careful reader.

Every table is put into a real template (xxgk.template via build_template, one zip member
rewritten) and read both ways: ``xmlparts.shared_strings`` (defusedxml iterparse, the
authority) and ``fastxml.SharedStrings`` (the fast reader's table). The fast one must give
the same entries, or decline with Doubt; when the careful one refuses, the fast one must
decline. Tables the rich proof is meant to cover must really be taken by it (not by the
expat fallback), and tables it must not vouch for must be left to expat. LibreOffice
re-saves (which write rich runs for mixed CJK/Latin text) go through the whole reader.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from reader_fixtures import build_template, rewrite_member, sample_values
from xxgk.errors import ReadError
from xxgk.formats import get_format
from xxgk.readers import read_workbook
from xxgk.readers.fast import read_fast
from xxgk.readers.faststrings import RichStrings, entry_end
from xxgk.readers.fastxml import SharedStrings
from xxgk.readers.fastzip import Doubt, RawZip
from xxgk.readers.safezip import SafeArchive
from xxgk.readers.xmlparts import shared_strings

MEMBER = "xl/sharedStrings.xml"
F2021 = get_format("2021")
HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="9" uniqueCount="9">')
GREY = b'<rPr><sz val="11"/><color rgb="FF808080"/><rFont val="WenQuanYi Zen Hei"/><family val="2"/></rPr>'
SONG = (b'<rPr><sz val="11"/><color theme="1" tint="-0.5"/><rFont val="' + "宋体".encode()
        + b'"/><charset val="1"/></rPr>')


def run(text: bytes, props: bytes = GREY, preserve: bool = True) -> bytes:
    space = b' xml:space="preserve"' if preserve else b""
    return b"<r>" + props + b"<t" + space + b">" + text + b"</t></r>"


def plain(text: bytes) -> bytes:
    return b"<si><t>" + text + b"</t></si>"


def rich(*runs: bytes, tail: bytes = b"") -> bytes:
    return b"<si>" + b"".join(runs) + tail + b"</si>"


def table(*entries: bytes) -> bytes:
    return HEAD + b"".join(entries) + b"</sst>"


# The shapes LibreOffice and Excel write: runs, phonetic guides, escapes, empty texts.
COVERED = {
    "runs": [rich(run("依据国办公开办函〔".encode()), run(b"2021", SONG), run("〕号 ".encode())),
             plain("单位名称".encode()), rich(run(b" lead and trail ", SONG, False))],
    "phonetic": [rich(run("東京".encode()), tail='<rPh sb="0" eb="2"><t>トウキョウ</t></rPh>'
                      '<phoneticPr fontId="1" type="noConversion"/>'.encode()),
                 b'<si><t>' + "大阪".encode() + b'</t><rPh sb="0" eb="2"><t>' + "オオサカ".encode()
                 + b'</t></rPh><phoneticPr fontId="1" type="noConversion"/></si>'],
    "entities": [rich(run(b"A&amp;B &lt;x&gt; &quot;q&quot; &apos;"), run(b"&#x4E2D;&#20013;&#9;&#13;&#10;")),
                 plain(b"&amp;lt; stays &amp;lt;")],
    "escapes": [rich(run(b"line_x000D_"), run(b"_x00"), run(b"0D_ split across runs")),
                plain(b"_x0041__x005F_x0041_")],
    "empty texts": [rich(run(b"", preserve=False), b"<r><rPr/><t/></r>", run(b"x")), b"<si><t/></si>",
                    b"<si><t></t></si>", b"<si><r><t xml:space=\"preserve\"/></r></si>", plain(b"after")],
    "brackets": [rich(run(b"a]b > c ] ]>"), run("【注】".encode())), plain(b"[1] ]")],
    "run properties": [rich(b"<r><rPr><b/><i val=\"1\"/><u val=\"single\"/><vertAlign val=\"superscript\"/>"
                            b"<color indexed=\"8\"/><scheme val=\"minor\"/></rPr><t>x</t></r>", run(b"y"))],
}
# Well-formed, read alike by both readers, but outside what the rich proof vouches for.
UNCOVERED = {
    "unusual rPr element": [rich(b"<r><rPr><sz val=\"9\"/><glow val=\"1\"/></rPr><t>x</t></r>")],
    "stray text between runs": [rich(run(b"a"), b"stray", run(b"b"))],
    "whitespace between runs": [rich(run(b"a"), b"\n  ", run(b"b"))],
    "comment": [rich(run(b"a"), b"<!-- note -->", run(b"b"))],
    "other xml:space": [b'<si><r><t xml:space="default">a</t></r></si>'],
}
# Tables expat refuses somewhere: in the entry damaged, the careful reader refuses too.
MALFORMED = {
    "unclosed run": rich(b"<r>" + GREY + b"<t>a</t>", run(b"b")),
    "bad entity": rich(run(b"a &nbsp; b")),
    "bare ampersand": rich(run(b"a & b")),
    "control character": rich(run(b"a\x01b")),
    "control character reference": rich(run(b"a&#1;b")),
    "cdata end": rich(run(b"a]]>b")),
    "invalid utf-8": rich(run(b"a\xe5\xaeb")),
    "mismatched kinds": b"<si><t>a</t></r><r><t>b</t></si>",
    "duplicate attribute": rich(b"<r><rPr><sz val=\"9\" val=\"9\"/></rPr><t>a</t></r>"),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("strings")
    return build_template(folder / "template.xlsx", F2021, sample_values(F2021))


def with_table(template: Path, folder: Path, name: str, document: bytes) -> Path:
    return rewrite_member(template, folder / f"{name}.xlsx", MEMBER, lambda _old: document)


def careful(path: Path, wanted: set[int]) -> dict[int, str] | None:
    try:
        with SafeArchive(path) as archive:
            return shared_strings(archive, MEMBER, wanted)
    except ReadError:
        return None


def fast(path: Path, wanted: set[int]) -> dict[int, str] | None:
    try:
        return SharedStrings(RawZip(str(path)).read(MEMBER)).pick(wanted)
    except Doubt:
        return None


def assert_never_more_lenient(path: Path, wanted: set[int]) -> dict[int, str] | None:
    expected, got = careful(path, wanted), fast(path, wanted)
    if expected is None:
        assert got is None, "the fast reader read what the careful one refuses"
    elif got is not None:
        assert got == expected
    return got


@pytest.mark.parametrize("name", sorted(COVERED))
def test_covered_shapes_are_proven_without_expat_and_read_exactly(template, tmp_path, name):
    entries = [plain(b"first"), *COVERED[name], plain(b"last")]
    document = table(*entries)
    assert RichStrings.parse(document) is not None, "the rich proof should take this table"
    path = with_table(template, tmp_path, "covered", document)
    wanted = set(range(len(entries)))
    got = assert_never_more_lenient(path, wanted)
    assert got is not None and got == careful(path, wanted)
    for index in wanted:  # one entry at a time too: the careful reader stops after it
        assert fast(path, {index}) == careful(path, {index})


def test_covered_values_are_what_a_spreadsheet_shows(template, tmp_path):
    document = table(*COVERED["entities"], *COVERED["escapes"], *COVERED["phonetic"])
    got = fast(with_table(template, tmp_path, "values", document), set(range(6)))
    assert got == {0: 'A&B <x> "q" \'中中\t\r\n', 1: "&lt; stays &lt;", 2: "line\r\r split across runs",
                   3: "A_x0041_", 4: "東京", 5: "大阪"}


@pytest.mark.parametrize("name", sorted(UNCOVERED))
def test_uncovered_shapes_are_left_to_expat(template, tmp_path, name):
    entries = [plain(b"first"), *UNCOVERED[name], plain(b"last")]
    document = table(*entries)
    assert RichStrings.parse(document) is None
    path = with_table(template, tmp_path, "uncovered", document)
    wanted = set(range(len(entries)))
    assert careful(path, wanted) is not None
    assert_never_more_lenient(path, wanted)


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_tables_are_refused(template, tmp_path, name):
    # the joints of a valid table are known first: the damage must be caught all the same
    valid = table(*[entry for entries in COVERED.values() for entry in entries])
    assert RichStrings.parse(valid) is not None
    entries = [plain(b"first"), rich(run(b"a"), run(b"b")), MALFORMED[name], plain(b"last")]
    document = table(*entries)
    assert RichStrings.parse(document) is None
    path = with_table(template, tmp_path, "malformed", document)
    assert careful(path, {3}) is None, "expat should refuse this table"
    assert fast(path, {3}) is None
    assert_never_more_lenient(path, {1})


@pytest.mark.parametrize("damaged_at", [1, 2, 3])
def test_damage_around_the_last_wanted_entry(template, tmp_path, damaged_at):
    """Entry 2 is the last wanted: the careful reader stops after it, the fast one checks the whole table."""
    entries = [rich(run(str(i).encode()), run(b"x")) for i in range(5)]
    entries[damaged_at] = MALFORMED["control character"]
    path = with_table(template, tmp_path, "damage", table(*entries))
    got = assert_never_more_lenient(path, {0, 2})
    assert got is None  # stricter than the careful reader after the stop, never more lenient
    assert (careful(path, {0, 2}) is None) == (damaged_at <= 2)


def test_index_past_the_table_is_declined(template, tmp_path):
    path = with_table(template, tmp_path, "short", table(*COVERED["runs"]))
    assert fast(path, {len(COVERED["runs"])}) is None


def test_a_clerks_rich_name_through_the_whole_reader(template, tmp_path):
    """The cover's agency name typed with mixed fonts: read_fast equals read_workbook."""
    with zipfile.ZipFile(template) as book:
        document = book.read(MEMBER)
    name = sample_values(F2021)["cover.agency"]
    old = plain(name.encode())
    assert old in document, "the template writes the agency name as a plain shared string"
    new = rich(run(name[:1].encode(), SONG), run(b"&amp;_x000D_"), run(name[1:].encode(), preserve=False))
    path = with_table(template, tmp_path, "clerk", document.replace(old, new, 1))
    form = read_fast(path)
    assert form is not None and form == read_workbook(path)
    assert form.values["cover.agency"] == name[:1] + "&\r" + name[1:]


def test_libreoffice_saves_are_proven_and_read_exactly(libreoffice, tmp_path):
    sources = []
    for fmt_id in ("2021", "2019"):
        fmt = get_format(fmt_id)
        sources.append(build_template(tmp_path / f"lo_{fmt_id}.xlsx", fmt, sample_values(fmt)))
    for saved in libreoffice.recalc(sources, tmp_path / "saved"):
        with zipfile.ZipFile(saved) as book:
            document = book.read(MEMBER)
        assert b"<r>" in document, "LibreOffice is expected to write rich runs for mixed scripts"
        assert RichStrings.parse(document) is not None
        form = read_fast(saved)
        assert form is not None and form == read_workbook(saved)


def fast_prefix(path: Path, wanted: set[int]) -> dict[int, str] | None:
    """The fast reader's way: only the entries up to the highest one wanted are proven."""
    try:
        return SharedStrings(RawZip(str(path)).read(MEMBER), max(wanted) + 1).pick(wanted)
    except Doubt:
        return None


@pytest.mark.parametrize("kind", ["rich", "plain"])
@pytest.mark.parametrize("damaged_at", [1, 2, 3])
def test_a_prefix_is_proven_exactly_as_far_as_the_careful_reader_reads(template, tmp_path, kind, damaged_at):
    """Entry 2 is the last wanted: damage up to it is refused by both, damage after it by neither."""
    make = (lambda i: rich(run(str(i).encode()), run(b"x"))) if kind == "rich" else (lambda i: plain(str(i).encode()))
    entries = [make(i) for i in range(5)]
    entries[damaged_at] = MALFORMED["control character"] if kind == "rich" else plain(b"a\x01b")
    path = with_table(template, tmp_path, "prefix", table(*entries))
    expected, got = careful(path, {0, 2}), fast_prefix(path, {0, 2})
    assert got == expected
    assert (got is None) == (damaged_at <= 2)


def test_entry_end_is_the_end_of_each_entry():
    entries = [entry for entries in COVERED.values() for entry in entries]
    entries += [plain(f"第{i}项说明".encode()) for i in range(1200)]  # past several counting windows
    document = table(*entries)
    ends = [match.end() for match in re.finditer(rb"</si>", document)]
    assert len(ends) == len(entries) and ends[-1] > 3 * 8192
    assert [entry_end(document, k) for k in range(1, len(entries) + 1)] == ends
    assert entry_end(document, len(entries) + 1) is None
    assert entry_end(b"<sst>" + document[len(HEAD):], 1) is None  # a head the proofs do not take


def test_an_entry_end_inside_a_comment_is_declined(template, tmp_path):
    path = with_table(template, tmp_path, "comment", table(plain(b"a"), b"<!-- </si> -->" + plain(b"b"), plain(b"c")))
    assert careful(path, {1}) == {1: "b"}
    assert fast_prefix(path, {1}) is None


def test_string_markers_of_earlier_templates_are_read_alike(template, tmp_path):
    """Files from the first template carry the marks as strings, the last entries of the table."""
    with zipfile.ZipFile(template) as book:
        count = book.read(MEMBER).count(b"<si>")
    strings = rewrite_member(template, tmp_path / "strings.xlsx", MEMBER,
                             lambda old: old[:-6] + b"<si><t>2021</t></si><si><t>1</t></si></sst>")

    def as_strings(sheet: bytes) -> bytes:
        for ref, value, index in ((b"B1", b"2021", count), (b"B2", b"1", count + 1)):
            sheet, done = re.subn(rb'<c r="' + ref + rb'"([^>]*)><v>' + value + rb"</v></c>",
                                  rb'<c r="' + ref + rb'"\1 t="s"><v>' + str(index).encode() + rb"</v></c>", sheet)
            assert done == 1, ref
        return sheet

    path = rewrite_member(strings, tmp_path / "string_markers.xlsx", "xl/worksheets/sheet7.xml", as_strings)
    form = read_fast(path)
    assert form is not None and form == read_workbook(path)
    assert form.format_id == "2021" and form.template_version == "1"
