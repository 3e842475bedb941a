"""The package carries its data: the build copies rules.yaml and macros/*.bas into it, and a built
package read from an empty folder uses its own copy (through importlib.resources).

The whole route — ``pip wheel``, a fresh venv, the commands from an empty folder — runs in .ci/run;
here the build step alone, which is cheap.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from xxgk.resources import CHECKOUT_ROOT, macros_folder, rules_file

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The package as setup.py's build step lays it out (what the wheel holds)."""
    lib = tmp_path_factory.mktemp("build") / "lib"
    run = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(lib)], cwd=REPO,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return lib


def test_build_copies_rules_and_every_macro(built):
    data = built / "xxgk" / "data"
    assert (data / "rules.yaml").read_bytes() == (REPO / "rules.yaml").read_bytes()
    modules = sorted(p.name for p in (REPO / "macros").glob("*.bas"))
    assert modules and sorted(p.name for p in (data / "macros").iterdir()) == modules
    for name in modules:
        assert (data / "macros" / name).read_bytes() == (REPO / "macros" / name).read_bytes()


def test_built_package_uses_its_own_data_from_an_empty_folder(built, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(built)}
    run = subprocess.run([sys.executable, "-m", "xxgk", "rules", "check"], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(str(built / "xxgk" / "data" / "rules.yaml"))
    probe = "from xxgk.vba import MACROS_DIR, macro_sources; print(MACROS_DIR, *sorted(macro_sources()))"
    run = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == [str(built / "xxgk" / "data" / "macros"),
                                  *sorted(p.stem for p in (REPO / "macros").glob("*.bas"))]


def test_a_checkout_reads_the_files_people_edit():
    """No second copy is kept in src/: a source checkout reads the top-level files themselves."""
    if CHECKOUT_ROOT != REPO:
        pytest.skip("xxgk is imported from an installed package, not from this checkout")
    assert not (REPO / "src" / "xxgk" / "data").exists()
    assert Path(str(rules_file())) == REPO / "rules.yaml"
    assert Path(str(macros_folder())) == REPO / "macros"
