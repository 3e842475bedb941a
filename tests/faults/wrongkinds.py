"""Wrong kinds of file: CSV, PDF, images, Word, plain zip, web page, encrypted workbook, a workbook
not made from the template, and (with LibreOffice) real .xls / WPS .et / .ods files.

Each is made by the library that really makes such files (csv, Pillow, msoffcrypto, python-docx,
xlsxwriter, LibreOffice), from the template's own figures.
"""
from __future__ import annotations

import csv
import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from .base import REFUSE, Case, good_bytes, template_bytes, values_for, write

SAVE_AS = ("另存为",)


def _csv_bytes(format_id: str, encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["项目", "数值"])
    for key, value in values_for(format_id).items():
        writer.writerow([key, value])
    return buffer.getvalue().encode(encoding)


def _image(kind: str) -> bytes:
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (320, 200), "white")
    ImageDraw.Draw(picture).rectangle((20, 20, 300, 180), outline="black")
    buffer = io.BytesIO()
    picture.save(buffer, kind)
    return buffer.getvalue()


def _encrypted(format_id: str) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(good_bytes(format_id))).encrypt("123456", out)
    return out.getvalue()


def _docx() -> bytes:
    from xxgk.export import export_docx
    from xxgk.model import FormData

    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "r.docx"
        export_docx(FormData("报告", "2021", values_for("2021")), target)
        return target.read_bytes()


def _html() -> bytes:
    from xxgk.export.web import render_html
    from xxgk.model import FormData

    return render_html(FormData("报告", "2021", values_for("2021"))).encode("utf-8")


def _plain_workbook() -> bytes:
    """A real xlsx holding the same figures, but not made from the template (no names, no marker)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("表三")
    for row, (key, value) in enumerate(values_for("2021").items()):
        sheet.write_string(row, 0, key)
        sheet.write(row, 1, value)
    book.close()
    return buffer.getvalue()


def _zip_of(inner: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("报表.xlsx", inner)
    return buffer.getvalue()


def generate(folder: Path) -> list[Case]:
    made = [
        ("表格.csv", _csv_bytes("2021", "gb18030"), ("CSV",)),
        ("CSV改名.xlsx", _csv_bytes("2019", "utf-8"), ("CSV",)),
        ("PDF改名.xlsx", _image("PDF"), ("PDF",)),
        ("图片改名.xlsx", _image("PNG"), ("图片",)),
        ("照片改名.xlsx", _image("JPEG"), ("图片",)),
        ("加密.xlsx", _encrypted("2021"), ("加密", "密码")),
        ("加密.xlsm", _encrypted("2019"), ("加密", "密码")),
        ("加密改名.et", _encrypted("2021"), ("加密", "密码")),
        ("Word改名.xlsx", _docx(), ("Word",)),
        ("压缩包改名.xlsx", _zip_of(good_bytes("2021")), ("压缩包",)),
        ("网页导出.xls", _html(), ("网页",)),
        ("网页改名.xlsx", _html(), ("网页",)),
        ("非模板.xlsx", _plain_workbook(), ("模板",)),
    ]
    return [Case(write(folder, name, data), "wrong_kind", name.rpartition(".")[0], REFUSE, words)
            for name, data, words in made]


def generate_with_libreoffice(folder: Path, profile: Path) -> list[Case]:
    """Real .xls, .ods and .pdf made by LibreOffice from the template (without its live checks, which
    only make LibreOffice slower here), one soffice call per target."""
    from libreoffice import convert

    cases = []
    with tempfile.TemporaryDirectory(prefix="xxgk-faults-lo-") as scratch:
        sources = [write(Path(scratch), f"模板{fid}.xlsx", template_bytes(fid, live=False)) for fid in ("2021", "2019")]
        outputs = {}
        for target, extension in (("xls:MS Excel 97", "xls"), ("ods", "ods"), ("pdf", "pdf")):
            for source, made in zip(sources, convert(sources, target, Path(scratch) / extension, profile)):
                outputs[(source.stem, extension)] = made
        for (stem, extension), made in outputs.items():
            names = {"xls": (".xls", ".et", "_xls改名.xlsx"), "ods": (".ods", "_ods改名.xlsx"),
                     "pdf": ("_pdf改名.xlsx",)}[extension]
            words = {"xls": (".xls", "WPS"), "ods": ("OpenDocument",), "pdf": ("PDF",)}[extension]
            for suffix in names:
                path = folder / f"LO_{stem}{suffix}"
                shutil.copyfile(made, path)
                cases.append(Case(path, "wrong_kind_lo", f"{extension}{suffix}", REFUSE, words))
    return cases
