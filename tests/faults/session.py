"""One corpus per test run, shared by every tests/test_faults*.py module and every xdist worker.

The workbook corpus takes ~45 s of CPU to make, the reports ~10 s: each is built once (tests/once.py).
"""
from __future__ import annotations

from pathlib import Path

from once import built_once

from . import build_corpus, build_libreoffice_kinds, build_reports
from .base import Case


def corpus(tmp_path_factory) -> dict[str, list[Case]]:
    return built_once(tmp_path_factory, "faults-workbooks", build_corpus)


def reports(tmp_path_factory) -> list[Case]:
    return built_once(tmp_path_factory, "faults-reports", build_reports)


def libreoffice_kinds(tmp_path_factory, profile: Path) -> list[Case]:
    return built_once(tmp_path_factory, "faults-libreoffice", lambda f: build_libreoffice_kinds(f, profile))
