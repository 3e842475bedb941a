"""Worker processes give what a serial run gives: results in input order, and the same exception."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from xxgk import parallel, speed
from xxgk.errors import XxgkError
from xxgk.rules import load_rules

COUNT = parallel.MIN_PARALLEL * 3  # enough files for workers to start


_MET: list = []  # in a worker: it has seen the other worker


def _meet_the_other_worker(folder: Path) -> None:
    """Wait (once per worker) until two workers have started, so both really get chunks: an event,
    not a guess at how long the first worker takes over every chunk."""
    if _MET:
        return
    (folder / f"worker-{os.getpid()}").touch()
    deadline = time.monotonic() + 60  # only ever reached when a second worker never starts
    while len(list(folder.glob("worker-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    _MET.append(True)


def _name_and_pid(path: Path):
    _meet_the_other_worker(path.parent)
    if path.name == "boom-7":
        raise ValueError(f"坏文件 {path.name}")
    if path.name == "unpicklable-9":
        return lambda: None
    if path.name == "dies-5":
        os._exit(9)  # as a worker killed by the system would vanish
    return path.name, os.getpid()


@pytest.fixture(scope="module")
def ruleset():
    return load_rules()


def _paths(folder: Path, *special: str) -> list[Path]:
    names = [f"file-{index}" for index in range(COUNT)]
    for offset, name in enumerate(special):
        names[COUNT // 2 + offset] = name
    return [folder / name for name in names]


def test_results_come_back_in_order_from_several_workers(ruleset, monkeypatch, tmp_path):
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "2")
    paths = _paths(tmp_path)
    results = list(parallel.map_ordered(_name_and_pid, paths, ruleset))
    assert [name for name, _pid in results] == [p.name for p in paths]
    assert len({pid for _name, pid in results}) == 2  # really spread over the workers


def test_an_exception_in_a_worker_is_raised_in_the_parent_after_the_results_before_it(ruleset, monkeypatch, tmp_path):
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "2")
    paths, seen = _paths(tmp_path, "boom-7"), []
    with pytest.raises(ValueError, match="坏文件 boom-7"):
        for name, _pid in parallel.map_ordered(_name_and_pid, paths, ruleset):
            seen.append(name)
    assert seen == [p.name for p in paths[:COUNT // 2]]


def test_a_result_that_cannot_travel_names_its_file(ruleset, monkeypatch, tmp_path):
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "2")
    with pytest.raises(RuntimeError, match="unpicklable-9"):
        list(parallel.map_ordered(_name_and_pid, _paths(tmp_path, "unpicklable-9"), ruleset))


def test_a_worker_that_dies_stops_the_run_with_a_chinese_sentence_and_a_log(ruleset, monkeypatch, tmp_path):
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "2")
    logs, files = tmp_path / "logs", tmp_path / "files"
    logs.mkdir(), files.mkdir()
    monkeypatch.setenv(speed.LOG_VARIABLE, str(logs))
    speed.take_notices()
    with pytest.raises(XxgkError, match="工作进程意外退出") as raised:
        list(parallel.map_ordered(_name_and_pid, _paths(files, "dies-5"), ruleset))
    (log,) = logs.iterdir()
    assert str(log) in str(raised.value) and "BrokenProcessPool" in log.read_text(encoding="utf-8")
    assert speed.take_notices() == [str(raised.value)]


def test_workers_are_spawned_where_fork_is_not_safe(ruleset, monkeypatch, tmp_path):
    """Windows and macOS (no fork, or not by default): spawned workers rebuild the rule set and give the same."""
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "2")
    monkeypatch.setattr(parallel.multiprocessing, "get_start_method", lambda allow_none=False: "spawn")
    counted = speed.COUNTS["workers:spawn"]
    paths = _paths(tmp_path)
    assert [name for name, _pid in parallel.map_ordered(_name_and_pid, paths, ruleset)] == [p.name for p in paths]
    assert speed.COUNTS["workers:spawn"] == counted + 2
