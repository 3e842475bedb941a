"""Every source kind, built from the format description with real libraries, imports cell by cell.

.docx (python-docx, merged cells), .html (rowspan/colspan, a navigation bar,
GB18030), .pdf (a worksheet printed by LibreOffice Calc: ruled tables) and
tab-separated text (the same worksheet saved as text by Calc); both formats.
Plus bad input: every failure is a ReadError whose message names the file.
"""
from __future__ import annotations

import hashlib
import io
import random
import zipfile
from pathlib import Path

import pytest

import libreoffice as lo
from import_fixtures import report_parts, write_docx, write_html, write_sheet
from xxgk.catalogue import ReadErrorKind
from xxgk.errors import ReadError, XxgkError
from xxgk.formats import get_format
from xxgk.importer import import_report
from xxgk.samples import table_values

AGENCY = "某某区人民政府办公室"
YEARS = {"2021": 2024, "2019": 2020}


def sample(format_id: str, blanks: tuple[str, ...] = ()) -> tuple[dict, list]:
    fmt = get_format(format_id)
    values = table_values(fmt, random.Random(int(format_id)))
    values.update({key: None for key in blanks})
    year = YEARS[format_id]
    new = values["t3.new.total"]
    narrative = [f"{year}年，本机关共收到政府信息公开申请{new}件，予以公开{values['t3.public.total']}件。"]
    return values, report_parts(fmt, values, AGENCY, year, narrative)


def assert_imported(path: Path, format_id: str, values: dict, blanks=()):
    result = import_report(path)
    fmt = get_format(format_id)
    assert result.format_id == format_id
    assert (result.agency, result.year) == (AGENCY, YEARS[format_id])
    assert {k: result.values.get(k) for k in fmt.cells} == {k: values[k] for k in fmt.cells}
    assert sorted(result.blanks) == sorted(blanks)
    assert result.missing == [] and result.problems == [] and result.narrative == []


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_docx_and_html(format_id, tmp_path):
    blanks = ("t3.deny_secret.research", "t2.license.decisions")
    values, parts = sample(format_id, blanks)
    assert_imported(write_docx(tmp_path / "r.docx", parts), format_id, values, blanks)
    assert_imported(write_html(tmp_path / "r.html", parts), format_id, values, blanks)
    assert_imported(write_html(tmp_path / "gb.html", parts, encoding="gb18030"), format_id, values, blanks)


@pytest.mark.libreoffice
def test_pdf_and_text_printed_by_libreoffice(libreoffice, tmp_path):
    """One soffice call per target for both formats: PDF (ruled tables) and tab-separated text."""
    sheets, expected = [], {}
    for format_id in ("2021", "2019"):
        values, parts = sample(format_id)
        sheets.append(write_sheet(tmp_path / f"r{format_id}.xlsx", parts))
        expected[format_id] = values
    pdfs = lo.convert(sheets, "pdf", tmp_path / "pdf", libreoffice.profile)
    texts = lo.convert(sheets, "csv:Text - txt - csv (StarCalc):9,34,76", tmp_path / "txt", libreoffice.profile)
    for pdf, text in zip(pdfs, texts):
        format_id = pdf.stem[1:]
        assert_imported(pdf, format_id, expected[format_id])
        txt = text.with_suffix(".txt")
        text.rename(txt)
        assert_imported(txt, format_id, expected[format_id])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_text_encodings(encoding, tmp_path):
    values, parts = sample("2021")
    lines = []
    for kind, content in parts:
        if kind == "p":
            lines.append(content)
        else:  # one table row per line, cells separated by tabs, full-width digits as some sites print
            lines += ["\t".join(box.text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
                                for box in row) for row in content]
    path = tmp_path / "r.txt"
    path.write_bytes("\n".join(lines).encode(encoding))
    assert_imported(path, "2021", values)


def test_format_given_overrides_detection(tmp_path):
    values, parts = sample("2021")
    path = write_html(tmp_path / "r.html", parts)
    forced = import_report(path, format_id="2019")
    assert forced.format_id == "2019"
    assert "t2.item9" not in forced.values and "t2.procurement.items" in forced.missing
    with pytest.raises(XxgkError, match="未知的格式"):
        import_report(path, format_id="2018")


def test_year_and_labels_disagree(tmp_path):
    """A 2020 report printed on the 2021 form: imported by its labels, and said so."""
    values, parts = sample("2021")
    parts = [(k, c.replace("2024", "2020") if k == "p" else c) for k, c in parts]
    result = import_report(write_html(tmp_path / "r.html", parts))
    assert result.format_id == "2021" and result.year == 2020
    assert any("2019年格式" in p and "按表格标签导入" in p for p in result.problems)
    assert result.missing == []


def test_no_tables_at_all(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("关于开展政务公开培训的通知\n各单位：定于下周举办培训。\n", encoding="utf-8")
    result = import_report(path)
    assert set(result.missing) == {"cover.agency", "cover.year", *get_format(result.format_id).cells}
    assert result.values == {} and result.problems


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def bad_inputs(tmp: Path) -> list[tuple[str, Path]]:
    entity = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
              b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&e;</w:document>')
    (tmp / "garbage.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    (tmp / "garbage.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    (tmp / "binary.txt").write_bytes(b"\x80\x81\xff" * 10)  # neither UTF-8 nor GB18030
    (tmp / "report.xyz").write_text("x")
    return [
        (ReadErrorKind.DAMAGED, tmp / "garbage.pdf"),
        (ReadErrorKind.DAMAGED, tmp / "garbage.docx"),
        (ReadErrorKind.UNSUPPORTED, tmp / "old.doc"),
        (ReadErrorKind.ENCODING, tmp / "binary.txt"),
        (ReadErrorKind.UNSUPPORTED, tmp / "report.xyz"),
        (ReadErrorKind.MISSING, tmp / "absent.pdf"),
        (ReadErrorKind.UNSAFE, _zip(tmp / "entity.docx", {"word/document.xml": entity})),
        (ReadErrorKind.TOO_LARGE,
         _zip(tmp / "bomb.docx", {"word/document.xml": b"<a/>", "word/media/x.bin": b"\0" * 30_000_000})),
        (ReadErrorKind.DAMAGED, _zip(tmp / "notword.docx", {"hello.txt": b"hi"})),
        (ReadErrorKind.NO_TEXT, _scanned_pdf(tmp / "scan.pdf")),
    ]


def _scanned_pdf(path: Path) -> Path:
    """A valid one-page PDF without a text layer, as a scanner makes (no PDF writer is a dependency)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def test_bad_input_is_a_chinese_message_naming_the_file(tmp_path):
    cases = bad_inputs(tmp_path)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for _, p in cases if p.exists()}
    for kind, path in cases:
        with pytest.raises(ReadError) as caught:
            import_report(path)
        err = caught.value
        assert err.kind == kind, (path, err.kind, str(err))
        assert str(err).startswith(f"{path}：") and any("\u4e00" <= ch <= "\u9fff" for ch in err.reason)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in before} == before
