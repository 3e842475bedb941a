"""Text streamed into the summary's sheets is escaped exactly as XlsxWriter escapes it."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
import xlsxwriter

from xxgk.consolidate.detail_stream import text_xml

TRICKY = ["甲局", "plain", "a&b<c>d", "_x0041_", "x_x12ab_y", "_x", "a\x01b\x1fc", "tab\there", "two\nlines",
          " leading", "trailing ", "\u3000全角空格", "quote\"'", "]]>", "emoji 😀", "&amp;"]


def xlsxwriter_strings(texts: list[str]) -> list[str]:
    """XlsxWriter's shared-string entries of ``texts``: its text escaped as in any cell it writes."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for row, text in enumerate(texts):
        sheet.write_string(row, 0, text)
    workbook.close()
    xml = zipfile.ZipFile(buffer).read("xl/sharedStrings.xml").decode("utf-8")
    return re.findall(r"<si>(.*?)</si>", xml, re.S)


@pytest.mark.parametrize("text", TRICKY)
def test_text_is_escaped_as_xlsxwriter_escapes_it(text):
    assert text_xml(text) == f"<is>{xlsxwriter_strings([text])[0]}</is>"
