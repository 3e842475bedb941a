"""The fault corpus: 1,000+ bad inputs made with the project's own code (see issues 8 and 17).

``build_corpus(folder)`` writes every workbook-like case into one sub-folder per kind and
returns the Cases; ``build_reports(folder)`` does the same for published-report inputs
(.docx .html .txt .pdf) used by ``xxgk import`` and ``xxgk audit``. The LibreOffice-made
kinds (.xls, .et, .ods, .pdf from a real template) come from ``build_libreoffice_kinds``.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from . import badvalues, careless, damaged, hostile, hostiletext, reports, tampered, wrongkinds
from .base import ANY, CLEAN, FINDINGS, READ, REFUSE, TOKEN, Case

GENERATORS = {
    "damaged": damaged.generate,
    "hostile": hostile.generate,
    "wrong_kind": wrongkinds.generate,
    "tampered": tampered.generate,
    "bad_value": badvalues.generate,
    "hostile_text": hostiletext.generate,
    "careless": careless.generate,
}
KINDS = tuple(GENERATORS)

__all__ = ["Case", "KINDS", "build_corpus", "build_reports", "build_libreoffice_kinds", "counts",
           "ANY", "CLEAN", "FINDINGS", "READ", "REFUSE", "TOKEN"]


def build_corpus(folder: Path) -> dict[str, list[Case]]:
    """Every workbook-like case, by kind, each kind in its own sub-folder of ``folder``."""
    corpus = {}
    for kind, generate in GENERATORS.items():
        sub = folder / kind
        sub.mkdir(parents=True)
        corpus[kind] = generate(sub)
        assert all(case.kind == kind for case in corpus[kind]), kind
    return corpus


def build_libreoffice_kinds(folder: Path, profile: Path) -> list[Case]:
    sub = folder / "wrong_kind_lo"
    sub.mkdir(parents=True)
    return wrongkinds.generate_with_libreoffice(sub, profile)


def build_reports(folder: Path) -> list[Case]:
    sub = folder / "report"
    sub.mkdir(parents=True)
    return reports.generate(sub)


def counts(cases: list[Case]) -> Counter:
    return Counter((case.kind, case.variant) for case in cases)
