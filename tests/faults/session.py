"""One corpus per test session, shared by every tests/test_faults*.py module.

pytest would build a fixture defined in several modules once per module; the corpus
takes ~30 s to make, so it is built once per process under the session's base temp folder.
"""
from __future__ import annotations

from pathlib import Path

from . import build_corpus, build_libreoffice_kinds, build_reports
from .base import Case

_BUILT: dict[tuple[str, str], object] = {}


def _once(base: Path, what: str, make):
    key = (str(base), what)
    if key not in _BUILT:
        _BUILT[key] = make(base / "faults-corpus" / what)
    return _BUILT[key]


def corpus(tmp_path_factory) -> dict[str, list[Case]]:
    return _once(tmp_path_factory.getbasetemp(), "workbooks", build_corpus)


def reports(tmp_path_factory) -> list[Case]:
    return _once(tmp_path_factory.getbasetemp(), "reports", build_reports)


def libreoffice_kinds(tmp_path_factory, profile: Path) -> list[Case]:
    return _once(tmp_path_factory.getbasetemp(), "libreoffice", lambda f: build_libreoffice_kinds(f, profile))
