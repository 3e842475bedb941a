"""Bad values in count cells and the cover: text, decimals, negatives, full-width digits, numbers
stored as text, error values, dates, huge numbers, blanks — written into the real template's cell
XML the way Excel, WPS or a script would store them (cached totals left as they were)."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from xxgk.formats import Kind, get_format

from .base import FINDINGS, READ, Case, good_bytes, inline_text, position, rng_for, set_cells, write

CELLS_PER_VARIANT = 6
# variant -> (inner XML, t attribute, expected outcome)
VARIANTS: dict[str, tuple[str, str | None, str]] = {
    "text": (inline_text("无"), "inlineStr", FINDINGS),
    "text_with_unit": (inline_text("12件"), "inlineStr", FINDINGS),
    "decimal": ("<v>2.5</v>", None, FINDINGS),
    "negative": ("<v>-3</v>", None, FINDINGS),
    "full_width_digits": (inline_text("１２"), "inlineStr", FINDINGS),
    "number_as_text": (inline_text("12"), "inlineStr", READ),
    "number_as_formula_text": ("<v>12</v>", "str", READ),
    "error_ref": ("<f>#REF!</f><v>#REF!</v>", "e", FINDINGS),
    "error_value": ("<v>#VALUE!</v>", "e", FINDINGS),
    "error_div0": ("<f>1/0</f><v>#DIV/0!</v>", "e", FINDINGS),
    "date_iso": ("<v>2023-05-01T00:00:00</v>", "d", FINDINGS),
    "date_serial": ("<v>45047</v>", None, READ),
    # beyond a plausible count (rules.yaml bounds it), beyond what Excel holds exactly, beyond a float (issue 17)
    "huge": ("<v>1E+20</v>", None, FINDINGS),
    "near_float_max": ("<v>1.7976931348623157E+308</v>", None, FINDINGS),
    "float_max_negative": ("<v>-1E+308</v>", None, FINDINGS),
    "above_plausible": ("<v>1000000001</v>", None, FINDINGS),
    "at_plausible_limit": ("<v>1000000000</v>", None, READ),
    "beyond_exact": ("<v>1E+15</v>", None, FINDINGS),
    "beyond_float": ("<v>1E+400</v>", None, FINDINGS),
    "not_a_number": ("<v>NaN</v>", None, FINDINGS),
    "long_digits": ("<v>123456789012345678901234567890</v>", None, FINDINGS),
    "thousands_of_digits": ("<v>" + "9" * 5000 + "</v>", None, FINDINGS),
    "blank": ("", None, FINDINGS),
    "whitespace": ("<v> </v>", None, FINDINGS),
    "boolean": ("<v>1</v>", "b", FINDINGS),
}
# number cells openpyxl refuses to load (the whole workbook with them): a marked copy is made with openpyxl
UNLOADABLE = ("not_a_number", "thousands_of_digits", "whitespace")
# one workbook with each of the other VARIANTS in a count cell of its own: one cell openpyxl cannot load
# would leave every variant of the workbook without a marked copy; the UNLOADABLE are in files of their own
EVERY_VARIANT = "every_variant"
COVER_VARIANTS = {
    "year_text": ("cover.year", inline_text("二〇二三年"), "inlineStr"),
    "year_huge": ("cover.year", "<v>1.7976931348623157E+308</v>", None),
    "year_negative": ("cover.year", "<v>-2023</v>", None),
    "year_error": ("cover.year", "<v>#N/A</v>", "e"),
    "year_blank": ("cover.year", "", None),
    "agency_blank": ("cover.agency", "", None),
    "agency_number": ("cover.agency", "<v>12345</v>", None),
    "agency_error": ("cover.agency", "<v>#REF!</v>", "e"),
}


def count_cells(format_id: str) -> list[str]:
    return [k for k, c in get_format(format_id).cells.items() if not c.is_total and c.kind == Kind.COUNT]


def table_cases(folder: Path, format_id: str) -> list[Case]:
    rng = rng_for("values", format_id)
    data, cells, cases = good_bytes(format_id), count_cells(format_id), []
    for variant, (body, cell_type, expect) in VARIANTS.items():
        for i, key in enumerate(rng.sample(cells, CELLS_PER_VARIANT)):
            path = write(folder, f"数值_{variant}_{format_id}_{i}.xlsx",
                         set_cells(data, format_id, {key: (body, cell_type)}))
            cases.append(Case(path, "bad_value", variant, expect))
    several = {key: VARIANTS[v][:2] for key, v in zip(rng.sample(cells, 8), rng.sample(sorted(VARIANTS), 8))}
    path = write(folder, f"数值_混合_{format_id}.xlsx", set_cells(data, format_id, several))
    cases.append(Case(path, "bad_value", "mixed", FINDINGS))
    loadable = [variant[:2] for name, variant in VARIANTS.items() if name not in UNLOADABLE]
    every = dict(zip(rng.sample(cells, len(loadable)), loadable))
    path = write(folder, f"数值_每种_{format_id}.xlsx", set_cells(data, format_id, every))
    cases.append(Case(path, "bad_value", EVERY_VARIANT, FINDINGS))
    return cases


def cover_cases(folder: Path, format_id: str) -> list[Case]:
    data, cases = good_bytes(format_id), []
    for variant, (key, body, cell_type) in COVER_VARIANTS.items():
        path = write(folder, f"封面_{variant}_{format_id}.xlsx", set_cells(data, format_id, {key: (body, cell_type)}))
        cases.append(Case(path, "bad_value", variant, FINDINGS))
    return cases


def dates_by_openpyxl(folder: Path, format_id: str) -> list[Case]:
    """A real date typed into count cells: openpyxl writes a date serial with a date format."""
    import openpyxl

    rng = rng_for("dates", format_id)
    cases = []
    for i, key in enumerate(rng.sample(count_cells(format_id), 3)):
        book = openpyxl.load_workbook(io.BytesIO(good_bytes(format_id)))
        sheet, ref = position(format_id, key)
        book[sheet][ref] = dt.datetime(2023, 5, 1 + i)
        path = folder / f"数值_日期_openpyxl_{format_id}_{i}.xlsx"
        book.save(path)
        cases.append(Case(path, "bad_value", "date_openpyxl", READ))
    return cases


def generate(folder: Path) -> list[Case]:
    cases = []
    for format_id in ("2021", "2019"):
        cases += table_cases(folder, format_id) + cover_cases(folder, format_id) + dates_by_openpyxl(folder, format_id)
    return cases
