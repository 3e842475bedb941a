"""The bench times compiled copies of the trees it compares, as an installed wheel runs; the trees stay untouched."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from xxgk.bench.bytecode import OWN_SRC, compiled_copy


def test_copy_has_byte_code_for_every_module_and_runs_without_compiling(tmp_path):
    before = sorted(p.relative_to(OWN_SRC) for p in OWN_SRC.rglob("*"))
    copy = compiled_copy(OWN_SRC, tmp_path / "own")
    modules = sorted(copy.rglob("*.py"))
    assert len(modules) > 50
    missing = [m for m in modules if not list((m.parent / "__pycache__").glob(f"{m.stem}.*.pyc"))]
    assert missing == []
    if (OWN_SRC.parent / "rules.yaml").is_file():  # a source checkout reads its rules beside src/
        assert (tmp_path / "own" / "rules.yaml").read_bytes() == (OWN_SRC.parent / "rules.yaml").read_bytes()
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    probe = ("import sys, xxgk.cli, xxgk.rules; from xxgk.resources import rules_file; "
             "print(xxgk.cli.__file__); print(xxgk.cli.__spec__.cached); print(rules_file())")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    source, cached, rules = done.stdout.splitlines()
    assert Path(source).is_relative_to(copy) and Path(cached).is_file() and Path(rules).is_file()
    assert sorted(p.relative_to(OWN_SRC) for p in OWN_SRC.rglob("*")) == before  # nothing written into the tree
