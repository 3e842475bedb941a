"""Which files a district's inputs hold: every submission, and nothing that obviously is not one.

Pure path logic: no file is opened here except to list folders and, for files
without a spreadsheet extension, to sniff whether the bytes are a workbook.

Policy (documented in ``xxgk consolidate --help``):

* a file named on the command line is always taken, whatever its name;
* in a folder (searched recursively) every file with a spreadsheet extension is
  taken (.xlsx .xlsm .xls .xlsb .et .ett .ods .csv), whether or not it really is
  one — a renamed or damaged file is listed as 无法读取, never silently dropped;
* a file in a folder without such an extension is taken when its bytes are a
  workbook (a mail client's ``附件1`` or ``报表.xlsx.download``), else skipped and
  counted (the .docx / .pdf of the report text that travels with the workbook);
* a symbolic link that leads nowhere (broken, or a loop) and anything that is no
  regular file (a FIFO, a device) is taken too: the reader refuses it by name, so
  it is listed as 无法读取 with the reason, never silently dropped; a linked
  folder is searched like any other (once, however many links lead to it);
* skipped without counting: hidden files and folders (``.name``), Office lock
  files (``~$name``), ``__MACOSX`` folders, ``Thumbs.db`` / ``desktop.ini``.
  Whether a file is one of our own outputs (a summary, a marked copy) is told by
  its content when it is read, never by its name.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ..readers.detect import SPREADSHEET_KINDS

SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".et", ".ett", ".ods", ".csv"})
# Kinds (xxgk.inputs tags) of entries that are no readable file: taken, so they are listed as unreadable.
NOT_A_FILE_KINDS = frozenset({"broken_link", "link_loop", "not_regular", "unreadable"})
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})
SYSTEM_FOLDERS = frozenset({"__macosx"})


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)  # to be accounted for, in a stable order
    skipped: list[Path] = field(default_factory=list)  # non-workbook files met in folders
    missing: list[Path] = field(default_factory=list)  # inputs that do not exist
    flagged: list[Path] = field(default_factory=list)  # files that are one of the ``flag`` paths (the output)


def is_noise(path: Path) -> bool:
    """Hidden files, Office lock files and system litter: never a submission."""
    name = path.name
    return name.startswith((".", "~$")) or name.lower() in SYSTEM_FILES


def discover(inputs: Sequence[Path], exclude: Iterable[Path] = (), sniff=None, flag: Iterable[Path] = ()) -> Discovery:
    """Files to account for under ``inputs``; ``exclude`` is never taken; files that are (or link to)
    one of ``flag`` are taken and also listed in ``flagged`` (an output about to be written over one).

    ``sniff(path) -> kind`` tells what a file without a spreadsheet extension is;
    it is passed in so this module stays free of file-format knowledge.
    """
    excluded = {_key(p) for p in exclude}
    flagged = {_key(p) for p in flag}
    found = Discovery()
    seen: set[str] = set()

    def take(path: Path, into: list[Path], key: str | None = None) -> None:
        key = key or _key(path)
        if key not in seen and key not in excluded:
            seen.add(key)
            into.append(path)
            if key in flagged:
                found.flagged.append(path)

    for item in inputs:
        item = Path(item)
        if item.is_dir():
            for path, key in _walk(item):
                if path.suffix.lower() in SPREADSHEET_SUFFIXES:
                    take(path, found.files, key)
                elif sniff is not None and sniff(path) in SPREADSHEET_KINDS | NOT_A_FILE_KINDS:
                    take(path, found.files, key)
                else:
                    take(path, found.skipped, key)
        elif item.exists() or item.is_symlink():
            take(item, found.files)
        else:
            found.missing.append(item)
    return found


def _walk(folder: Path) -> list[tuple[Path, str]]:
    """Every file below ``folder`` with its ``_key``, sorted, leaving out noise and hidden folders.

    From the directory entries alone: a province's 10,000 files cost no stat or
    realpath each — a folder is resolved once and a file's key is made from it,
    unless the file is itself a link. Entries that are no folder are all taken,
    regular or not (see the module's policy).
    """
    found: list[tuple[Path, str]] = []
    _walk_into(Path(folder), found, set())
    return found


def _walk_into(folder: Path, found: list[tuple[Path, str]], visited: set[str]) -> None:
    resolved = _key(folder)
    if resolved in visited:  # a link back to a folder already searched
        return
    visited.add(resolved)
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:  # unreadable or vanished, as os.walk skips it
        return
    folders = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:  # a link loop: not a folder
            is_dir = False
        if is_dir:
            if not entry.name.startswith(".") and entry.name.lower() not in SYSTEM_FOLDERS:
                folders.append(entry)
            continue
        path = folder / entry.name
        if is_noise(path):
            continue
        link = entry.is_symlink()
        found.append((path, _key(path) if link else os.path.join(resolved, os.path.normcase(entry.name))))
    for entry in folders:
        _walk_into(folder / entry.name, found, visited)


def _key(path: Path) -> str:
    """The real location of ``path`` (links followed) as a comparable string; a loop resolves as far as it goes."""
    return os.path.normcase(os.path.realpath(os.path.abspath(path)))
