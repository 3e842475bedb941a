"""Workbooks re-saved by LibreOffice (an independent spreadsheet application) read the same."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from reader_fixtures import (  # noqa: E402
    build_template, edit_with_openpyxl, has_soffice, live_checks, named_range, resave_with_openpyxl,
    sample_values, soffice_convert, write_contract_workbook,
)

from faults import session  # noqa: E402
from xxgk.catalogue import ReadErrorKind
from xxgk.errors import ReadError  # noqa: E402
from xxgk.formats import get_format  # noqa: E402
from xxgk.readers import detect_kind, read_workbook  # noqa: E402

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(not has_soffice(), reason="LibreOffice (soffice) is not installed"),
]
NOTE = "本年度无法定收费项目"


def _explained(book):
    (_instance, note), = named_range(book, "xxgk_checks")[:1]
    note.value = NOTE


@pytest.fixture(scope="module")
def resaved(tmp_path_factory, libreoffice):
    """Originals and their LibreOffice re-saves, in one soffice call."""
    src = tmp_path_factory.mktemp("src")
    f2021, f2019 = get_format("2021"), get_format("2019")
    made = {
        "t2021": (f2021, build_template(src / "t2021.xlsx", f2021, sample_values(f2021, seed=3), live=True)),
        "t2019": (f2019, build_template(src / "t2019.xlsx", f2019, sample_values(f2019, seed=4), live=True)),
        "contract": (f2021, write_contract_workbook(src / "contract.xlsx", f2021, sample_values(f2021, seed=5),
                                                    inline_strings=True, quote_sheets=True)),
    }
    made["script"] = (f2021, resave_with_openpyxl(made["t2021"][1], src / "script.xlsx"))
    made["explained"] = (f2021, edit_with_openpyxl(made["t2021"][1], src / "explained.xlsx", _explained))
    profile = libreoffice.profile
    out = tmp_path_factory.mktemp("out")
    converted = soffice_convert([path for _, path in made.values()], out / "xlsx", profile)
    return {name: (fmt, path, lo) for (name, (fmt, path)), lo in zip(made.items(), converted)}


@pytest.fixture(scope="module")
def legacy_and_ods(tmp_path_factory, libreoffice) -> tuple[Path, Path]:
    """The template as LibreOffice really saves it as .xls and as .ods: the fault corpus's files, made once
    per run for every module (tests/once.py; two soffice start-ups saved). What is refused is the bytes'
    kind, whatever the workbook holds."""
    made = {case.variant: case.path for case in session.libreoffice_kinds(tmp_path_factory, libreoffice.profile)}
    return made["xls.xls"], made["ods.ods"]


@pytest.mark.parametrize("name", ["t2021", "t2019", "contract", "script", "explained"])
def test_a_libreoffice_resave_reads_like_the_original(resaved, name):
    fmt, original, libre = resaved[name]
    assert libre.is_file()
    before, after = read_workbook(original), read_workbook(libre)
    assert after.problems == [] and after.format_id == fmt.id
    assert after.values == before.values
    assert after.formulas == before.formulas
    assert after.addresses == before.addresses
    assert after.explanations == before.explanations


def test_explanations_survive_a_libreoffice_resave(resaved):
    _fmt, _original, libre = resaved["explained"]
    first = live_checks("2021")[0].instance_id
    assert read_workbook(libre).explanations == {first: NOTE}


@pytest.mark.parametrize("suffix", [".xls", ".et", ".xlsx"])
def test_a_real_legacy_xls_is_refused_by_its_bytes(legacy_and_ods, tmp_path, suffix):
    path = tmp_path / ("旧版" + suffix)
    shutil.copyfile(legacy_and_ods[0], path)
    assert detect_kind(path) == ReadErrorKind.XLS
    with pytest.raises(ReadError) as caught:
        read_workbook(path)
    assert caught.value.kind == ReadErrorKind.XLS and caught.value.reason == ReadErrorKind.XLS.template


def test_a_real_ods_is_refused_by_its_bytes(legacy_and_ods, tmp_path):
    path = tmp_path / "表格.xlsx"
    shutil.copyfile(legacy_and_ods[1], path)
    with pytest.raises(ReadError) as caught:
        read_workbook(path)
    assert caught.value.kind == ReadErrorKind.ODS and "OpenDocument" in caught.value.reason
