#!/usr/bin/env python3
"""Build the offline installation folder for PCs without registry access (内网): Windows x64, CPython 3.10–3.13.

    python scripts/offline_wheels.py                     # -> 离线安装包/
    python scripts/offline_wheels.py -o D:/xxgk离线安装包 --python 3.12 3.13

Run it from a checkout of xxgk on any machine that reaches the package registry (Windows, Linux or
macOS; it needs pip and ``packaging``). The folder holds:

    安装.bat      double-click on the clerk's PC: installs xxgk with --no-index from wheels/ into the
                  newest supported Python it finds, then runs ``xxgk excel-setup`` (xlwings.conf)
    说明.txt      what to do, in Chinese
    wheels/       xxgk's wheel and every dependency, win_amd64 or pure Python, for each Python version

pip evaluates environment markers (``pywin32; platform_system == "Windows"``,
``typing-extensions; python_version < "3.11"``) for the machine it runs on, not for ``--platform``;
so after each download every wheel's requirements are evaluated for Windows and the target Python,
and whatever is missing is downloaded too, until nothing is. The folder is then checked: every
wheel is win_amd64 or pure Python, every requirement of every wheel (markers evaluated for Windows)
is met by a wheel that installs there, and pip's own ``install --dry-run --no-index`` resolves.
"""
from __future__ import annotations

import argparse
import email.parser
import importlib.metadata
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.tags import Tag, compatible_tags, cpython_tags
    from packaging.utils import canonicalize_name, parse_wheel_filename
    from packaging.version import Version
except ImportError:
    sys.exit("需要 packaging：请先运行 python -m pip install packaging")

REPO = Path(__file__).resolve().parent.parent
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
PLATFORM = "win_amd64"
# older pip checks a dry run's Requires-Python against the running Python, not --python-version
PIP_AT_LEAST = Version("24.0")
ROOTS = ("xxgk", "xlwings")  # what 安装.bat installs (xlwings is also xxgk's dependency)
# UTF-8 sources (安装.bat.in, 说明.txt.in) of the folder's two text files
TEMPLATES = sorted((Path(__file__).resolve().parent / "offline").glob("*.in"))
# cmd.exe reads a .bat in the console's code page: 936 (GBK) on Chinese Windows, and the .bat sets it;
# Notepad on any Chinese Windows opens GBK text
TEXT_ENCODING = "gbk"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("离线安装包"), help="output folder")
    parser.add_argument("--python", nargs="+", default=list(PYTHONS), help="target CPython versions")
    parser.add_argument("--wheel", type=Path, help="xxgk's wheel (default: built from this checkout)")
    args = parser.parse_args(argv)
    if Version(importlib.metadata.version("pip")) < PIP_AT_LEAST:
        sys.exit(f"需要 pip {PIP_AT_LEAST} 或更新版本：请先运行 python -m pip install -U pip")
    wheels = args.output / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    own = args.wheel or build_own_wheel(wheels)
    if own.parent.resolve() != wheels.resolve():
        (wheels / own.name).write_bytes(own.read_bytes())
    for version in args.python:
        download(wheels, wheels / own.name, version)
    used = set().union(*(closure(wheels, version)[0] for version in args.python))
    for path in wheels.glob("*.whl"):
        if path not in used:  # an older release a first round of pip took before the marker round
            path.unlink()
    problems = [p for version in args.python for p in check(wheels, version)]
    write_text_files(args.output)
    for problem in problems:
        print("问题：" + problem, file=sys.stderr)
    print(f"{args.output}: {len(list(wheels.glob('*.whl')))} wheels for CPython {', '.join(args.python)} "
          f"({PLATFORM}); {'all checks passed' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0


def build_own_wheel(into: Path) -> Path:
    for old in into.glob("xxgk-*.whl"):
        old.unlink()
    pip("wheel", "--no-deps", "-w", str(into), str(REPO))
    (wheel,) = into.glob("xxgk-*.whl")
    return wheel


def pip(*args: str, capture: bool = False) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    return subprocess.run(command, check=not capture, capture_output=capture, text=True)


def target_options(version: str) -> list[str]:
    nodot = version.replace(".", "")
    return ["--only-binary=:all:", "--platform", PLATFORM, "--python-version", version,
            "--implementation", "cp", "--abi", f"cp{nodot}", "--abi", "abi3", "--abi", "none"]


def download(wheels: Path, own: Path, version: str) -> None:
    """pip download for ``version``, again with what pip's host-evaluated markers left out, until complete."""
    extra: set[str] = set()
    while True:
        pip("download", "-q", "-d", str(wheels), "--find-links", str(wheels), *target_options(version),
            str(own), *ROOTS[1:], *sorted(extra))
        missing = {str(_unmarked(r)) for r in unmet(wheels, version)}
        if not missing - extra:
            if missing:
                raise SystemExit(f"Python {version}: 无法下载 {', '.join(sorted(missing))} 的 Windows 版本")
            return
        extra |= missing


def unmet(wheels: Path, version: str) -> list[Requirement]:
    """Requirements reachable from ROOTS, markers evaluated for Windows and ``version``, no wheel meets."""
    return closure(wheels, version)[1]


def closure(wheels: Path, version: str) -> tuple[set[Path], list[Requirement]]:
    """The wheels ROOTS need on Windows x64 with ``version`` (the newest that fits each), and what none meets."""
    index = wheel_index(wheels, version)
    environment = windows_environment(version)
    seen, queue, missing = set(), [Requirement(name) for name in ROOTS], []
    while queue:
        requirement = queue.pop()
        found = [w for w in index.get(canonicalize_name(requirement.name), [])
                 if requirement.specifier.contains(w[0], prereleases=True)]
        if not found:
            missing.append(requirement)
            continue
        version_found, path = max(found)
        if path in seen:
            continue
        seen.add(path)
        for text in metadata(path).get_all("Requires-Dist") or []:
            needed = Requirement(text)
            if needed.marker is None or needed.marker.evaluate({**environment, "extra": ""}):
                queue.append(needed)
    return seen, missing


def wheel_index(wheels: Path, version: str) -> dict[str, list]:
    """Name -> [(version, path)] of the wheels in the folder that install on Windows x64 with ``version``."""
    supported = supported_tags(version)
    index: dict[str, list] = {}
    for path in wheels.glob("*.whl"):
        name, found, _build, tags = parse_wheel_filename(path.name)
        requires_python = SpecifierSet(metadata(path).get("Requires-Python") or "")
        if tags & supported and requires_python.contains(f"{version}.0", prereleases=True):
            index.setdefault(name, []).append((found, path))
    return index


def supported_tags(version: str) -> set[Tag]:
    python = tuple(int(p) for p in version.split("."))
    return {*cpython_tags(python, platforms=[PLATFORM]),
            *compatible_tags(python, interpreter=f"cp{version.replace('.', '')}", platforms=[PLATFORM])}


def windows_environment(version: str) -> dict[str, str]:
    return {"implementation_name": "cpython", "implementation_version": f"{version}.0", "os_name": "nt",
            "platform_machine": "AMD64", "platform_python_implementation": "CPython", "platform_release": "10",
            "platform_system": "Windows", "platform_version": "10.0.19045", "python_full_version": f"{version}.0",
            "python_version": version, "sys_platform": "win32"}


def metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.BytesParser().parsebytes(archive.read(name))


def _unmarked(requirement: Requirement) -> Requirement:
    plain = Requirement(str(requirement))
    plain.marker = None
    return plain


def check(wheels: Path, version: str) -> list[str]:
    """What is wrong with the folder for ``version``: foreign wheels, unmet requirements, pip's dry run."""
    problems = []
    for path in sorted(wheels.glob("*.whl")):
        platforms = {tag.platform for tag in parse_wheel_filename(path.name)[3]}
        if not platforms <= {PLATFORM, "any"}:
            problems.append(f"{path.name}：不是 {PLATFORM} 或纯 Python 的 wheel")
    problems += [f"Python {version}：缺少 {r}" for r in unmet(wheels, version)]
    with tempfile.TemporaryDirectory() as target:
        run = pip("install", "--dry-run", "--no-index", "--find-links", str(wheels), *target_options(version),
                  "--target", target, *ROOTS, capture=True)
    if run.returncode != 0:
        problems.append(f"Python {version}：pip install --dry-run --no-index 无法完成：{run.stderr.strip()[-500:]}")
    else:
        print(f"Python {version}: " + next((line for line in run.stdout.splitlines() if "Would install" in line),
                                           "nothing to install"))
    return problems


def write_text_files(folder: Path) -> None:
    """安装.bat in GBK with CRLF (what cmd.exe on Chinese Windows reads), 说明.txt likewise for Notepad."""
    for template in TEMPLATES:
        text = template.read_text(encoding="utf-8").replace("\r\n", "\n")
        (folder / template.stem).write_bytes(text.replace("\n", "\r\n").encode(TEXT_ENCODING))


if __name__ == "__main__":
    sys.exit(main())
