"""A minimal [MS-CFB] compound file writer (version 3, 512-byte sectors).

Enough for a vbaProject.bin: nested storages and streams, streams under 4096
bytes in the mini stream, no timestamps or CLSIDs, so the same tree always
gives the same bytes. Layout, in sector order: FAT, directory, mini FAT, the
mini stream, then each large stream.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Mapping, Union

SECTOR = 512
MINI_SECTOR = 64
MINI_STREAM_CUTOFF = 4096
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
_HEADER_DIFAT_SLOTS = 109
_ENTRY_SIZE = 128
_MAX_NAME = 31
_TYPE_STORAGE, _TYPE_STREAM, _TYPE_ROOT = 1, 2, 5
_RED, _BLACK = 0, 1

# A tree: stream name -> bytes, storage name -> another tree.
Tree = Mapping[str, Union[bytes, "Tree"]]


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def cfb_name_key(name: str) -> tuple[int, str]:
    """[MS-CFB] 2.6.4 order: shorter names first, then by upper-cased code units."""
    return len(name), name.upper()


def write_compound_file(tree: Tree) -> bytes:
    """Serialise ``tree`` (the root storage's contents) as a compound file."""
    entries = [_Entry("Root Entry", _TYPE_ROOT)]
    _add_children(entries, 0, tree)
    for entry in entries:
        if entry.children:
            entry.child = _link_tree(entries, sorted(entry.children, key=lambda i: cfb_name_key(entries[i].name)))
    return _Layout(entries).serialise()


def _add_children(entries: list[_Entry], parent: int, tree: Tree) -> None:
    seen: set[str] = set()
    for name, value in tree.items():
        if not name or len(name) > _MAX_NAME or any(c in name for c in "/\\:!"):
            raise ValueError(f"invalid compound file entry name {name!r}")
        if name.upper() in seen:
            raise ValueError(f"duplicate compound file entry name {name!r}")
        seen.add(name.upper())
        index = len(entries)
        if isinstance(value, (bytes, bytearray)):
            entries.append(_Entry(name, _TYPE_STREAM, data=bytes(value)))
        else:
            entries.append(_Entry(name, _TYPE_STORAGE))
            _add_children(entries, index, value)
        entries[parent].children.append(index)


def _link_tree(entries: list[_Entry], ordered: list[int]) -> int:
    """Link sorted siblings as a balanced binary tree; return its root entry id.

    Splitting at the middle fills every level but the deepest, so every empty
    link sits at depth h or h + 1. Colouring the deepest level red (unless it
    is full) and everything else black gives a valid red-black tree: the same
    number of black nodes on every path, and no red node with a red child.
    """
    height = len(ordered).bit_length()
    full = len(ordered) == (1 << height) - 1
    return _link(entries, ordered, 1, 0 if full else height)


def _link(entries: list[_Entry], ordered: list[int], depth: int, red_depth: int) -> int:
    if not ordered:
        return NOSTREAM
    middle = len(ordered) // 2
    node = entries[ordered[middle]]
    node.left = _link(entries, ordered[:middle], depth + 1, red_depth)
    node.right = _link(entries, ordered[middle + 1:], depth + 1, red_depth)
    node.color = _RED if depth == red_depth else _BLACK
    return ordered[middle]


class _Layout:
    """Assigns sectors to every part and writes the file."""

    def __init__(self, entries: list[_Entry]):
        self.entries = entries
        self.mini_fat: list[int] = []
        mini_stream = self._place_small_streams()
        big = [e for e in entries if e.kind == _TYPE_STREAM and len(e.data) >= MINI_STREAM_CUTOFF]
        dir_count = _sectors(len(entries) * _ENTRY_SIZE)
        self.mini_fat_count = _sectors(len(self.mini_fat) * 4)
        body = dir_count + self.mini_fat_count + _sectors(len(mini_stream)) + sum(_sectors(len(e.data)) for e in big)
        self.fat_count = _fat_sectors_for(body)
        self.fat: list[int] = [FATSECT] * self.fat_count
        self.dir_start = self._chain(dir_count)
        self.mini_fat_start = self._chain(self.mini_fat_count)
        root = entries[0]
        root.size = len(mini_stream)
        root.start = self._chain(_sectors(len(mini_stream)))
        for entry in big:
            entry.start, entry.size = self._chain(_sectors(len(entry.data))), len(entry.data)
        # Unused slots must read as free, not as links to sector 0; an unused
        # directory entry is all zeros except its three links (2.6.1).
        mini_fat_slots = self.mini_fat + [FREESECT] * (-len(self.mini_fat) % (SECTOR // 4))
        mini_fat = struct.pack(f"<{len(mini_fat_slots)}I", *mini_fat_slots)
        unused = _Entry("", 0, start=0, color=0)
        directory = b"".join(_entry_bytes(e) for e in entries + [unused] * (-len(entries) % (SECTOR // _ENTRY_SIZE)))
        self.parts = [directory, mini_fat, mini_stream] + [e.data for e in big]

    def _place_small_streams(self) -> bytes:
        stream = bytearray()
        for entry in self.entries:
            if entry.kind != _TYPE_STREAM or len(entry.data) >= MINI_STREAM_CUTOFF:
                continue
            entry.size = len(entry.data)
            if not entry.data:
                continue
            count = -(-len(entry.data) // MINI_SECTOR)
            entry.start = len(self.mini_fat)
            self.mini_fat.extend(range(entry.start + 1, entry.start + count))
            self.mini_fat.append(ENDOFCHAIN)
            stream += entry.data.ljust(count * MINI_SECTOR, b"\x00")
        return bytes(stream)

    def _chain(self, count: int) -> int:
        """Allocate ``count`` consecutive sectors as one chain; return its first sector."""
        if not count:
            return ENDOFCHAIN
        start = len(self.fat)
        self.fat.extend(range(start + 1, start + count))
        self.fat.append(ENDOFCHAIN)
        return start

    def serialise(self) -> bytes:
        fat = self.fat + [FREESECT] * (self.fat_count * (SECTOR // 4) - len(self.fat))
        fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
        body = fat_bytes + b"".join(_pad(part, SECTOR) for part in self.parts)
        return self._header() + body

    def _header(self) -> bytes:
        difat = list(range(self.fat_count)) + [FREESECT] * (_HEADER_DIFAT_SLOTS - self.fat_count)
        return struct.pack(
            "<8s16sHHHHH6sIIIIIIIII109I",
            bytes.fromhex("D0CF11E0A1B11AE1"), b"\x00" * 16,
            0x003E, 0x0003, 0xFFFE, 9, 6, b"\x00" * 6,
            0,  # number of directory sectors: always 0 in version 3
            self.fat_count, self.dir_start, 0, MINI_STREAM_CUTOFF,
            self.mini_fat_start, self.mini_fat_count, ENDOFCHAIN, 0, *difat,
        )


def _fat_sectors_for(body_sectors: int) -> int:
    """FAT sectors needed to map the body plus the FAT sectors themselves."""
    count = 1
    while count * (SECTOR // 4) < body_sectors + count:
        count += 1
    if count > _HEADER_DIFAT_SLOTS:
        raise ValueError("compound file too large for a header-only DIFAT")
    return count


def _sectors(size: int) -> int:
    return -(-size // SECTOR)


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\x00" * (-len(data) % size)


def _entry_bytes(entry: _Entry) -> bytes:
    name = (entry.name + "\x00").encode("utf-16-le") if entry.name else b""
    start = entry.start if entry.kind != _TYPE_STORAGE else 0
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name, len(name), entry.kind, entry.color,
        entry.left, entry.right, entry.child, b"\x00" * 16, 0, 0, 0,
        start, entry.size,
    )
