"""The floor: open every workbook's zip and decompress every part, parsing nothing.

``python -m xxgk.bench.floor FOLDER [JOBS]`` spreads the files over JOBS
processes (default: one per core, as xxgk does), so the floor and xxgk use the
same machine. Nothing that reads these files can be faster than this.
"""
from __future__ import annotations

import multiprocessing
import sys
import zipfile
from pathlib import Path

from ..parallel import cores, start_method


def inflate_all(path: Path) -> int:
    size = 0
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            size += len(archive.read(info))
    return size


def main(folder: str, jobs: int | None = None) -> int:
    files = sorted(p for p in Path(folder).rglob("*.xlsx") if p.is_file())
    jobs = jobs or cores()
    if jobs == 1:
        total = sum(map(inflate_all, files))
    else:
        with multiprocessing.get_context(start_method()).Pool(jobs) as pool:
            total = sum(pool.imap(inflate_all, files, chunksize=32))
    print(f"{len(files)} files, {total / 2**20:.1f} MB decompressed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else None))
