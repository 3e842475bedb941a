"""The national report formats, described once as data."""
from __future__ import annotations

from . import f2019, f2021
from .model import Block, Cell, Column, CoverField, Format, Kind, Row, Table, defined_name

FORMATS: dict[str, Format] = {f.id: f for f in (f2021.FORMAT, f2019.FORMAT)}
DEFAULT_FORMAT = "2021"
# Bumped whenever the template's layout or names change; readers refuse other versions.
TEMPLATE_VERSION = "1"


class UnknownFormat(KeyError):
    pass


def get_format(format_id: str | int) -> Format:
    try:
        return FORMATS[str(format_id)]
    except KeyError:
        raise UnknownFormat(str(format_id)) from None


def format_for_year(year: int) -> Format | None:
    """The format a report of this year must use, or None before 2019."""
    return next((f for f in FORMATS.values() if f.first_year <= year <= f.last_year), None)


__all__ = [
    "Block", "Cell", "Column", "CoverField", "Format", "Kind", "Row", "Table", "defined_name",
    "FORMATS", "DEFAULT_FORMAT", "TEMPLATE_VERSION", "UnknownFormat", "get_format", "format_for_year",
]
