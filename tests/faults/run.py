"""Running the real command line over the corpus, and looking at what it left behind.

Commands run as subprocesses (``python -m xxgk``), many files per call. The inputs' bytes and
mtimes are snapshotted before and compared after; outputs are opened as zips and every <f>
element of every sheet is collected, so a test can prove no input text became a formula.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
import stat
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .base import ANY, CLEAN, FINDINGS, READ, REFUSE, Case
from xxgk.catalogue import Status

CHINESE = re.compile(r"[\u4e00-\u9fff]")
UNREADABLE = Status.UNREADABLE
TIMEOUT = 240
_FORMULA = re.compile(rb"<(?:\w+:)?f(?:\s[^>]*)?>(.*?)</(?:\w+:)?f>", re.S)


@dataclass
class Run:
    args: list[str]
    code: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        return self.stdout + self.stderr


def xxgk(*args: object, cwd: Path | None = None, timeout: float = TIMEOUT) -> Run:
    command = [sys.executable, "-m", "xxgk", *map(str, args)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "200"}
    done = subprocess.run(command, capture_output=True, cwd=cwd, env=env, timeout=timeout)
    return Run(command, done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))


def xxgk_here(*args: object, cwd: Path | None = None) -> Run:
    """The command line in this process (click's CliRunner), for a test about what a command does rather than
    about its process: an interpreter start costs ~0.6 s of CPU. Same Run as ``xxgk``; an exception that
    escapes the command is put into stderr as the traceback a user would have seen."""
    import inspect
    import traceback

    from click.testing import CliRunner

    from xxgk.cli import main

    separate = {"mix_stderr": False} if "mix_stderr" in inspect.signature(CliRunner).parameters else {}  # click < 8.2
    here = Path.cwd()
    try:
        os.chdir(cwd or here)
        done = CliRunner(**separate).invoke(main, list(map(str, args)), env={"COLUMNS": "200"})
    finally:
        os.chdir(here)
    stderr = done.stderr
    if done.exception is not None and not isinstance(done.exception, SystemExit):
        stderr += "".join(traceback.format_exception(done.exception))
    return Run(["xxgk", *map(str, args)], done.exit_code, done.stdout, stderr)


def snapshot(paths: Iterable[Path]) -> dict[Path, tuple]:
    """(sha256, size, mtime_ns) of every file; a folder by its listing and mtime; a link, FIFO or device by
    what it is (never opened: a FIFO would block)."""
    found = {}
    for path in paths:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            found[path] = (info.st_mode, os.readlink(path) if path.is_symlink() else "", info.st_mtime_ns)
        elif path.is_dir():
            found[path] = (tuple(sorted(p.name for p in path.iterdir())), info.st_mtime_ns)
        else:
            found[path] = (hashlib.sha256(path.read_bytes()).hexdigest(), info.st_size, info.st_mtime_ns)
    return found


def listed_name(text: str) -> str:
    """A file name as 报送情况 lists it, read back by openpyxl (which leaves OOXML's _xHHHH_ escapes as written)."""
    from xxgk.readers.xmlparts import unescape

    return unescape(text)


def shown_name(name: str) -> str:
    """What a file name becomes in a summary: characters XML cannot hold are replaced."""
    from xxgk.xmltext import cell_safe

    return cell_safe(name)


def changed(before: dict[Path, tuple]) -> list[str]:
    after = snapshot(before)
    return [p.name for p in before if after[p] != before[p]]


def formulas(workbook: Path) -> list[tuple[str, str]]:
    """(member, formula text) for every <f> in every sheet (and chart) part of ``workbook``."""
    found = []
    with zipfile.ZipFile(workbook) as archive:
        for name in archive.namelist():
            if name.endswith(".xml") and ("worksheets/" in name or "charts/" in name or name.endswith("workbook.xml")):
                for match in _FORMULA.finditer(archive.read(name)):
                    found.append((name, html.unescape(match.group(1).decode("utf-8"))))
    return found


def defined_names(workbook: Path) -> list[str]:
    with zipfile.ZipFile(workbook) as archive:
        xml = archive.read("xl/workbook.xml")
    return [html.unescape(m.decode("utf-8")) for m in re.findall(rb"<definedName[^>]*>(.*?)</definedName>", xml)]


def validate_json(cases: Sequence[Case], *extra: object) -> tuple[Run, list[dict]]:
    run = xxgk("validate", "--json", *extra, *(c.path for c in cases))
    try:
        results = json.loads(run.stdout)
    except json.JSONDecodeError:
        results = []
    return run, results


def judge(case: Case, result: dict) -> str | None:
    """Why ``result`` (one file of ``validate --json``) breaks the case's expectation, or None."""
    refused = result["status"] == UNREADABLE
    if refused:
        error = result.get("error", "")
        if str(case.path) not in error or not CHINESE.search(error.replace(str(case.path), "")):
            return f"refusal does not name the file in Chinese: {error!r}"
        missing = [w for w in case.words if w not in error]
        if missing:
            return f"refusal lacks {missing}: {error!r}"
    if case.expect == REFUSE and not refused:
        return f"expected a refusal, got {result['status']}"
    if case.expect in (FINDINGS, CLEAN, READ) and refused:
        return f"expected to be read, refused: {result.get('error')}"
    if case.expect == FINDINGS and not refused and result["errors"] == 0:
        return f"expected errors, got {result['status']} (problems {result['problems'][:2]})"
    if case.expect == CLEAN and not refused and result["errors"]:
        return f"expected no errors, got {[f['message'] for f in result['findings'] if f['severity'] == 'error'][:3]}"
    assert case.expect in (REFUSE, FINDINGS, CLEAN, READ, ANY)
    return None


def expected_exit(results: list[dict]) -> int:
    """The documented exit code of validate/audit for these per-file results."""
    if any(r["status"] == UNREADABLE for r in results):
        return 2
    return 1 if any(r["errors"] for r in results) else 0
