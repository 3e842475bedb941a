"""Shared fixtures (LibreOffice headless, the shared design folder, the artifacts folder) and the
order in which pytest-xdist hands modules to its workers.

The suite runs in worker processes (pyproject: ``-n auto --dist loadscope``): each module goes whole
to one worker, so its module-scoped fixtures are built once. Modules marked ``heavy(seconds)`` are
handed out first, the costliest first, so that no long module starts last while the other workers
idle. Keeping a test cheap: see tests/README.md.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import libreoffice as lo

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


class LibreOffice:
    """The helpers of tests/libreoffice.py bound to one private profile (one per test process)."""

    def __init__(self, profile: Path):
        self.profile = lo.make_profile(profile)

    def recalc(self, files, outdir) -> list[Path]:
        return lo.recalc(files, outdir, self.profile)

    def sheet_texts(self, files, outdir) -> list[dict[str, list[list[str]]]]:
        return lo.sheet_texts(files, outdir, self.profile)

    def to_pdf(self, files, outdir) -> list[Path]:
        return lo.to_pdf(files, outdir, self.profile)

    def to_png(self, pdf, outdir, dpi: int = 60, last_page: int | None = None) -> list[Path]:
        if shutil.which("pdftoppm") is None:
            pytest.skip(lo.PDFTOPPM_SKIP_REASON)
        return lo.pdf_to_png(pdf, outdir, dpi, last_page)


def pytest_collection_modifyitems(config, items):
    """The costliest modules first (``heavy(seconds)``); a stable sort keeps each module's own order."""
    items.sort(key=lambda item: -cost(item))


def pytest_sessionfinish(session):
    """End the soffice this process started for conversions (tests/libreoffice.py)."""
    lo.close_servers()


def cost(item) -> float:
    heavy = item.get_closest_marker("heavy")
    return heavy.args[0] if heavy else 0


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory) -> LibreOffice:
    """LibreOffice headless with a private profile; skips the test when soffice is not installed."""
    if lo.soffice() is None:
        pytest.skip(lo.SKIP_REASON)
    return LibreOffice(tmp_path_factory.mktemp("lo-profile"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The team's shared folder (../shared: DESIGN.md, real reports); skips when absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared folder {SHARED} is absent")
    return SHARED


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """tests/artifacts (gitignored): files a person should look at, kept after the run."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
