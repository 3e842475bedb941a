"""The summary's zip put together from members made apart, the two longest at the same time.

XlsxWriter's workbook (held in memory) is copied member by member into the
output, except the members the summary streams (``detail_stream``,
``status_stream``): each of those is made by its function and compressed into a
file of its own first — the longest (分单位明细) in a forked child while this
process makes the others, so on two cores the work is shared — and then copied
into the zip as compressed (``zipout``: zipfile has no public call for that).

Every member is parsed as XML while it is made — the streamed ones as they are
compressed, XlsxWriter's while the child works — so the self-check that follows
(``readers.package``) only reads them back: ``splice`` returns each proven
member's CRC-32.

A child is forked only where that is safe (``parallel.fork_is_safe``); elsewhere
(Windows, macOS, a process running other threads) its members are made here,
after the others: the output is the same. A child that fails is reported — its
traceback in a log file, a Chinese notice for the person — and its members are
then made here.
"""
from __future__ import annotations

import gc
import io
import os
import pickle
import signal
import tempfile
import traceback
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Collection, Iterator, TypeVar

from .. import speed
from ..parallel import fork_is_safe
from ..readers.package import XML_SUFFIXES, XmlCheck, part_problem
from .spool import BUFFER
from .zipout import Compressed, ZipWriter

try:  # ISA-L deflates these sheets 3x faster than zlib, and smaller; any deflate stream will do
    from isal import isal_zlib as deflater
except ImportError:  # a dependency, yet optional here
    deflater = zlib

Part = Callable[[bytes, Callable[[bytes], object]], None]  # (XlsxWriter's XML of a part, write)
LEVEL = 1  # compression level of the streamed members: fast, and this XML compresses well anyway
T = TypeVar("T")
CHILD_FAILED = ("汇总表的“{what}”在子进程中生成失败，已改在本进程中重新生成（结果相同）；"
                "错误详情已写入 {log}")


def splice(data: bytes, target: Path, parts: dict[str, Part],
           added: Callable[[], dict[str, Part]] | None = None, aside: Collection[str] = (),
           what: str = "") -> dict[str, int]:
    """Write workbook ``data`` to ``target``, each member named in ``parts`` made by its function;
    return the XML members parsed well-formed on the way, with their CRC-32 (``readers.package``).

    ``added()``, asked once this process has made its parts, gives members that
    are not in ``data`` (a sheet's relationships, known only once the sheet is
    made). The parts named in ``aside`` are made in a child process meanwhile.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source, tempfile.TemporaryDirectory(prefix="xxgk-parts-") as folder:
        def make(names: list[str]) -> dict[str, Compressed]:
            return {name: compress_part(Path(folder), name, parts[name], source.read(name)) for name in names}

        theirs = [name for name in parts if name in aside]
        with in_child(lambda: make(theirs), fork=bool(theirs), what=what) as their_members:
            made = make([name for name in parts if name not in aside])
            made.update((name, compress_part(Path(folder), name, part, b"")) for name, part in (added or dict)().items())
            proven = _parsed_as_they_are(source, made.keys() | parts.keys())
            made.update(their_members())
        proven.update((name, member.crc) for name, member in made.items() if member.parsed)
        _write(source, target, made)
    return proven


def _parsed_as_they_are(source: zipfile.ZipFile, made: Collection[str]) -> dict[str, int]:
    """The CRC-32 of each XML member copied from ``source`` as it is, which parses well-formed
    (zipfile checked the bytes parsed against that CRC as it read them)."""
    return {info.filename: info.CRC for info in source.infolist()
            if info.filename not in made and info.filename.lower().endswith(XML_SUFFIXES)
            and part_problem(source, info) is None}


def _write(source: zipfile.ZipFile, target: Path, made: dict[str, Compressed]) -> None:
    with open(target, "wb") as stream:
        out = ZipWriter(stream)
        for info in source.infolist():
            if info.filename in made:
                out.add_compressed(info.filename, info.date_time, made.pop(info.filename))
            else:
                out.add(info.filename, info.date_time, source.read(info))
        stamp = source.infolist()[0].date_time
        for name, member in made.items():  # the added members, after the rest
            out.add_compressed(name, stamp, member)
        out.close()


def compress_part(folder: Path, name: str, part: Part, xml: bytes) -> Compressed:
    """Run ``part`` on ``xml`` and keep what it writes, deflated as in a zip, in a file in ``folder``;
    what it writes is parsed as XML on the way (``Compressed.parsed``)."""
    path = folder / name.replace("/", "_")
    compressor = deflater.compressobj(LEVEL, deflater.DEFLATED, -15)  # raw deflate, as in a zip
    check = XmlCheck()
    crc = size = 0
    with open(path, "wb", buffering=BUFFER) as out:
        def write(chunk: bytes) -> None:
            nonlocal crc, size
            crc = deflater.crc32(chunk, crc)
            size += len(chunk)
            out.write(compressor.compress(chunk))
            check.feed(chunk)

        part(xml, write)
        out.write(compressor.flush())
        return Compressed(str(path), crc, size, out.tell(), parsed=check.problem() is None)


@contextmanager
def in_child(job: Callable[[], T], fork: bool = True, what: str = "") -> Iterator[Callable[[], T]]:
    """Start ``job`` in a forked child; the function yielded waits for its result.

    Without ``fork``, or where forking is not safe (``fork_is_safe``), that function
    runs ``job`` here. When the child fails in any way, the failure is reported
    (``speed.report_failure``: a log file and a Chinese notice naming ``what``) and
    the job runs here, raising what it raises. The child is a bare ``os.fork``: it
    runs the job, sends its result down a pipe and leaves by ``os._exit``.
    """
    if not fork or not fork_is_safe():
        speed.COUNTS["summary parts:here"] += fork
        yield job
        return
    speed.COUNTS["summary parts:child"] += 1
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
        _pid, status = os.waitpid(child, 0)
        waited = True
        try:
            done, value = pickle.loads(data)
        except Exception:  # noqa: BLE001 - the child died without a word
            done, value = False, f"the child process ended without a result (wait status {status})"
        if done:
            return value
        speed.report_failure(CHILD_FAILED, value, what=what or "部分工作表")
        return job()

    try:
        yield result
    finally:
        os.close(receive)
        if not waited:  # this process failed first: the child's work is not wanted
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)


def _child(job: Callable[[], T], receive: int, send: int) -> None:
    """In the forked child: run ``job``, send (done, result or traceback), and leave without any clean-up."""
    try:
        os.close(receive)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        try:
            outcome = pickle.dumps((True, job()), pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - the parent reports it and runs the job itself
            outcome = pickle.dumps((False, traceback.format_exc()))
        view = memoryview(outcome)
        while view:
            view = view[os.write(send, view):]
    finally:
        os._exit(0)
