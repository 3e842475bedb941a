"""LibreOffice headless as the independent spreadsheet application in tests.

Import with ``from libreoffice import ...`` (pytest puts tests/ on sys.path) or
use the ``libreoffice`` fixture from conftest.py, which skips when soffice is
absent. Every helper takes a list of files and makes ONE soffice call for all of
them: LibreOffice's start-up dominates the cost. Each call uses a private user
profile (``-env:UserInstallation``) so parallel runs never share one, with
OOXMLRecalcMode set to "always": formulas are recomputed on load, not taken
from cached values.
"""
from __future__ import annotations

import atexit
import csv
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

from PIL import Image, ImageChops

from xxgk.bench.spreadsheet import PROFILE_SETTINGS as _PROFILE_SETTINGS  # recalculate every formula on load

SKIP_REASON = "LibreOffice (soffice) is not installed: apt-get install -y libreoffice-calc"
PDFTOPPM_SKIP_REASON = "pdftoppm is not installed: apt-get install -y poppler-utils"
TIMEOUT = 300


def soffice() -> str | None:
    return shutil.which("soffice")


def make_profile(folder: str | os.PathLike) -> Path:
    """A LibreOffice user profile that recalculates every formula on load."""
    folder = Path(folder)
    (folder / "user").mkdir(parents=True, exist_ok=True)
    (folder / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
    return folder


def convert(files: Sequence[str | os.PathLike], target: str, outdir: str | os.PathLike,
            profile: str | os.PathLike | None = None, infilter: str | None = None) -> list[Path]:
    """Convert ``files`` with one soffice call; returns the outputs in input order.

    ``target`` is a --convert-to argument such as ``xlsx:Calc MS Excel 2007 XML`` or ``pdf`` (no shell: no quotes);
    ``infilter`` an --infilter= one (the import filter, e.g. calc_HTML_WebQuery: web pages opened by Calc).
    Input names must be distinct (outputs are named after them) and outside ``outdir``.
    """
    files, outdir, result = _run(files, target, outdir, profile, infilter)
    extension = target.split(":")[0]
    outputs = [outdir / f"{f.stem}.{extension}" for f in files]
    _check(result, [p.name for p in outputs if not p.exists()])
    return outputs


# CSV export of every sheet (filter token 12 = -1, LibreOffice 7.2+), UTF-8, the values as computed
# (not as formatted): one file per sheet, named <input stem>-<sheet name>.csv.
CSV_EVERY_SHEET = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def sheet_texts(files: Sequence[str | os.PathLike], outdir: str | os.PathLike,
                profile: str | os.PathLike | None = None) -> list[dict[str, list[list[str]]]]:
    """Every sheet of every file as LibreOffice computes it on load: {sheet name: rows of cell texts}.

    Row i of a sheet is its row i + 1; one soffice call for all files. About half the cost of a
    recalculated .xlsx (no styles, no conditional formats written), and read without openpyxl.
    Input stems must not contain "-" (it separates the stem from the sheet name).
    """
    if any("-" in Path(f).stem for f in files):
        raise ValueError("input file names for sheet_texts must not contain '-'")
    files, outdir, result = _run(files, CSV_EVERY_SHEET, outdir, profile)
    found = []
    for file in files:
        sheets = {}
        for path in outdir.glob(f"{file.stem}-*.csv"):
            with open(path, encoding="utf-8", newline="") as stream:
                sheets[path.stem[len(file.stem) + 1:]] = list(csv.reader(stream))
        found.append(sheets)
    _check(result, [f.name for f, sheets in zip(files, found) if not sheets])
    return found


def _run(files, target: str, outdir, profile, infilter: str | None = None
         ) -> tuple[list[Path], Path, subprocess.CompletedProcess]:
    files = [Path(f).resolve() for f in files]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    if len({f.stem for f in files}) != len(files):
        raise ValueError("input file names must be distinct")
    server = _server(profile, files, target, infilter)
    result = server.convert(files, target, outdir, infilter) if server is not None else None
    if result is not None:
        return files, outdir, result
    with tempfile.TemporaryDirectory(prefix="xxgk-lo-") as scratch:
        home = Path(profile) if profile else make_profile(scratch)
        if not (home / "user" / "registrymodifications.xcu").exists():
            make_profile(home)
        command = [soffice() or "soffice", f"-env:UserInstallation={home.resolve().as_uri()}", "--headless",
                   "--norestore", "--nologo", *([f"--infilter={infilter}"] if infilter else []),
                   "--convert-to", target, "--outdir", str(outdir), *map(str, files)]
        env = {**os.environ, "HOME": scratch, "SAL_USE_VCLPLUGIN": "svp"}
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, env=env)
    return files, outdir, result


# ------------------------------------------------------------------ one soffice per test process
# Every soffice start costs ~1 s of CPU before it reads a file, and the suite converts in ~20 calls. A
# test process that converts spreadsheets with a profile of its own (the ``libreoffice`` fixture's) starts
# one soffice for all of them, driven over UNO by tests/lo_server.py under a Python with the uno module:
# the same load (hidden, recalculated on load by the same profile settings), the same export filter and
# options, the same output names as ``soffice --convert-to``. Anything else — no uno, other inputs or
# targets, an office that died — takes the soffice --convert-to path above.

UNO_PYTHONS = ("/usr/lib/libreoffice/program/python", "/usr/bin/python3")
SERVER_SCRIPT = Path(__file__).with_name("lo_server.py")
SERVER_INPUTS = {".xlsx", ".xlsm", ".xls", ".ods"}
DEFAULT_FILTERS = {"xlsx": "Calc MS Excel 2007 XML", "xls": "MS Excel 97", "ods": "calc8", "pdf": "calc_pdf_Export",
                   "csv": "Text - txt - csv (StarCalc)"}
CALC_IMPORTS = {"calc_HTML_WebQuery"}  # import filters that open a file as a spreadsheet
_SERVERS: dict[Path, "_Server | None"] = {}


def _server(profile, files: list[Path], target: str, infilter: str | None) -> "_Server | None":
    inputs = SERVER_INPUTS | ({".html", ".htm"} if infilter in CALC_IMPORTS else set())
    if profile is None or not files or any(f.suffix.lower() not in inputs for f in files):
        return None
    if target.split(":", 1)[0] not in DEFAULT_FILTERS or soffice() is None:
        return None
    key = Path(profile).resolve()
    if key not in _SERVERS:
        python = _uno_python()
        _SERVERS[key] = _Server(key, python) if python else None
    server = _SERVERS[key]
    return server if server is not None and server.alive() else None


def _uno_python() -> str | None:
    for candidate in UNO_PYTHONS:
        if os.path.exists(candidate) and subprocess.run(
                [candidate, "-c", "import uno"], capture_output=True, env=_server_env()).returncode == 0:
            return candidate
    return None


def _server_env(home: str | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}
    env["SAL_USE_VCLPLUGIN"] = "svp"
    if home:
        env["HOME"] = home
    return env


class _Server:
    """lo_server.py and its soffice, started on the first conversion and ended with the test process."""

    def __init__(self, profile: Path, python: str):
        # a profile of its own: a soffice --convert-to with the fixture's profile must not find it running
        home = make_profile(profile.parent / f"{profile.name}-uno")
        self.scratch = tempfile.mkdtemp(prefix="xxgk-lo-")
        self.process = subprocess.Popen(
            [python, str(SERVER_SCRIPT), soffice(), home.resolve().as_uri()], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
            env=_server_env(self.scratch), start_new_session=True)

    def alive(self) -> bool:
        return self.process.poll() is None

    def convert(self, files: list[Path], target: str, outdir: Path,
                infilter: str | None = None) -> subprocess.CompletedProcess | None:
        """As soffice --convert-to would (returncode 0, or 1 with the reasons in stdout); None when the
        office is gone (the caller then runs soffice --convert-to)."""
        extension, _, rest = target.partition(":")
        filter_name, _, options = rest.partition(":")
        request = {"files": [str(f) for f in files], "outdir": str(outdir.resolve()), "extension": extension,
                   "filter": filter_name or DEFAULT_FILTERS[extension], "options": options, "infilter": infilter or ""}
        try:
            self.process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
            self.process.stdin.flush()
            ready, _, _ = select.select([self.process.stdout], [], [], TIMEOUT)
            answer = json.loads(self.process.stdout.readline()) if ready else {"dead": "timeout"}
        except (OSError, ValueError) as err:
            answer = {"dead": repr(err)}
        if "dead" in answer:
            self.close()
            return None
        errors = answer["errors"]
        return subprocess.CompletedProcess(["lo_server.py", *map(str, files)], 1 if errors else 0,
                                           "\n".join(errors), "")

    def close(self) -> None:
        if self.alive():
            try:
                self.process.stdin.write("\n")
                self.process.stdin.close()
                self.process.wait(timeout=60)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: lo_server.py and its soffice
                self.process.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)


def close_servers() -> None:
    """End every soffice this process started for conversions (conftest.py, at the end of the session)."""
    while _SERVERS:
        _, server = _SERVERS.popitem()
        if server is not None:
            server.close()


atexit.register(close_servers)


def _check(result: subprocess.CompletedProcess, missing: list[str]) -> None:
    if result.returncode != 0 or missing:
        raise RuntimeError(f"soffice failed (exit {result.returncode}), missing {missing}:\n"
                           f"{result.stdout}\n{result.stderr}")


def recalc(files: Sequence[str | os.PathLike], outdir: str | os.PathLike,
           profile: str | os.PathLike | None = None) -> list[Path]:
    """Recalculated copies of xlsx files (as LibreOffice saves them: read them, never ship them)."""
    return convert(files, "xlsx:Calc MS Excel 2007 XML", outdir, profile)


def to_pdf(files: Sequence[str | os.PathLike], outdir: str | os.PathLike,
           profile: str | os.PathLike | None = None) -> list[Path]:
    """PDF renderings (every visible sheet, with its print setup)."""
    return convert(files, "pdf", outdir, profile)


def pdf_to_png(pdf: str | os.PathLike, outdir: str | os.PathLike, dpi: int = 60,
               last_page: int | None = None) -> list[Path]:
    """One PNG per page (up to ``last_page`` when given), named ``<pdf stem>-<page>.png``, in page order."""
    pdf, outdir = Path(pdf), Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob(f"{pdf.stem}-*.png"):
        old.unlink()
    prefix = outdir / pdf.stem
    pages = ["-l", str(last_page)] if last_page else []
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), *pages, str(pdf), str(prefix)], check=True,
                   capture_output=True, timeout=TIMEOUT)
    pages = list(outdir.glob(f"{pdf.stem}-*.png"))
    return sorted(pages, key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def pdf_page_count(pdf: str | os.PathLike) -> int:
    """Pages in a PDF, as pdfinfo (poppler-utils, beside pdftoppm) reports them."""
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in out.splitlines() if line.startswith("Pages:")))


def _channel_extremes(png: str | os.PathLike):
    """(darkest, lightest) channel of every pixel, as two greyscale images (Pillow, in C)."""
    with Image.open(png) as image:
        red, green, blue = image.convert("RGB").split()
    return (ImageChops.darker(ImageChops.darker(red, green), blue),
            ImageChops.lighter(ImageChops.lighter(red, green), blue))


def ink_fraction(png: str | os.PathLike, threshold: int = 240) -> float:
    """Share of pixels that are not (near) white: 0.0 for a blank page."""
    darkest, _ = _channel_extremes(png)
    counts = darkest.histogram()
    return sum(counts[:threshold]) / sum(counts)


def coloured_fraction(png: str | os.PathLike, spread: int = 60) -> float:
    """Share of clearly coloured (not grey) pixels: the bars of a chart, status fills."""
    darkest, lightest = _channel_extremes(png)
    counts = ImageChops.subtract(lightest, darkest).histogram()
    return sum(counts[spread + 1:]) / sum(counts)
