"""The data files xxgk carries: rules.yaml and the VBA modules of macros/.

The repository's top-level ``rules.yaml`` and ``macros/*.bas`` are the only copies anyone edits.
Building the wheel copies them into the package as ``xxgk/data/`` (setup.py's build step), so an
installed xxgk reads its own copy through importlib.resources. A source checkout (``PYTHONPATH=src``
or an editable install) has no copy inside ``src/`` and reads the repository's files where they are,
so an edit there takes effect at once.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importlib.resources.abc is 3.11+; the name is only an annotation here
    from importlib.resources.abc import Traversable

PACKAGE_DATA = "data"  # filled by setup.py at build time; never committed
RULES_NAME = "rules.yaml"
MACROS_NAME = "macros"
# src/xxgk/resources.py -> the checkout's root, which holds rules.yaml and macros/
CHECKOUT_ROOT = Path(__file__).resolve().parents[2]


def shipped(name: str) -> Traversable:
    """The installed copy of ``name``, else the source checkout's; the installed path if neither exists."""
    packaged = files(__package__) / PACKAGE_DATA / name
    if packaged.is_file() or packaged.is_dir():
        return packaged
    in_checkout = CHECKOUT_ROOT / name
    if in_checkout.exists():
        return in_checkout
    return packaged  # reading it fails with a message that names where it should be


def rules_file() -> Traversable:
    """The rules.yaml every command uses unless given ``--rules``."""
    return shipped(RULES_NAME)


def macros_folder() -> Traversable:
    """The folder of xxgk's own VBA modules (``*.bas``)."""
    return shipped(MACROS_NAME)
