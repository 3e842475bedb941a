"""The summary's zip put together from members made apart, the two longest at the same time.

XlsxWriter's workbook (held in memory) is copied member by member into the
output, except the members the summary streams (``detail_stream``,
``status_stream``): each of those is made by its function and compressed into a
file of its own first — 分单位明细 and 问题清单 in a forked child while
this process makes 报送情况 and its relationships, so on two cores the two longest
members cost the time of one — and then copied into the zip as compressed.

zipfile has no public call for adding bytes already compressed, so
``add_compressed`` does what ``ZipFile.open(…, "w")`` does around its
compressor, on the same attributes. Where no child can be forked (Windows,
macOS) or the child fails, its members are made here, after the others: the
output is the same.
"""
from __future__ import annotations

import gc
import io
import multiprocessing
import os
import pickle
import shutil
import signal
import tempfile
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection, Iterator, TypeVar

from .spool import BUFFER

try:  # ISA-L deflates these sheets 3x faster than zlib, and smaller; any deflate stream will do
    from isal import isal_zlib as _deflater
except ImportError:  # a dependency, yet optional here
    _deflater = zlib

Part = Callable[[bytes, Callable[[bytes], object]], None]  # (XlsxWriter's XML of a part, write)
LEVEL = 1  # compression level of the streamed members: fast, and this XML compresses well anyway
T = TypeVar("T")


@dataclass(frozen=True)
class Compressed:
    """A member's data as a raw deflate stream in a file, with what its zip headers need."""

    path: str
    crc: int
    size: int
    compressed: int


def splice(data: bytes, target: Path, parts: dict[str, Part],
           added: Callable[[], dict[str, Part]] | None = None, aside: Collection[str] = ()) -> None:
    """Write workbook ``data`` to ``target``, each member named in ``parts`` made by its function.

    ``added()``, asked once this process has made its parts, gives members that
    are not in ``data`` (a sheet's relationships, known only once the sheet is
    made). The parts named in ``aside`` are made in a child process meanwhile.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source, tempfile.TemporaryDirectory(prefix="xxgk-parts-") as folder:
        def make(names: list[str]) -> dict[str, Compressed]:
            return {name: compress_part(Path(folder), name, parts[name], source.read(name)) for name in names}

        theirs = [name for name in parts if name in aside]
        with in_child(lambda: make(theirs), fork=bool(theirs)) as their_members:
            made = make([name for name in parts if name not in aside])
            made.update((name, compress_part(Path(folder), name, part, b"")) for name, part in (added or dict)().items())
            made.update(their_members())
        _write(source, target, made)


def _write(source: zipfile.ZipFile, target: Path, made: dict[str, Compressed]) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename in made:
                add_compressed(out, info.filename, info.date_time, made.pop(info.filename))
            else:
                out.writestr(info, source.read(info))
        stamp = source.infolist()[0].date_time
        for name, member in made.items():  # the added members, after the rest
            add_compressed(out, name, stamp, member)


def compress_part(folder: Path, name: str, part: Part, xml: bytes) -> Compressed:
    """Run ``part`` on ``xml`` and keep what it writes, deflated as in a zip, in a file in ``folder``."""
    path = folder / name.replace("/", "_")
    compressor = _deflater.compressobj(LEVEL, _deflater.DEFLATED, -15)  # raw deflate, as in a zip
    crc = size = 0
    with open(path, "wb", buffering=BUFFER) as out:
        def write(chunk: bytes) -> None:
            nonlocal crc, size
            crc = _deflater.crc32(chunk, crc)
            size += len(chunk)
            out.write(compressor.compress(chunk))

        part(xml, write)
        out.write(compressor.flush())
        return Compressed(str(path), crc, size, out.tell())


def add_compressed(out: zipfile.ZipFile, name: str, stamp: tuple, member: Compressed) -> None:
    """Add ``member``'s compressed data to ``out`` as ``name``, as ZipFile.open(…, "w") would have written it."""
    info = zipfile.ZipInfo(name, stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    info.CRC, info.file_size, info.compress_size = member.crc, member.size, member.compressed
    zip64 = max(member.size, member.compressed) > zipfile.ZIP64_LIMIT
    out.fp.seek(out.start_dir)
    info.header_offset = out.fp.tell()
    out.fp.write(info.FileHeader(zip64))
    with open(member.path, "rb") as data:
        shutil.copyfileobj(data, out.fp, BUFFER)
    out.start_dir = out.fp.tell()
    out.filelist.append(info)
    out.NameToInfo[name] = info
    out._didModify = True  # noqa: SLF001 - so close() writes the central directory


@contextmanager
def in_child(job: Callable[[], T], fork: bool = True) -> Iterator[Callable[[], T]]:
    """Start ``job`` in a forked child; the function yielded waits for its result.

    Without ``fork``, where processes cannot be forked, or when the child fails
    in any way, that function runs ``job`` here instead (raising what it raises).
    The child is a bare ``os.fork``: it runs the job, sends its result down a pipe
    and leaves by ``os._exit``, touching no lock another thread of this process
    (a progress bar's, say) may have held at the fork.
    """
    if not fork or "fork" not in multiprocessing.get_all_start_methods():
        yield job
        return
    receive, send = os.pipe()
    gc.freeze()  # the child's collections then leave the parent's objects alone: no copy of their pages
    try:
        child = os.fork()
    except OSError:  # no memory or processes left for a child: do it here
        gc.unfreeze()
        os.close(receive)
        os.close(send)
        yield job
        return
    if child == 0:
        _child(job, receive, send)
    gc.unfreeze()
    os.close(send)
    waited = False

    def result() -> T:
        nonlocal waited
        with open(receive, "rb", closefd=False) as stream:
            data = stream.read()  # until the child closes its end
        os.waitpid(child, 0)
        waited = True
        try:
            done, value = pickle.loads(data)
        except Exception:  # noqa: BLE001 - the child died without a word
            done, value = False, None
        return value if done else job()

    try:
        yield result
    finally:
        os.close(receive)
        if not waited:  # this process failed first: the child's work is not wanted
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)


def _child(job: Callable[[], T], receive: int, send: int) -> None:
    """In the forked child: run ``job``, send (done, result), and leave without any clean-up."""
    try:
        os.close(receive)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        try:
            outcome = pickle.dumps((True, job()), pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - the parent runs the job again and reports what it raises
            outcome = pickle.dumps((False, None))
        view = memoryview(outcome)
        while view:
            view = view[os.write(send, view):]
    finally:
        os._exit(0)
