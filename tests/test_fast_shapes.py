"""The fast reader's shortcuts, each against the careful reader (read_workbook).

The plain-dialect proofs (``fastsheet``: one regex over a sheet's data region, counting
passes over the shared strings) must read exactly what the careful reader reads, or
decline. Every variant here is the real template (xxgk.template) with one zip member
rewritten by hand: shapes the proofs cover (read without expat), shapes they leave to
expat (still read exactly), malformed bytes just before and after the row where the
careful scan stops, a CRC error it never reaches, and random single-byte damage.
"""
from __future__ import annotations

import random
import re
import struct
import zipfile
from pathlib import Path

import pytest

from reader_fixtures import build_template, rewrite_member, sample_values
from xxgk.errors import ReadError
from xxgk.formats import get_format
from xxgk.readers import fast, faststrings, fastsheet, fastxml, fastzip, read_workbook
from xxgk.readers.fast import read_fast

pytestmark = pytest.mark.heavy(4)  # CPU seconds, about: started first (tests/conftest.py)

F2021 = get_format("2021")
COVER, T3, STRINGS = "xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml", "xl/sharedStrings.xml"
X14AC = b' xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"'


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fast-shapes")
    values = sample_values(F2021, seed=3) | {"t3.new.natural": 17}
    return build_template(folder / "base.xlsx", F2021, values, live=True)


@pytest.fixture
def expat_calls(monkeypatch) -> list:
    """Table sheets the fast reader had to hand to expat (a spy: the real function still runs)."""
    calls = []
    original = fast.checked_cells

    def spy(middle, frame, wanted):
        calls.append(len(middle))
        return original(middle, frame, wanted)

    monkeypatch.setattr(fast, "checked_cells", spy)
    return calls


def careful(path: Path, explanations: bool = True):
    try:
        return read_workbook(path, explanations=explanations)
    except ReadError as err:
        return err


def same_or_declined(path: Path, explanations: bool = True):
    expected, got = careful(path, explanations), read_fast(path, explanations=explanations)
    if isinstance(expected, ReadError):
        assert got is None, f"{path.name}: the careful reader refuses it ({expected.kind}), the fast one read it"
    else:
        assert got is None or got == expected, path.name
    return got, expected


def edit(base: Path, name: str, member: str, *changes: tuple[bytes, bytes], regex: bool = False) -> Path:
    def change(data: bytes) -> bytes:
        for old, new in changes:
            if regex:
                data, count = re.subn(old, new, data, count=1)
            else:
                count = data.count(old)
                data = data.replace(old, new, 1)
            assert count, (member, old)
        return data

    return rewrite_member(base, base.parent / name, member, change)


D8 = rb'(<c r="D6"[^>]*>)<v>[^<]*</v>'  # the cell of t3.new.natural (表三!D6)
PAST_STOP = b'<row r="40" spans="1:10"><c r="A40" s="4"><v>1</v></c><c r="D40"><v>5</v></c></row></sheetData>'

PLAIN_SHAPES = {  # read without expat, exactly as the careful reader reads them
    "shared_formula": (T3, (rb"<f>SUM\(D6:I6\)</f>", b'<f t="shared" ref="J6:J7" si="0">SUM(D6:I6)</f>'),
                       (rb"<f>SUM\(D7:I7\)</f>", b'<f t="shared" si="0"/>')),
    "explicit_number_type": (T3, (rb'<c r="D6"( s="\d+")?>', rb'<c r="D6"\1 t="n">')),
    "decimal": (T3, (D8, rb"\1<v>2.50</v>")),
    "sixteen_digits": (T3, (D8, rb"\1<v>12345678901234567</v>")),
    "empty_value": (T3, (D8, rb"\1<v></v>")),
    "uncached_formula": (T3, (rb"(<f>SUM\(D6:I6\)</f>)<v>\d+</v>", rb"\1")),
    "cached_text_with_entities": (T3, (D8, '\\1<f>IF(D6&gt;0,"甲&amp;乙","")</f><v>甲&amp;乙 &lt;</v>'.encode())),
    "text_type": (T3, (rb'<c r="D6"( s="\d+")?><v>[^<]*</v>', '<c r="D6"\\1 t="str"><v>十七</v>'.encode())),
    "error_and_boolean": (T3, (rb'<c r="D6"( s="\d+")?><v>[^<]*</v>', rb'<c r="D6"\1 t="e"><v>#DIV/0!</v>'),
                          (rb'<c r="E8"( s="\d+")?><v>[^<]*</v>', rb'<c r="E8"\1 t="b"><v>1</v>')),
    "cell_twice": (T3, (rb'<c r="E6"', rb'<c r="D6"')),
    "rows_past_the_table": (T3, (rb"</sheetData>", PAST_STOP)),
    "character_references": (T3, (D8, rb"\1<v>&#49;&#x37;</v>"),
                             (rb'<c r="A1"( s="\d+")? t="s"><v>\d+</v>',
                              rb'<c r="A1"\1 t="inlineStr"><is><t>&#25919;&#x5e9c; &#128512;</t></is>')),
    "twin_past_the_stop": (T3, (rb"</sheetData>", PAST_STOP.replace(b"D40", b"D6"))),
    "x14ac_rows": (T3, (rb"(<worksheet [^>]*)>", rb"\1" + X14AC + b">"),
                   (rb'(<row r="\d+"[^>]*)>', rb'\1 x14ac:dyDescent="0.25">')),
    "inline_cover_string": (COVER, (rb'<c r="B5"( s="\d+")? t="s"><v>\d+</v></c>',
                                    '<c r="B5"\\1 t="inlineStr"><is><t xml:space="preserve"> 甲 &amp; 乙 </t></is></c>'
                                    .encode())),
}
EXPAT_SHAPES = {  # outside the plain dialect: expat decides, and the result is still exact
    "whitespace_between_rows": (T3, (rb"</row><row", b"</row>\n  <row")),
    "attributes_reordered": (T3, (rb'<c r="D6" s="(\d+)">', rb'<c s="\1" r="D6">')),
    "single_quotes": (T3, (rb'<c r="D6"', rb"<c r='D6'")),
    "empty_value_element": (T3, (D8, rb"\1<v/>")),
    "bracket_in_formula": (T3, (rb"<f>SUM\(D6:I6\)</f>", rb"<f>SUM(D6:I6)+N([1])</f>")),
    "self_closed_row": (T3, (rb"</sheetData>", rb'<row r="40"/></sheetData>')),
}
DECLINED_BY_EXPAT_PATH = {"attributes_reordered", "single_quotes"}  # its cell picking wants r="…" first
BROKEN = {  # malformed (the careful reader refuses), or read in a way the proofs do not vouch for: declined
    "ampersand_before_stop": (T3, (rb'(<c r="J30"[^>]*>)', rb"\1<f>1&2</f>")),
    "control_character": (T3, (D8, b"\\1<v>1\x017</v>")),
    "bad_utf8": (T3, (rb"<f>SUM\(D6:I6\)</f>", b"<f>SUM(D6:I6)\xff</f>")),
    "unbound_prefix": (T3, (rb'(<row r="8"[^>]*)>', rb'\1 x14ac:dyDescent="0.25">')),
    "x14ac_twice": (T3, (rb"(<worksheet [^>]*)>", rb"\1" + X14AC + b">"),
                    (rb'(<row r="8"[^>]*)>', rb'\1 x14ac:dyDescent="0.25" x14ac:dyDescent="0.25">')),
    "unclosed_cell": (T3, (rb'(<c r="D8"[^>]*><v>[^<]*</v>)</c>', rb"\1")),
    "cdata_end_in_text": (T3, (D8, rb"\1<v>]]></v>")),
    "reference_to_a_control_character": (T3, (D8, rb"\1<v>&#1;7</v>")),
    "reference_to_a_surrogate": (T3, (D8, rb"\1<v>&#xD800;</v>")),
    "reference_past_unicode": (T3, (D8, rb"\1<v>&#x110000;</v>")),
    "row_number_zero_padded_twin": (T3, (rb'<c r="E6"', rb'<c r="D06"')),
}


@pytest.mark.parametrize("name", sorted(PLAIN_SHAPES))
def test_plain_shapes_are_proven_without_expat(base, expat_calls, name):
    member, *changes = PLAIN_SHAPES[name]
    path = edit(base, f"{name}.xlsx", member, *changes, regex=True)
    for explanations in (True, False):
        got, expected = same_or_declined(path, explanations)
        assert got is not None and got == expected, name
    assert expat_calls == [], f"{name}: a table sheet went to expat"


@pytest.mark.parametrize("name", sorted(EXPAT_SHAPES))
def test_other_shapes_go_to_expat_and_stay_exact(base, expat_calls, name):
    member, *changes = EXPAT_SHAPES[name]
    path = edit(base, f"{name}.xlsx", member, *changes, regex=True)
    got, expected = same_or_declined(path)
    if name not in DECLINED_BY_EXPAT_PATH:
        assert got is not None and got == expected, f"{name}: expat could have read it"
    assert expat_calls, f"{name}: the plain proof took a shape it does not cover"


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_malformed_data_is_declined(base, name):
    member, *changes = BROKEN[name]
    path = edit(base, f"{name}.xlsx", member, *changes, regex=True)
    assert read_fast(base) is not None  # the base's markup is known: damage in a value must still be seen
    got, expected = same_or_declined(path)
    assert got is None, name


def test_a_known_markup_is_recognised_and_only_the_values_judged(base, monkeypatch):
    """Regions that differ from a proven one only in their values are not proven again, unless a
    value holds more than plain ASCII; every value is still the file's own."""
    proofs = []
    original = fastsheet.Picker._prove
    monkeypatch.setattr(fastsheet.Picker, "_prove", lambda self, *args: proofs.append(1) or original(self, *args))
    assert read_fast(base) is not None
    proven = len(proofs)
    for name, value, expected in (("plain_23", b"23", 23), ("plain_decimal", b"2.75", 2.75),
                                  ("plain_text", b"x y", "x y"), ("entity", b"1&amp;2", "1&2"),
                                  ("chinese", "十七".encode(), "十七"), ("plain_again", b"8", 8)):
        path = edit(base, f"{name}.xlsx", T3, (D8, rb"\1<v>" + value + b"</v>"), regex=True)
        got, careful_form = same_or_declined(path)
        assert got is not None and got == careful_form and got.values["t3.new.natural"] == expected, name
        plain = name.startswith("plain")
        assert len(proofs) == proven + (not plain), name  # the markup's proof stands for plain values only
        proven = len(proofs)


def test_the_values_of_the_covered_shapes_are_the_ones_written(base):
    by_name = {name: read_fast(edit(base, f"v_{name}.xlsx", member, *changes, regex=True))
               for name, (member, *changes) in PLAIN_SHAPES.items()}
    assert by_name["decimal"].values["t3.new.natural"] == 2.5
    # beyond what Excel holds exactly (1e15) no number is a figure: kept as written, as the careful reader keeps it
    assert by_name["sixteen_digits"].values["t3.new.natural"] == "12345678901234567"
    assert by_name["empty_value"].values["t3.new.natural"] is None
    assert by_name["cached_text_with_entities"].values["t3.new.natural"] == "甲&乙 <"
    assert "t3.new.natural" in by_name["cached_text_with_entities"].formulas
    assert by_name["inline_cover_string"].values["cover.agency"] == " 甲 & 乙 "
    assert by_name["rows_past_the_table"].values == read_fast(base).values
    assert by_name["twin_past_the_stop"].values["t3.new.natural"] == 17  # the careful scan never reaches it
    assert by_name["character_references"].values["t3.new.natural"] == 17


def test_damage_past_the_stop_row_is_declined_though_the_careful_reader_passes_it(base):
    """Past the last wanted row the careful scan stops (XML errors queued behind the stop
    event are never raised, later chunks never fed): the fast reader checks all, so it is
    stricter there, never more lenient."""
    bad_row = PAST_STOP.replace(b"<v>5</v>", b"<v>5&</v>")
    path = edit(base, "damage_past_stop.xlsx", T3, (b"</sheetData>", bad_row))
    assert not isinstance(careful(path), ReadError)
    assert read_fast(path) is None
    just_before = edit(base, "damage_before_stop.xlsx", T3, (rb'(<c r="J30"[^>]*>)', rb"\1<f>1&2</f>"), regex=True)
    assert isinstance(careful(just_before), ReadError) and read_fast(just_before) is None


def _corrupt_crc(path: Path, member: str) -> None:
    """Change the member's CRC in the local header and the central directory; its bytes stay intact."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    wrong = struct.pack("<L", info.CRC ^ 0x5A5A5A5A)
    data[info.header_offset + 14:info.header_offset + 18] = wrong
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + name_len] == member.encode():
            data[pos + 16:pos + 20] = wrong
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))


def test_a_crc_error_the_careful_scan_never_reaches_is_still_declined(base):
    """表三 is over 64 KB: with a row past the table the careful scan stops inside the first
    64 KB it inflates and never checks the CRC at the member's end. The fast reader does."""
    path = edit(base, "crc_past_stop.xlsx", T3, (b"</sheetData>", PAST_STOP))
    _corrupt_crc(path, T3)
    assert zipfile.ZipFile(path).getinfo(T3).file_size > 64 * 1024
    assert not isinstance(careful(path), ReadError)
    assert read_fast(path) is None
    whole = rewrite_member(base, base.parent / "crc_whole.xlsx", T3, lambda data: data)
    _corrupt_crc(whole, T3)  # read to its end by the careful scan too: both refuse
    assert isinstance(careful(whole), ReadError) and read_fast(whole) is None


STRING_SHAPES = {  # (old, new) in the shared strings, and whether the counting proof covers it
    "entities": ("区教育局</t>".encode(), "区教育局&amp;&lt;&gt;&quot;&apos;</t>".encode(), True),
    "preserved_space": (b"<si><t>", b'<si><t xml:space="preserve">', True),
    "newline_and_tab": ("区教育局</t>".encode(), "区教育局\n\t甲</t>".encode(), True),
    "character_reference": ("区教育局</t>".encode(), "区教育局&#65;</t>".encode(), False),
    "rich_runs": ("<si><t>区教育局</t></si>".encode(), "<si><r><t>区教</t></r><r><t>育局</t></r></si>".encode(),
                  False),
    "bracket": ("区教育局</t>".encode(), "区教育局[1]</t>".encode(), False),
    "carriage_return": ("区教育局</t>".encode(), "区\r\n教育局</t>".encode(), False),
    "attribute_on_t": (b"<si><t>", b'<si><t xml:lang="zh">', False),
}
BROKEN_STRINGS = {
    "bare_ampersand": ("区教育局</t>".encode(), "区&教育局</t>".encode()),
    "cdata_end": ("区教育局</t>".encode(), "区]]>教育局</t>".encode()),
    "control_character": ("区教育局</t>".encode(), "区\x01教育局</t>".encode()),
    "bad_utf8": ("区教育局</t>".encode(), "区".encode() + b"\xff</t>"),
    "nonchar_fffe": ("区教育局</t>".encode(), "区\ufffe教育局</t>".encode()),
    "unclosed_entry": ("<si><t>区教育局</t></si>".encode(), "<si><t>区教育局</t>".encode()),
    "nested_entry": ("区教育局</t>".encode(), "区<si><t>x</t></si>教育局</t>".encode()),
}


@pytest.mark.parametrize("name", sorted(STRING_SHAPES))
def test_shared_string_shapes(base, name):
    old, new, plain = STRING_SHAPES[name]
    path = edit(base, f"sst_{name}.xlsx", STRINGS, (old, new))
    got, expected = same_or_declined(path)
    assert got is not None and got == expected, name
    document = zipfile.ZipFile(path).read(STRINGS)
    assert (faststrings.PlainStrings.parse(document) is not None) == plain, name


@pytest.mark.parametrize("name", sorted(BROKEN_STRINGS))
def test_malformed_shared_strings_are_declined(base, name):
    old, new = BROKEN_STRINGS[name]
    path = edit(base, f"sst_bad_{name}.xlsx", STRINGS, (old, new))
    got, expected = same_or_declined(path)
    assert got is None and isinstance(expected, ReadError), name
    assert faststrings.PlainStrings.parse(zipfile.ZipFile(path).read(STRINGS)) is None


def test_the_template_itself_takes_the_counting_proof(base):
    from xxgk.readers.safezip import SafeArchive
    from xxgk.readers.xmlparts import shared_strings

    path = edit(base, "sst_spaced.xlsx", STRINGS, ("区教育局</t>".encode(), " 区教育局 &amp; 1</t>".encode()),
                (b"<si><t>", b'<si><t xml:space="preserve">'))
    document = zipfile.ZipFile(path).read(STRINGS)
    table = fastxml.SharedStrings(document)
    assert table.plain is not None and table.count == document.count(b"<si>")
    with SafeArchive(path) as archive:
        expected = shared_strings(archive, STRINGS, range(table.count))
    assert table.pick(set(range(table.count))) == expected  # every entry, split from either end
    for index in (0, 1, table.count // 2 - 1, table.count // 2, table.count - 1):
        assert table.pick({index}) == {index: expected[index]}


def test_random_byte_damage_in_data_and_strings(base):
    """Single bytes set to markup-significant values across 表三's data and the strings."""
    rng = random.Random(20261122)
    with zipfile.ZipFile(base) as archive:
        sheet, strings = archive.read(T3), archive.read(STRINGS)
    end = sheet.find(b"</sheetData>") + 20
    taken = 0
    for trial in range(120):
        member, data, stop = (T3, sheet, end) if trial % 2 else (STRINGS, strings, len(strings))
        at = rng.randrange(sheet.find(b"<sheetData>") if member == T3 else 0, stop)
        damaged = data[:at] + bytes([rng.choice(b"<>&/\"'=]\x00\x01\r\n 0aZ\xff\xe4")]) + data[at + 1:]
        path = rewrite_member(base, base.parent / f"random_{trial}.xlsx", member, lambda _d, d=damaged: d)
        got = read_fast(path)
        # same_or_declined's judgement; the careful reader only runs where the fast one read the file (a
        # declined file passes whatever the careful reader decides; a refusal is a ReadError, never equal)
        assert got is None or got == careful(path), path.name
        taken += got is not None
    assert taken > 10  # harmless changes (a digit, a letter in text) are still read fast


@pytest.mark.parametrize("backend", ["libdeflate", "zlib"])
def test_both_inflaters_read_the_same_and_refuse_the_same(base, monkeypatch, backend):
    if backend == "libdeflate" and fastzip._libdeflate is None:
        pytest.skip("the deflate package (libdeflate) is not installed")
    if backend == "zlib":
        monkeypatch.setattr(fastzip, "_libdeflate", None)
    assert read_fast(base) == careful(base)
    raw = fastzip.RawZip(str(base))
    member = raw.members[STRINGS]
    stream = raw.raw(STRINGS)
    assert fastzip.inflate(stream, member.size) == zipfile.ZipFile(base).read(STRINGS)
    for broken in (stream[:-5], stream[:40] + bytes([stream[40] ^ 0x55]) + stream[41:]):
        try:
            plain = fastzip.inflate(broken, member.size)
        except fastzip.Doubt:
            continue
        assert len(plain) != member.size or fastzip._crc32(plain) != member.crc  # caught by RawZip.read
    with pytest.raises(fastzip.Doubt):
        fastzip.inflate(stream, member.size - 1)  # more output than declared
