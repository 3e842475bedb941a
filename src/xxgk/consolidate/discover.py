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
* skipped without counting: hidden files and folders (``.name``), Office lock
  files (``~$name``), ``__MACOSX`` folders, ``Thumbs.db`` / ``desktop.ini``,
  and the summary being written (and its temporary file).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".et", ".ett", ".ods", ".csv"})
# Kinds (readers.detect_kind tags) that are a workbook whatever the file is called.
WORKBOOK_LIKE_KINDS = frozenset({"xlsx", "xlsm", "xls", "xlsb", "ods", "encrypted"})
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})
SYSTEM_FOLDERS = frozenset({"__macosx"})


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)  # to be accounted for, in a stable order
    skipped: list[Path] = field(default_factory=list)  # non-workbook files met in folders
    missing: list[Path] = field(default_factory=list)  # inputs that do not exist


def is_noise(path: Path) -> bool:
    """Hidden files, Office lock files and system litter: never a submission."""
    name = path.name
    return name.startswith((".", "~$")) or name.lower() in SYSTEM_FILES


def discover(inputs: Sequence[Path], exclude: Iterable[Path] = (), sniff=None) -> Discovery:
    """Files to account for under ``inputs``; ``exclude`` (the output) is never taken.

    ``sniff(path) -> kind`` tells what a file without a spreadsheet extension is;
    it is passed in so this module stays free of file-format knowledge.
    """
    excluded = {_key(p) for p in exclude}
    found = Discovery()
    seen: set[str] = set()

    def take(path: Path, into: list[Path], key: str | None = None) -> None:
        key = key or _key(path)
        if key not in seen and key not in excluded:
            seen.add(key)
            into.append(path)

    for item in inputs:
        item = Path(item)
        if item.is_dir():
            for path, key in _walk(item):
                if path.suffix.lower() in SPREADSHEET_SUFFIXES:
                    take(path, found.files, key)
                elif sniff is not None and sniff(path) in WORKBOOK_LIKE_KINDS:
                    take(path, found.files, key)
                else:
                    take(path, found.skipped, key)
        elif item.exists() or item.is_symlink():
            take(item, found.files)
        else:
            found.missing.append(item)
    return found


def _walk(folder: Path) -> list[tuple[Path, str]]:
    """Every plain file below ``folder`` with its ``_key``, sorted, leaving out noise and hidden folders.

    As ``os.walk`` (symlinked folders listed, not entered) but from the directory
    entries alone: a province's 10,000 files cost no stat or realpath each — a
    folder is resolved once and a file's key is made from it, unless the file is
    itself a link.
    """
    found: list[tuple[Path, str]] = []
    _walk_into(Path(folder), found)
    return found


def _walk_into(folder: Path, found: list[tuple[Path, str]]) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:  # unreadable or vanished, as os.walk skips it
        return
    resolved = _key(folder)
    folders = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if not entry.name.startswith(".") and entry.name.lower() not in SYSTEM_FOLDERS:
                folders.append(entry)
            continue
        path = folder / entry.name
        if is_noise(path) or not _is_file(entry):
            continue
        link = entry.is_symlink()
        found.append((path, _key(path) if link else os.path.join(resolved, os.path.normcase(entry.name))))
    for entry in folders:
        if not entry.is_symlink():
            _walk_into(folder / entry.name, found)


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _key(path: Path) -> str:
    try:
        return os.path.normcase(str(Path(path).resolve()))
    except OSError:
        return os.path.normcase(os.path.abspath(path))
