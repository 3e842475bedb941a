"""Damaged files: truncated, bytes flipped, empty, zero-length or missing parts, a folder named .xlsx."""
from __future__ import annotations

from pathlib import Path

from .base import ANY, REFUSE, Case, edit, good_bytes, members, rng_for, write

TRUNCATED_PER_FORMAT = 110
FLIPPED_PER_FORMAT = 170
DAMAGED_WORDS = ("损坏",)


def truncated(folder: Path, format_id: str) -> list[Case]:
    data = good_bytes(format_id)
    rng = rng_for("truncated", format_id)
    cases = []
    for i in range(TRUNCATED_PER_FORMAT):
        cut = rng.randrange(0, len(data) - 22)  # whatever is cut, the zip directory at the end is gone
        path = write(folder, f"截断_{format_id}_{i:03d}_{cut}.xlsx", data[:cut])
        cases.append(Case(path, "damaged", "truncated", REFUSE, () if cut < 4 else DAMAGED_WORDS))
    return cases


def flipped(folder: Path, format_id: str) -> list[Case]:
    """1 to 8 random bytes changed: a bad sector, a mail gateway, a broken USB stick."""
    data = good_bytes(format_id)
    rng = rng_for("flipped", format_id)
    cases = []
    for i in range(FLIPPED_PER_FORMAT):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(damaged))
            damaged[at] ^= rng.randint(1, 255)
        path = write(folder, f"坏字节_{format_id}_{i:03d}.xlsx", bytes(damaged))
        cases.append(Case(path, "damaged", "flipped", ANY))
    return cases


def empty_parts(folder: Path, format_id: str) -> list[Case]:
    cases = []
    for index, name in enumerate(members(good_bytes(format_id))):
        def change(parts, name=name):
            parts[name] = b""
        path = write(folder, f"空部件_{format_id}_{index:02d}.xlsx", edit(good_bytes(format_id), change))
        cases.append(Case(path, "damaged", "empty_part", ANY))
    return cases


def missing_parts(folder: Path, format_id: str) -> list[Case]:
    cases = []
    for index, name in enumerate(members(good_bytes(format_id))):
        def change(parts, name=name):
            del parts[name]
        path = write(folder, f"缺部件_{format_id}_{index:02d}.xlsx", edit(good_bytes(format_id), change))
        cases.append(Case(path, "damaged", "missing_part", ANY))
    return cases


def empty_file(folder: Path) -> list[Case]:
    return [Case(write(folder, "空文件.xlsx", b""), "damaged", "empty", REFUSE, ("空",)),
            Case(write(folder, "空文件.xlsm", b""), "damaged", "empty", REFUSE, ("空",))]


def directory(folder: Path) -> list[Case]:
    """A folder whose name ends in .xlsx (a zip unpacked in place, a bad copy)."""
    path = folder / "文件夹.xlsx"
    path.mkdir()
    return [Case(path, "damaged", "directory", REFUSE, ("文件夹",))]


def generate(folder: Path) -> list[Case]:
    cases = empty_file(folder) + directory(folder)
    for format_id in ("2021", "2019"):
        cases += truncated(folder, format_id) + flipped(folder, format_id)
        cases += empty_parts(folder, format_id) + missing_parts(folder, format_id)
    return cases
