"""A benchmark corpus: N filled agency workbooks, built from the real template.

Building a workbook with ``build_workbook`` takes about a quarter of a second,
far too slow for 10,000 of them. So a few dozen *base* workbooks are built
honestly (distinct figures from ``xxgk.samples``, the real template with its
live checks; about 5 % of them with a clerk's mistakes; one re-saved by
openpyxl, so its formulas carry no cached values, as a script writes them),
and every file of the corpus is a copy of one base with its own agency name
and credit code. Names and codes must be distinct: consolidation merges
workbooks of one agency, and a corpus of duplicates would measure nothing.

A copy is made by re-compressing only the shared string table (where the
name and code live) and copying every other zip member byte for byte, so the
copies are exactly what the template writes, at about a millisecond each.
"""
from __future__ import annotations

import random
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..formats import get_format
from ..identity import CREDIT_CODE_ALPHABET as _CODE_ALPHABET, check_character
from ..rules import live_checks_for, load_rules
from ..samples import agency_values, with_faults

YEAR = 2025
FAULTY_SHARE = 0.05


@dataclass
class Corpus:
    folder: Path
    files: list[Path] = field(default_factory=list)
    faulty: int = 0  # files copied from a base with errors
    uncached: int = 0  # files copied from the openpyxl-saved base (no cached formula values)
    bases: int = 0
    app_saved_bases: int = 0  # bases recalculated and saved by LibreOffice, as a clerk's Excel saves them


def base_name(index: int) -> str:
    return f"基准单位{index:03d}号"


def agency_name(index: int) -> str:
    return f"第{index // 100 + 1:03d}片区第{index:05d}号单位"


def credit_code(index: int, prefix: str = "91BENCH0") -> str:
    """A valid code (GB 32100 check character), distinct per index, never equal to a base's random code."""
    digits, rest = [], index
    for _ in range(9):
        rest, d = divmod(rest, len(_CODE_ALPHABET))
        digits.append(_CODE_ALPHABET[d])
    first17 = prefix + "".join(reversed(digits))
    return first17 + check_character(first17)


def build_bases(folder: Path, count: int, seed: int = 7) -> list[tuple[Path, bool, bool]]:
    """``count`` distinct workbooks: (path, faulty, openpyxl-saved)."""
    from ..template import build_workbook

    fmt = get_format("2021")
    checks = live_checks_for(fmt, load_rules())
    rng = random.Random(seed)
    faulty_every = max(2, round(1 / FAULTY_SHARE))
    bases = []
    for index in range(count):
        values = agency_values(fmt, base_name(index), YEAR, seed * 1000 + index)
        values["cover.credit_code"] = credit_code(index, "91BA5E00")
        # about 5 % of the bases (so of the files) have errors; a small corpus still gets one
        faulty = index % faulty_every == faulty_every - 1 or (count < faulty_every and index == count - 1)
        if faulty:
            values = with_faults(fmt, values, rng)
        path = folder / f"base_{index:03d}.xlsx"
        build_workbook(path, fmt, live_checks=checks, values=values)
        resaved = index == 1 and count > 2
        if resaved:
            _resave_with_openpyxl(path)
        bases.append((path, faulty, resaved))
    return bases


def resave_bases(bases: list[tuple[Path, bool, bool]]) -> int:
    """Bases not already re-saved by openpyxl go through LibreOffice when it is installed; how many did."""
    from . import spreadsheet

    if not spreadsheet.available():
        return 0
    chosen = [path for path, _faulty, resaved in bases if not resaved]
    spreadsheet.resave(chosen)
    return len(chosen)


def _resave_with_openpyxl(path: Path) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    workbook.save(path)


def make_corpus(folder: Path, n: int, bases: int = 40, seed: int = 7, app_saved: bool = True) -> Corpus:
    """Write ``n`` agency workbooks into ``folder`` (created); bases go to ``folder``/../bases.

    ``app_saved=False`` skips LibreOffice (for a quick corpus in tests).
    """
    folder.mkdir(parents=True, exist_ok=True)
    base_folder = folder.parent / (folder.name + "_bases")
    base_folder.mkdir(exist_ok=True)
    made = build_bases(base_folder, max(1, min(bases, n)), seed)
    saved_by_app = resave_bases(made) if app_saved else 0
    templates = [(_ZipCopy(path, base_name(i), credit_code(i, "91BA5E00")), faulty, resaved)
                 for i, (path, faulty, resaved) in enumerate(made)]
    corpus = Corpus(folder, bases=len(made), app_saved_bases=saved_by_app)
    for index in range(n):
        copier, faulty, resaved = templates[index % len(templates)]
        path = folder / f"{index:05d}_{agency_name(index)}.xlsx"
        copier.write(path, agency_name(index), credit_code(index))
        corpus.files.append(path)
        corpus.faulty += faulty
        corpus.uncached += resaved
    return corpus


class _ZipCopy:
    """A base workbook, ready to be copied with another agency name and credit code."""

    def __init__(self, path: Path, name: str, code: str):
        data = path.read_bytes()
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            self.part, self.text, self.marks = _find_marks(archive, infos, name, code)
            # A spreadsheet application also caches the name in the 校验结果 sheet's messages, so
            # every agency's file differs there too: the copies must not share those bytes either.
            quoted = f"“{name}”"
            others = ((info.filename, archive.read(info).decode("utf-8")) for info in infos
                      if info.filename != self.part and info.filename.endswith(".xml"))
            self.echoes = {part: text for part, text in others if quoted in text}
        self.name = name
        self.members = [(info, _raw_member(data, info)) for info in infos]

    def write(self, target: Path, name: str, code: str) -> None:
        (old_name, escape), (old_code, _) = self.marks
        text = self.text.replace(f">{old_name}<", f">{escape(name)}<").replace(f">{old_code}<", f">{code}<")
        rewritten = {self.part: text} | {part: echo.replace(f"“{self.name}”", f"“{escape(name)}”")
                                         for part, echo in self.echoes.items()}
        out, central = bytearray(), bytearray()
        for info, raw in self.members:
            crc, size, method = info.CRC, info.file_size, info.compress_type
            if info.filename in rewritten:
                plain = rewritten[info.filename].encode("utf-8")
                compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
                raw = compressor.compress(plain) + compressor.flush()
                crc, size, method = zlib.crc32(plain), len(plain), zipfile.ZIP_DEFLATED
            offset = len(out)
            name_bytes = info.filename.encode("utf-8")
            flags = 0x800 if any(ord(ch) > 127 for ch in info.filename) else 0
            time, date = _dos_stamp(info.date_time)
            out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, time, date, crc, len(raw), size,
                               len(name_bytes), 0) + name_bytes + raw
            central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, method, time, date, crc,
                                   len(raw), size, len(name_bytes), 0, 0, 0, 0, 0, offset) + name_bytes
        end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(self.members), len(self.members), len(central),
                          len(out), 0)
        target.write_bytes(bytes(out + central + end))


def _find_marks(archive: zipfile.ZipFile, infos, name: str, code: str):
    """The part holding the base's name and code (shared strings, or a sheet's inline strings).

    openpyxl writes inline strings with non-ASCII characters as character references.
    """
    def plain(text: str) -> str:
        return text

    def charref(text: str) -> str:
        return "".join(ch if ord(ch) < 128 else f"&#{ord(ch)};" for ch in text)

    for info in infos:
        if not info.filename.endswith(".xml") or info.file_size > 200_000:
            continue
        text = _plain_runs(archive.read(info).decode("utf-8"), name)
        for escape in (plain, charref):
            if text.count(f">{escape(name)}<") == 1 and text.count(f">{code}<") == 1:
                return info.filename, text, ((escape(name), escape), (code, plain))
    raise ValueError(f"{archive.filename}: agency name and credit code not found exactly once")


def _plain_runs(text: str, name: str) -> str:
    """LibreOffice stores the name as rich runs, one per script's font: make it one plain entry."""
    def plain(match: re.Match) -> str:
        runs = "".join(_RUN_TEXT.findall(match.group(1)))
        return f"<si><t>{name}</t></si>" if runs == name else match.group(0)

    return _RICH_ENTRY.sub(plain, text) if "<r>" in text and name not in text else text


_RICH_ENTRY = re.compile(r"<si>((?:<r>.*?</r>)+)</si>")
_RUN_TEXT = re.compile(r"<t(?: [^>]*)?>([^<]*)</t>")


def _raw_member(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """The compressed bytes of one member, read from its local header."""
    start = info.header_offset
    name_len, extra_len = struct.unpack("<2H", data[start + 26:start + 30])
    begin = start + 30 + name_len + extra_len
    return data[begin:begin + info.compress_size]


def _dos_stamp(date_time: tuple) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day
