"""Published-report inputs for ``xxgk import`` and ``xxgk audit``: the project's own .docx / .html
export of a filled form (plain text drawn from the .docx), then damaged, bombed or made hostile."""
from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from xxgk.model import FormData

from . import costly
from .base import ANY, READ, REFUSE, Case, edit, good_bytes, members, rng_for, values_for, write, zip_members
from .hostile import LAUGHS, XXE, lie_about_size
from .hostiletext import CONTROL, FORMULA_LIKE, LONG, MARKUP

TRUNCATED = 10
FLIPPED = 10
BOMB_BYTES = 250 * 1024 * 1024  # beyond the importer's 200 MB for all parts of a .docx


def docx_bytes(format_id: str, agency: str) -> bytes:
    from xxgk.export import export_docx

    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "r.docx"
        export_docx(FormData("报告", format_id, values_for(format_id, agency)), target)
        return target.read_bytes()


PLACEHOLDER = "区占位局人民政府"


def renamed_docx(data: bytes, agency: str) -> bytes:
    """A report exported for PLACEHOLDER with the agency's name in its place: the same members as
    ``docx_bytes("2021", agency)`` (docx export costs ~0.7 s a report)."""

    def change(parts: dict[str, bytes]) -> None:
        assert PLACEHOLDER.encode() in parts["word/document.xml"]
        for name, xml in parts.items():
            if name.endswith(".xml"):
                parts[name] = xml.replace(PLACEHOLDER.encode(), escape(agency).encode("utf-8"))

    return edit(data, change)


def html_bytes(format_id: str, agency: str) -> bytes:
    from xxgk.export.web import render_html

    return render_html(FormData("报告", format_id, values_for(format_id, agency))).encode("utf-8")


def text_of_docx(data: bytes) -> str:
    """The report as plain text: paragraphs, and table rows with tab-separated cells."""
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(dict.fromkeys(cell.text for cell in row.cells)))
    return "\n".join(lines)


def _doctype(data: bytes, member: str, doctype: str, ref: str) -> bytes:
    parts = members(data)
    xml = parts[member].decode("utf-8")
    end = xml.index("?>") + 2
    xml = xml[:end] + doctype + xml[end:]
    parts[member] = xml.replace("<w:t>", "<w:t>" + ref, 1).encode("utf-8")
    return zip_members(parts)


def _docx_bomb(data: bytes) -> bytes:
    """word/document.xml followed by 250 MB of spaces, streamed into the zip."""
    parts = members(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            if name != "word/document.xml":
                archive.writestr(name, body)
                continue
            with archive.open(name, "w", force_zip64=True) as stream:
                stream.write(body)
                chunk = b" " * (1024 * 1024)
                for _ in range(BOMB_BYTES // len(chunk)):
                    stream.write(chunk)
    return buffer.getvalue()


def damaged(folder: Path, docx: bytes) -> list[Case]:
    rng = rng_for("reports", "damaged")
    cases = []
    for i in range(TRUNCATED):
        cut = rng.randrange(0, len(docx) - 22)
        cases.append(Case(write(folder, f"报告截断_{i}.docx", docx[:cut]), "report", "truncated", REFUSE))
    for i in range(FLIPPED):
        data = bytearray(docx)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] ^= rng.randint(1, 255)
        cases.append(Case(write(folder, f"报告坏字节_{i}.docx", bytes(data)), "report", "flipped", ANY))
    return cases


def hostile(folder: Path, docx: bytes, html: bytes) -> list[Case]:
    bomb = _docx_bomb(docx)
    made = [
        ("报告压缩炸弹.docx", bomb, "zip_bomb", REFUSE),
        ("报告压缩炸弹谎报.docx", lie_about_size(bomb, "word/document.xml", 40_000), "zip_bomb_lying", REFUSE),
        ("报告实体炸弹.docx", _doctype(docx, "word/document.xml", LAUGHS, "&lol9;"), "entity_bomb", REFUSE),
        ("报告外部实体.docx", _doctype(docx, "word/document.xml", XXE, "&xxe;"), "external_entity", REFUSE),
        ("网页实体炸弹.html", html.replace(b"<!DOCTYPE html>", LAUGHS.encode() + b"&lol9;"), "entity_bomb", ANY),
        ("网页外部实体.html", html.replace(b"<!DOCTYPE html>", XXE.encode() + b"&xxe;"), "external_entity", ANY),
        ("超大文本.txt", b"\xe5\x8c\xba" * (21 * 1024 * 1024 // 3 + 1), "too_large", REFUSE),
    ]
    return [Case(write(folder, name, data), "report", variant, expect) for name, data, variant, expect in made]


def wrong_kinds(folder: Path, docx: bytes) -> list[Case]:
    from msoffcrypto.format.ooxml import OOXMLFile
    from PIL import Image

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(docx)).encrypt("123456", encrypted)
    image = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(image, "PDF")
    png = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(png, "PNG")
    made = [
        ("空报告.txt", b""), ("空报告.docx", b""), ("空报告.html", b""), ("空报告.pdf", b""),
        ("乱码.txt", bytes(rng_for("garbage").randrange(256) for _ in range(4096))),
        ("加密报告.docx", encrypted.getvalue()), ("工作簿改名.docx", good_bytes("2021")),
        ("图片报告.pdf", image.getvalue()), ("图片改名.pdf", png.getvalue()), ("PDF截断.pdf", image.getvalue()[:300]),
        ("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504), ("扩展名未知.rtf", b"{\\rtf1 hello}"),
    ]
    cases = [Case(write(folder, name, data), "report", "wrong_kind", REFUSE) for name, data in made]
    (folder / "文件夹.docx").mkdir()
    cases.append(Case(folder / "文件夹.docx", "report", "directory", REFUSE))
    return cases


def texts(folder: Path, docx: bytes) -> list[Case]:
    """Readable reports whose title carries hostile agency names, control characters, 10,000 characters."""
    cases = []
    plain = text_of_docx(docx)
    titled = docx_bytes("2021", PLACEHOLDER)
    for i, agency in enumerate((*FORMULA_LIKE, *MARKUP, CONTROL, LONG)):
        # python-docx refuses control characters outright; the .html and .txt keep them
        hostile_docx = renamed_docx(titled, re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", agency) + "人民政府")
        cases.append(Case(write(folder, f"标题_{i:02d}.docx", hostile_docx), "report", "hostile_title", ANY))
        cases.append(Case(write(folder, f"标题_{i:02d}.html", html_bytes("2021", agency + "人民政府")),
                          "report", "hostile_title", ANY))
        cases.append(Case(write(folder, f"标题_{i:02d}.txt", text_of_docx(hostile_docx).encode("utf-8")),
                          "report", "hostile_title", ANY))
    for name, data in (("报告_gb18030.txt", plain.encode("gb18030")), ("报告_utf16.txt", plain.encode("utf-16")),
                       ("报告_bom.txt", b"\xef\xbb\xbf" + plain.encode("utf-8"))):
        cases.append(Case(write(folder, name, data), "report", "encoding", READ))
    return cases


def generate(folder: Path) -> list[Case]:
    docx = docx_bytes("2021", "区教育局")
    html = html_bytes("2021", "区教育局")
    return (damaged(folder, docx) + hostile(folder, docx, html) + wrong_kinds(folder, docx) + texts(folder, docx)
            + costly.generate(folder, text_of_docx(docx)))
