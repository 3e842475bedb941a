"""Stopping a real ``xxgk`` run at a chosen moment and SIGKILLing it there, without guessing a time.

Run as a script, this module is the command line (``xxgk.cli.main``) with a few standard-library calls
watched in every process of the run (forked workers and children inherit the watch): ``open`` (as
builtin and as ``io.open``) and ``os.open``, which tell what is opened and whether for writing, and
``os.replace`` and ``os.rename``. Every opening for writing and every rename that touches the output's
folder is appended to a log. At the chosen moment the process writes ``@@paused <moment> <path>`` to
its stdout and blocks until it is killed:

- ``reading``: the third input file opened for reading (from the folder named on the command line);
- ``writing``: the first file opened for writing in the output's folder, just opened (the summary's
  temporary file, still empty);
- ``renaming``: just before a file is renamed onto the output (the complete temporary file);
- ``renamed``: just after that rename, before the run goes on to read the summary back and print.

``kill_at`` (for tests) starts such a run in its own process group, reads its stdout until the
marker and SIGKILLs the whole group: what a power cut or the OOM killer leaves is then on disk.
The moments are events, not times, so the test is exact on any machine, busy or not.
"""
from __future__ import annotations

import builtins
import io
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

MOMENTS = ("reading", "writing", "renaming", "renamed")
MARKER = b"@@paused "
READING_AT = 3  # the third input file: reading has begun, and is not over
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
TIMEOUT = 240


@dataclass
class Stopped:
    """What a run stopped at ``moment`` reported: the path it was at, and the log of the whole run."""

    moment: str
    reached: bool
    path: Path | None
    code: int | None  # the exit code of a run that was not stopped (moment "end", or never reached)
    log: list[tuple[str, str, str]] = field(default_factory=list)  # (event, path, second path)
    stderr: str = ""

    @property
    def written(self) -> list[str]:
        """Every file opened for writing in the output's folder, by any process of the run."""
        return [path for event, path, _ in self.log if event == "write"]

    def renamed_onto(self, output: Path) -> list[str]:
        """The files renamed onto ``output``."""
        return [source for event, source, target in self.log if event == "rename" and target == str(output)]


def is_temporary(name: str) -> bool:
    """The name of a hidden temporary file of ``xxgk.fileio.atomic_path`` (what a killed write leaves)."""
    return name.startswith(".") and name.endswith(".part")


def beside(output: Path) -> list[str]:
    """Names of the files in the output's folder other than the output."""
    return sorted(p.name for p in output.parent.iterdir() if p != output)


def kill_at(moment: str, xxgk_args: list, output: Path, inputs: Path, workdir: Path) -> Stopped:
    """Run ``xxgk *xxgk_args`` until ``moment`` (or to its end, ``moment`` = "end"), SIGKILL it there."""
    workdir.mkdir(parents=True, exist_ok=True)
    log, errors = workdir / f"{moment}.log", workdir / f"{moment}.stderr"
    log.write_bytes(b"")
    command = [sys.executable, __file__, moment, str(output), str(inputs), str(log), "--", *map(str, xxgk_args)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    with open(errors, "wb") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=env, start_new_session=True)
        try:
            paused = next((line for line in process.stdout if line.startswith(MARKER)), None)
            if paused is not None:
                os.killpg(process.pid, signal.SIGKILL)  # the run and every worker or child it started
            process.wait(timeout=TIMEOUT)
        finally:
            process.stdout.close()
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    path = paused.decode("utf-8").rstrip("\n").split(" ", 2)[2] if paused else ""
    events = [tuple(line.split("\t")) for line in log.read_text(encoding="utf-8").splitlines()]
    return Stopped(moment, paused is not None, Path(path) if path else None, None if paused else process.returncode,
                   events, errors.read_text(encoding="utf-8", errors="replace"))


# ------------------------------------------------------------------------------ inside the run


class _Watch:
    def __init__(self, moment: str, output: Path, inputs: Path, log: Path):
        self.moment, self.output, self.inputs = moment, output.resolve(), inputs.resolve()
        self.folder, self.log = self.output.parent, str(log)
        self.inputs_read, self.written = 0, False
        self.open, self.os_open, self.replace, self.rename = builtins.open, os.open, os.replace, os.rename

    def install(self) -> None:
        builtins.open = io.open = self._open
        os.open, os.replace, os.rename = self._os_open, self._moved(self.replace), self._moved(self.rename)

    def _where(self, file) -> Path | None:
        if isinstance(file, int):
            return None
        try:
            return Path(os.fsdecode(file)).resolve()
        except (TypeError, ValueError, OSError):
            return None

    def _opened(self, file, writing: bool, really_open):
        path = self._where(file)
        first_write = False
        if path is not None and writing and path.parent == self.folder:
            self._note("write", path)
            first_write, self.written = not self.written, True
        elif path is not None and not writing and self.inputs in path.parents:
            self.inputs_read += 1
            if self.inputs_read == READING_AT and self.moment == "reading":
                self._pause(path)
        opened = really_open()
        if first_write and self.moment == "writing":
            self._pause(path)
        return opened

    def _open(self, file, mode="r", *args, **kwargs):
        return self._opened(file, any(c in mode for c in "wax+"), lambda: self.open(file, mode, *args, **kwargs))

    def _os_open(self, path, flags, *args, **kwargs):
        return self._opened(path, bool(flags & _WRITE_FLAGS), lambda: self.os_open(path, flags, *args, **kwargs))

    def _moved(self, original):
        def move(src, dst, *args, **kwargs):
            source, target = self._where(src), self._where(dst)
            onto_output = target == self.output
            if self.folder in (getattr(source, "parent", None), getattr(target, "parent", None)):
                self._note("rename", source, target)
            if onto_output and self.moment == "renaming":
                self._pause(source)
            result = original(src, dst, *args, **kwargs)
            if onto_output and self.moment == "renamed":
                self._pause(target)
            return result
        return move

    def _note(self, event: str, path: Path, second: Path | None = None) -> None:
        line = f"{event}\t{path}\t{second or ''}\n".encode("utf-8")
        handle = self.os_open(self.log, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(handle, line)  # one write per line, O_APPEND: whole lines from every process
        finally:
            os.close(handle)

    def _pause(self, path: Path) -> None:
        os.write(1, MARKER + f"{self.moment} {path}\n".encode("utf-8"))
        threading.Event().wait()  # until SIGKILL


def _main(argv: list[str]) -> None:
    moment, output, inputs, log = argv[:4]
    assert argv[4] == "--" and moment in (*MOMENTS, "end"), argv
    _Watch(moment, Path(output), Path(inputs), Path(log)).install()
    from xxgk.cli import main

    main(argv[5:], prog_name="xxgk")


if __name__ == "__main__":
    _main(sys.argv[1:])
