"""The speed layer's seam and off switch (xxgk.speed): chosen by switch, deletable, bounded, never silent."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from consolidate_support import YEAR, build
from test_architecture import SOURCE, SPEED_LAYER
from xxgk import speed
from xxgk.catalogue import Status

REPO = SOURCE.parents[1]


@pytest.mark.parametrize("flag, variable, careful", [
    (None, None, False), (None, "1", True), (None, "0", False), (None, "", False), (True, None, True),
    (True, "0", True), (False, "1", True)])
def test_careful_by_switch_or_variable(monkeypatch, flag, variable, careful):
    monkeypatch.delenv(speed.CAREFUL_VARIABLE, raising=False)
    if variable is not None:
        monkeypatch.setenv(speed.CAREFUL_VARIABLE, variable)
    assert speed.careful_wanted(flag) is careful
    assert speed.pipeline(flag).name == ("careful" if careful else "fast")


@pytest.fixture(scope="module")
def small_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("few") / "报送"
    folder.mkdir()
    build(folder / "a.xlsx", "甲局", 1)
    build(folder / "b.xlsx", "乙局", 2, **{"t3.carry_next.natural": 999})
    build(folder / "c.xlsx", "丙局", 3, year=YEAR - 1)
    (folder / "d.xlsx").write_bytes(b"PK\x03\x04 broken")
    return folder


def test_deleting_the_speed_layer_leaves_a_working_tool(small_folder, tmp_path):
    """A copy of the source without the layer's modules validates and consolidates as the whole tool does."""
    copy = tmp_path / "src"
    shutil.copytree(SOURCE, copy / "xxgk", ignore=shutil.ignore_patterns("__pycache__"))
    for module in SPEED_LAYER:
        (copy / "xxgk" / module).unlink()
    outputs = {}
    for label, path in (("whole", str(SOURCE.parent)), ("without", str(copy))):
        env = {**os.environ, "PYTHONPATH": path, speed.STATS_VARIABLE: str(tmp_path / f"{label}.json")}
        env.pop(speed.CAREFUL_VARIABLE, None)
        rules = ["--rules", str(REPO / "rules.yaml")]
        files = sorted(map(str, small_folder.iterdir()))
        validated = subprocess.run([sys.executable, "-m", "xxgk", "validate", "--json", *files, *rules],
                                   capture_output=True, text=True, env=env)
        summary = tmp_path / f"{label}.xlsx"
        consolidated = subprocess.run([sys.executable, "-m", "xxgk", "consolidate", str(small_folder), "-o",
                                       str(summary), *rules], capture_output=True, text=True, env=env)
        counts = json.loads((tmp_path / f"{label}.json").read_text())
        outputs[label] = (validated.returncode, validated.stdout, consolidated.returncode,
                          consolidated.stdout.replace(str(summary), "汇总").splitlines()[:-1], counts)
    assert outputs["without"][4] == {"pipeline:careful": 1} and outputs["whole"][4]["pipeline:fast"] == 1
    assert outputs["without"][:4] == outputs["whole"][:4]
    assert outputs["whole"][0] == 2 and Status.UNREADABLE in outputs["whole"][1]


def test_failures_are_logged_and_told_once(tmp_path, monkeypatch):
    monkeypatch.setenv(speed.LOG_VARIABLE, str(tmp_path))
    speed.take_notices()
    notice = speed.report_failure("子进程失败；详情见 {log}（{what}）", "Traceback: boom", what="分单位明细")
    (log,) = tmp_path.iterdir()
    assert notice == f"子进程失败；详情见 {log}（分单位明细）" and "Traceback: boom" in log.read_text(encoding="utf-8")
    assert speed.take_notices() == [notice] and speed.take_notices() == []


def test_counts_are_written_only_when_asked(tmp_path, monkeypatch):
    target = tmp_path / "counts.json"
    monkeypatch.delenv(speed.STATS_VARIABLE, raising=False)
    speed.save_counts()
    monkeypatch.setenv(speed.STATS_VARIABLE, str(target))
    monkeypatch.setattr(speed, "COUNTS", speed.Counter({"reader:fast": 3}))
    speed.save_counts()
    assert json.loads(target.read_text()) == {"reader:fast": 3}


def test_spool_reads_back_without_pread(monkeypatch):
    """Windows has no os.pread: the spool seeks and reads, and appends after a read still land at the end."""
    from xxgk.consolidate.spool import Spool

    monkeypatch.delattr(os, "pread", raising=False)
    spool = Spool()
    first = spool.add("2021", b"\x80\x05N.", b"<c/>" * 3)  # pickle of None
    assert first.figures() == b"<c/>" * 3 and first.load() is None
    second = spool.add("2021", b"\x80\x05K\x07.", b"<x/>")  # pickle of 7, written after a read
    assert (second.load(), second.figures(), first.figures()) == (7, b"<x/>", b"<c/>" * 3)
    spool.close()


def test_the_plan_cache_is_bounded(tmp_path):
    """STRUCTURES keeps at most MEMBER_LISTS lists of members, however many kinds of file arrive."""
    import zipfile

    from xxgk.readers import fastplan
    from xxgk.readers.fastzip import RawZip

    base = build(tmp_path / "base.xlsx", "甲局", 1)
    fastplan.STRUCTURES.clear()
    for n in range(fastplan.MEMBER_LISTS + 5):
        variant = tmp_path / f"v{n}.xlsx"
        with zipfile.ZipFile(base) as source, zipfile.ZipFile(variant, "w", zipfile.ZIP_DEFLATED) as out:
            for info in source.infolist():
                out.writestr(info, source.read(info))
            out.writestr(f"docProps/extra{n}.xml", "<x/>")  # another list of members
        fastplan.structure_of(RawZip(str(variant)))
    assert len(fastplan.STRUCTURES) == fastplan.MEMBER_LISTS


def test_a_reader_bug_makes_the_file_unreadable_with_its_traceback_logged(tmp_path, monkeypatch):
    from xxgk.consolidate import read_entry

    monkeypatch.setenv(speed.LOG_VARIABLE, str(tmp_path / "logs"))

    def broken_reader(path):
        raise KeyError("a bug, not the file")

    entry = read_entry(tmp_path / "a.xlsx", broken_reader)
    (log,) = (tmp_path / "logs").iterdir()
    assert entry.status == Status.UNREADABLE and "读取时发生意外错误（KeyError）" in entry.note and str(log) in entry.note
    assert "a bug, not the file" in log.read_text(encoding="utf-8") and "Traceback" not in entry.note


def test_a_run_tells_its_own_notices_not_an_earlier_ones(small_folder, tmp_path, monkeypatch):
    from xxgk.consolidate import consolidate

    monkeypatch.setattr(speed, "NOTICES", ["an earlier run's child failed"])
    result = consolidate([small_folder], tmp_path / "汇总.xlsx")
    assert result.notices == [] and speed.NOTICES == ["an earlier run's child failed"]
