"""Defined-name references as Excel, WPS and LibreOffice write them."""
from __future__ import annotations

import pytest

from xxgk.readers.refs import Area, column_letters, column_number, parse_area, parse_cell, quote_sheet


@pytest.mark.parametrize("text, area", [
    ("表三!$D$5", Area("表三", 5, 4, 5, 4)),
    ("='表三'!$D$5", Area("表三", 5, 4, 5, 4)),
    ("'表 三'!D5", Area("表 三", 5, 4, 5, 4)),
    ("'It''s'!$A$1", Area("It's", 1, 1, 1, 1)),
    ("'a!b'!$B$2", Area("a!b", 2, 2, 2, 2)),
    ("校验结果!$H$6:$I$254", Area("校验结果", 6, 8, 254, 9)),
    ("'校验结果'!$I$254:$H$6", Area("校验结果", 6, 8, 254, 9)),
    ("_xxgk!$XFD$1048576", Area("_xxgk", 1048576, 16384, 1048576, 16384)),
])
def test_references_are_parsed(text, area):
    assert parse_area(text) == area


@pytest.mark.parametrize("text", [
    "#REF!", "表三!#REF!", "'表三'!#REF!", "$D$5", "表三!$D:$D", "表三!$5:$5", "SUM(表三!D5)",
    "表三!D5,表三!D6", "[1]表三!$D$5", "表三!$XFE$1", "表三!A0", "'unterminated!A1", "{1,2}", "",
])
def test_anything_else_is_not_a_cell_area(text):
    assert parse_area(text) is None


def test_addresses_and_columns():
    assert parse_area("'表三'!$AA$100").address == "表三!AA100"
    assert parse_cell("$d$5") == (5, 4) and parse_cell("D 5") is None
    assert [column_letters(n) for n in (1, 26, 27, 702, 703, 16384)] == ["A", "Z", "AA", "ZZ", "AAA", "XFD"]
    assert all(column_number(column_letters(n)) == n for n in range(1, 2000))
    assert quote_sheet("It's") == "'It''s'"


def test_a_short_reference_is_parsed_once_a_long_one_each_time():
    """The careful reader meets the same ~460 names in every file of a batch: a short text's Area is kept (the
    same frozen object comes back), a long one (a hostile file's) is parsed again and kept nowhere."""
    from xxgk.readers.refs import SHORT_REFERENCE

    assert parse_area("表二!$C$7") is parse_area("表二!$C$7") == Area("表二", 7, 3, 7, 3)
    assert parse_area("表二!$Q$9 ") is parse_area("表二!$Q$9 ")  # texts are kept as written
    long_sheet = "长" * SHORT_REFERENCE
    long_text = f"'{long_sheet}'!$B$2"
    first, again = parse_area(long_text), parse_area(long_text)
    assert first == again == Area(long_sheet, 2, 2, 2, 2) and first is not again
    assert parse_area("'" + "长" * 5000 + "'!#REF!") is None
