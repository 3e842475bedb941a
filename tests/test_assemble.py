"""The summary's zip put together from members made apart (consolidate.assemble)."""
from __future__ import annotations

import io
import os
import zipfile

import pytest

from xxgk import speed
from xxgk.consolidate.assemble import in_child, splice


def workbook_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet>one</worksheet>")
        archive.writestr("xl/worksheets/sheet2.xml", "<worksheet>two</worksheet>")
        archive.writestr("xl/worksheets/sheet3.xml", "<worksheet>three</worksheet>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def rows_part(label: bytes, count: int):
    """A part that writes XlsxWriter's XML with ``count`` long rows added, in many chunks."""
    def part(xml: bytes, write) -> None:
        write(xml[:-12])
        for n in range(count):
            write(b"<row>" + label + str(n).encode() * 50 + b"</row>")
        write(xml[-12:])
    return part


def members(path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None  # every CRC right
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


@pytest.mark.parametrize("aside", [(), ("xl/worksheets/sheet2.xml",),
                                   ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml")])
def test_members_made_in_a_child_make_the_same_zip(tmp_path, aside):
    parts = {"xl/worksheets/sheet1.xml": rows_part(b"a", 20000), "xl/worksheets/sheet3.xml": rows_part(b"c", 3)}
    added = lambda: {"xl/worksheets/_rels/sheet1.xml.rels": lambda _xml, write: write(b"<Relationships/>")}  # noqa: E731
    expected_path, output = tmp_path / "serial.xlsx", tmp_path / f"{len(aside)}.xlsx"
    splice(workbook_bytes(), expected_path, parts, added)
    splice(workbook_bytes(), output, parts, added, aside=aside)
    made = members(output)
    assert made == members(expected_path)
    assert [name for name, _ in made] == ["[Content_Types].xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
                                          "xl/worksheets/sheet3.xml", "xl/workbook.xml",
                                          "xl/worksheets/_rels/sheet1.xml.rels"]
    data = dict(made)
    assert data["xl/worksheets/sheet1.xml"].count(b"<row>") == 20000
    assert data["xl/worksheets/sheet1.xml"].endswith(b"</worksheet>")
    assert data["xl/worksheets/sheet2.xml"] == b"<worksheet>two</worksheet>"


def test_a_child_that_fails_or_dies_is_reported_and_its_job_done_here(tmp_path, monkeypatch):
    monkeypatch.setenv(speed.LOG_VARIABLE, str(tmp_path / "logs"))
    speed.take_notices()
    parent = os.getpid()

    def fails_there() -> int:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return 42

    def dies_there() -> int:
        if os.getpid() != parent:
            os._exit(3)
        return 43

    def works() -> tuple[int, bool]:
        return 44, os.getpid() != parent

    told = []
    for job, expected in ((fails_there, 42), (dies_there, 43), (works, (44, True))):
        with in_child(job, what="分单位明细") as result:
            assert result() == expected
        told.append(speed.take_notices())
    assert [len(notices) for notices in told] == [1, 1, 0]
    assert all("“分单位明细”在子进程中生成失败" in notices[0] for notices in told[:2])
    (log,) = (tmp_path / "logs").iterdir()
    assert str(log) in told[0][0] and str(log) in told[1][0]
    text = log.read_text(encoding="utf-8")
    assert "RuntimeError: only in the child" in text and "ended without a result" in text


def test_no_child_is_forked_while_another_thread_runs():
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with in_child(os.getpid) as result:
            assert result() == os.getpid()  # done here: a fork now could copy a lock the thread holds
    finally:
        stop.set()
        thread.join()
    with in_child(os.getpid) as result:
        assert result() != os.getpid()


def test_a_job_that_fails_everywhere_raises_here(tmp_path, monkeypatch):
    monkeypatch.setenv(speed.LOG_VARIABLE, str(tmp_path))
    earlier = len(speed.NOTICES)

    def broken() -> None:
        raise ValueError("坏了")

    with pytest.raises(ValueError, match="坏了"):
        with in_child(broken) as result:
            result()
    assert len(speed.take_notices(since=earlier)) == 1  # the child's failure was told before the retry failed


def test_without_fork_the_job_runs_here():
    with in_child(os.getpid, fork=False) as result:
        assert result() == os.getpid()


@pytest.mark.parametrize("aside", [(), ("xl/worksheets/sheet1.xml",)])
def test_every_member_is_parsed_on_the_way_and_only_read_back_after(tmp_path, aside):
    """splice names each XML member it parsed well-formed with its CRC; the self-check then only reads those
    back, and a member that did not parse is not among them, so the self-check parses it and refuses."""
    from xxgk.readers.package import package_problem

    broken = lambda _xml, write: write(b"<worksheet><c>\x01</c></worksheet>")  # noqa: E731
    parts = {"xl/worksheets/sheet1.xml": rows_part(b"a", 500), "xl/worksheets/sheet3.xml": broken}
    output = tmp_path / "made.xlsx"
    proven = splice(workbook_bytes(), output, parts, aside=aside)
    with zipfile.ZipFile(output) as archive:
        crcs = {info.filename: info.CRC for info in archive.infolist()}
    assert proven == {name: crc for name, crc in crcs.items() if name != "xl/worksheets/sheet3.xml"}
    assert "sheet3.xml" in package_problem(output, proven) and "sheet3.xml" in package_problem(output)
    claimed = {**proven, "xl/worksheets/sheet3.xml": crcs["xl/worksheets/sheet3.xml"] ^ 1}  # not what the file holds
    assert "sheet3.xml" in package_problem(output, claimed)


def test_a_member_read_back_must_hold_the_bytes_that_were_parsed(tmp_path):
    """Parsed on the way or not, a member whose stored bytes differ from its CRC fails the self-check."""
    from xxgk.readers.package import package_problem

    output = tmp_path / "made.xlsx"
    proven = splice(workbook_bytes(), output, {"xl/worksheets/sheet1.xml": rows_part(b"a", 2000)})
    assert package_problem(output, proven) is None
    data = bytearray(output.read_bytes())
    with zipfile.ZipFile(output) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x55  # a byte of the stored data, not of its headers
    output.write_bytes(bytes(data))
    assert "压缩包不完整" in package_problem(output, proven)
