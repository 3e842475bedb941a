"""Worker processes give what a serial run gives: results in input order, and the same exception."""
from __future__ import annotations

from pathlib import Path

import pytest

from xxgk import parallel
from xxgk.rules import load_rules

COUNT = parallel.MIN_PARALLEL * 3  # enough files for workers to start


def _name_and_pid(path: Path):
    import os
    import time

    time.sleep(0.002)  # long enough that the first worker cannot take every chunk before the second starts
    if path.name == "boom-7":
        raise ValueError(f"坏文件 {path.name}")
    if path.name == "unpicklable-9":
        return lambda: None
    return path.name, os.getpid()


@pytest.fixture(scope="module")
def ruleset():
    return load_rules()


def _paths(*special: str) -> list[Path]:
    names = [f"file-{index}" for index in range(COUNT)]
    for offset, name in enumerate(special):
        names[COUNT // 2 + offset] = name
    return [Path(name) for name in names]


def test_results_come_back_in_order_from_several_workers(ruleset, monkeypatch):
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "2")
    paths = _paths()
    results = list(parallel.map_ordered(_name_and_pid, paths, ruleset))
    assert [name for name, _pid in results] == [p.name for p in paths]
    assert len({pid for _name, pid in results}) == 2  # really spread over the workers


def test_an_exception_in_a_worker_is_raised_in_the_parent_after_the_results_before_it(ruleset, monkeypatch):
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "2")
    paths, seen = _paths("boom-7"), []
    with pytest.raises(ValueError, match="坏文件 boom-7"):
        for name, _pid in parallel.map_ordered(_name_and_pid, paths, ruleset):
            seen.append(name)
    assert seen == [p.name for p in paths[:COUNT // 2]]


def test_a_result_that_cannot_travel_names_its_file(ruleset, monkeypatch):
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "2")
    with pytest.raises(RuntimeError, match="unpicklable-9"):
        list(parallel.map_ordered(_name_and_pid, _paths("unpicklable-9"), ruleset))
