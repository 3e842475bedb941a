"""Every timed xxgk runs from byte code compiled beforehand, as an installed wheel does.

pip compiles an installed package's modules once. A source checkout run with
PYTHONDONTWRITEBYTECODE (the bench's own setting, so that it writes nothing into
a checkout) instead compiles every module it imports in every process: tens of
milliseconds per process that no clerk pays, growing with each module added, and
blurring a comparison of two checkouts. So each tree timed is copied into the
work folder (the package, and beside it the checkout's rules.yaml and macros/,
which a source checkout reads from there) and compiled in the copy; the timed
runs import the copy and still write nothing.
"""
from __future__ import annotations

import compileall
import shutil
from pathlib import Path

OWN_SRC = Path(__file__).resolve().parents[2]  # the folder holding the xxgk package that runs the bench
CHECKOUT_DATA = ("rules.yaml", "macros")  # what resources.shipped reads from a source checkout's root


class CompileFailed(RuntimeError):
    pass


def compiled_copy(src: Path, into: Path) -> Path:
    """``src`` (a folder holding the ``xxgk`` package) copied to ``into``/src with its byte code; that folder."""
    target = into / "src"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(Path(src) / "xxgk", target / "xxgk", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in CHECKOUT_DATA:
        found = Path(src).resolve().parent / name
        if found.is_file():
            shutil.copy2(found, into / name)
        elif found.is_dir():
            shutil.copytree(found, into / name, dirs_exist_ok=True)
    if not compileall.compile_dir(str(target), quiet=1):
        raise CompileFailed(f"{src} 中有无法编译的模块")
    return target
