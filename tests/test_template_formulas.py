"""Formulas placed after XlsxWriter is done (template.formulas) give the very file XlsxWriter gives itself."""
from __future__ import annotations

import zipfile

import pytest

from xxgk.formats import get_format
from xxgk.rules import live_checks_for, load_rules
from xxgk.template import build_workbook
from xxgk.template import formulas
from xxgk.template.formulas import PREFIX, Placeholders


def parts(path) -> dict[str, bytes]:
    """Every part but docProps/core.xml, whose creation time is the build's."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_placed_formulas_give_xlsxwriters_own_bytes(tmp_path, monkeypatch, format_id):
    fmt = get_format(format_id)
    checks = live_checks_for(fmt, load_rules())
    values = {"cover.agency": "A&B<局>", "cover.year": 2025 if format_id == "2021" else 2020}
    counted = []
    put_in = Placeholders.put_in
    monkeypatch.setattr(Placeholders, "put_in", lambda self, xml: counted.append(len(self.texts)) or put_in(self, xml))
    build_workbook(tmp_path / "placed.xlsx", fmt, live_checks=checks, values=values)
    assert max(counted) > 3 * len(checks)  # each check's status, detail and link, and its marks on the form
    monkeypatch.setattr(formulas, "_ALLOWED", frozenset())  # now every formula is handed to XlsxWriter itself
    build_workbook(tmp_path / "direct.xlsx", fmt, live_checks=checks, values=values)
    placed, direct = parts(tmp_path / "placed.xlsx"), parts(tmp_path / "direct.xlsx")
    assert sorted(placed) == sorted(direct)
    for name in placed:
        assert placed[name] == direct[name], name
    text = b"".join(placed.values())
    assert PREFIX.encode() not in text
    assert b"&amp;" in text and b"&gt;0" in text  # formulas with & and > were among those placed


def test_only_formulas_xlsxwriter_would_leave_as_they_are_get_a_placeholder():
    formulas_ = Placeholders()
    plain = ['=IF(LEN(TRIM(A1))>0,"通过","不通过")', "=SUM(A1:B2)+(C1)", '=HYPERLINK("#表三!A1","表三")']
    for formula in plain:
        assert formulas_.formula(formula).startswith(f"={PREFIX}")
    for formula in ("=XLOOKUP(A1,B1:B2,C1:C2)", '=IF(A1,"SORT(",1)', "=A.SORT(A1)", "=_xlfn.CONCAT(A1)",
                    "={SUM(A1)}", "=SUM(A1)}", "SUM(A1)", '="中INGLE(x"'):
        assert formulas_.formula(formula) == formula  # XlsxWriter may change these: it gets them as they are
    assert formulas_.criteria("=A1>B1") == "1e-900000003" and float("1e-900000003") == 0.0
    assert formulas_.criteria("=SORT(A1)") == "=SORT(A1)"
    assert formulas_.put_in(b"<c><f>XXGKF1</f><v>0</v></c><formula>1e-900000000</formula><formula>1e-900000003"
                            b"</formula><formula>XXGKF2</formula>") == (
        b"<c><f>SUM(A1:B2)+(C1)</f><v>0</v></c><formula>IF(LEN(TRIM(A1))&gt;0,\"\xe9\x80\x9a\xe8\xbf\x87\","
        b"\"\xe4\xb8\x8d\xe9\x80\x9a\xe8\xbf\x87\")</formula><formula>A1&gt;B1</formula>"
        b"<formula>XXGKF2</formula>")  # a cell's placeholder is never a conditional format's
