"""Consolidation on the fast path: worker processes, compact forms, the streamed 分单位明细.

The summary is checked against the inputs read independently (openpyxl, cached
values) and against the careful path's own pieces (read_workbook + RuleSet.validate,
sums.sum_values): with enough files to start worker processes, hostile agency
names, a clerk's errors, duplicates and a wrong year among them.
"""
from __future__ import annotations

import os
import pickle
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from consolidate_support import HOSTILE, YEAR, build, named_values
from modes import mode  # noqa: F401 - a fixture
from xxgk.consolidate import consolidate, read_entry
from xxgk.consolidate.identity import text_of
from xxgk.consolidate.compact import FrozenValues
from xxgk.consolidate.gather import read_entries, sum_forms
from xxgk.consolidate.labels import COL_FILE, DETAIL_FIXED, SHEET_DETAIL
from xxgk.consolidate.sums import sum_values
from xxgk.formats import get_format
from xxgk.parallel import MIN_PARALLEL
from xxgk.rules import load_rules
from xxgk.samples import agency_values, with_faults
from xxgk.template import build_workbook

pytestmark = pytest.mark.heavy(7)  # CPU seconds, about: started first (tests/conftest.py)

F2021 = get_format("2021")
AGENCIES = MIN_PARALLEL + 12


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Enough submissions for worker processes: a few built, the rest copies under new names."""
    folder = tmp_path_factory.mktemp("province") / "报送"
    folder.mkdir()
    rng = random.Random(3)
    names = [f"第{i:03d}号单位" for i in range(AGENCIES)]
    names[:len(HOSTILE)] = HOSTILE
    names[len(HOSTILE)] = "控制\x01字符_x0041_ 与 A&B<c>"
    for i, agency in enumerate(names):
        values = agency_values(F2021, agency, YEAR, i)
        if i % 9 == 4:
            values = with_faults(F2021, values, rng)
        build_workbook(folder / f"{i:03d}.xlsx", F2021, values=values)
    build(folder / "dup.xlsx", names[7], 900, **{"cover.date": f"{YEAR + 1}-02-01"})  # replaces 007
    build(folder / "wrong_year.xlsx", "往年单位", 901, year=YEAR - 1)
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really")
    return folder


@pytest.fixture(scope="module")
def summary(folder, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("out") / "汇总.xlsx"
    done = subprocess.run([sys.executable, "-m", "xxgk", "consolidate", str(folder), "-o", str(output),
                           "--year", str(YEAR)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "XXGK_JOBS": "2"})
    assert done.returncode in (1, 2), done.stderr[-2000:]
    return output


@pytest.fixture(scope="module")
def careful(folder) -> list:
    """Every input through the careful path's reader (read_entry: read_workbook), once for the module's tests."""
    return [read_entry(path) for path in sorted(folder.glob("*.xlsx"))]


def detail_rows(summary: Path) -> list[list]:
    """分单位明细 as the project reads it back (python-calamine, as consolidate --previous does)."""
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(summary)).get_sheet_by_name(SHEET_DETAIL).to_python()


def test_detail_rows_are_the_inputs_figures(folder, summary, careful):
    rows = detail_rows(summary)
    header, body = rows[0], rows[1:]
    file, first = DETAIL_FIXED.index(COL_FILE), len(DETAIL_FIXED)
    files = {row[file]: row for row in body}
    assert len(body) == AGENCIES and "dup.xlsx" in files and "007.xlsx" not in files
    assert list(header[first:]) == [cell.label for cell in F2021.cells.values()]
    forms = {entry.path.name: entry.form for entry in careful}
    for name, row in files.items():
        form = forms[name]
        assert row[0] == text_of(form.values["cover.agency"])
        for key, value in zip(F2021.cells, row[first:]):
            expected = form.values[key]
            assert value == ("" if expected is None else expected), (name, key)
    # A second, independent reader for the figures (openpyxl, both sides), over the rows of every kind of
    # input: the hostile and control-character names, each workbook with a clerk's errors, the duplicate
    # that replaced 007, the first plain ones and the last row. The loop above already holds every row to
    # its own input; this one proves the project's reader right, and an openpyxl load of an input costs
    # three times a read_workbook (~0.085 s): the other ~40 plain rows would only repeat it.
    numbers = openpyxl.load_workbook(summary)[SHEET_DETAIL]
    rows = list(numbers.iter_rows(min_row=2, values_only=True))
    kinds = [row for index, row in enumerate(rows)
             if index < 10 or index == len(rows) - 1 or not row[file][:3].isdigit() or int(row[file][:3]) % 9 == 4]
    assert len(rows) == AGENCIES and any(row[file] == "dup.xlsx" for row in kinds) and len(kinds) >= 15
    for row in kinds:
        named = named_values(folder / row[file])
        assert list(row[first:]) == [named[f"xxgk_{key.replace('.', '_')}"] for key in F2021.cells]


def test_detail_sheet_holds_no_formula_and_the_right_dimension(summary):
    with zipfile.ZipFile(summary) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        rel = re.search(rf'<sheet name="{SHEET_DETAIL}" sheetId="\d+" r:id="(rId\d+)"', workbook).group(1)
        target = re.search(rf'Id="{rel}" Type="[^"]*" Target="([^"]+)"', rels).group(1)
        xml = archive.read("xl/" + target).decode()
    assert "<f>" not in xml and "<f " not in xml
    last_column = re.findall(r'<c r="([A-Z]+)2"', xml)[-1]
    assert f'<dimension ref="A1:{last_column}{AGENCIES + 1}"/>' in xml
    assert "_x005F_x0041_" in xml and "_x0001_" in xml and "A&amp;B&lt;c&gt;" in xml


def test_sums_and_findings_equal_the_careful_path(folder, summary, careful):
    ruleset = load_rules()
    entries = read_entries(sorted(folder.glob("*.xlsx")), ruleset, None)
    assert [e.status for e in entries if e.form is None] == [e.status for e in careful if e.form is None]
    for fast, slow in zip(entries, careful):
        if slow.form is None:
            assert fast.form is None and fast.note == slow.note
            continue
        assert dict(fast.form.values) == slow.form.values
        assert fast.form.addresses == slow.form.addresses and fast.form.formulas == slow.form.formulas
        assert fast.report.findings == ruleset.validate(slow.form).findings
    forms = [e.form for e in entries if e.form is not None and e.year == YEAR]
    assert sum_forms(F2021, forms) == sum_values(F2021, [e.form for e in careful if e.form and e.year == YEAR])
    summed = named_values(summary)
    included = [e for e in careful if e.form is not None and e.year == YEAR and e.path.name != "007.xlsx"]
    expected = sum_values(F2021, [e.form for e in included])
    for key, value in expected.items():
        assert summed[f"xxgk_{key.replace('.', '_')}"] == value, key


def test_frozen_values_read_and_travel_like_the_dict(folder):
    values = agency_values(F2021, "区教育局", YEAR, 1)
    plain = {key: values.get(key) for key in (*F2021.cover_fields, *F2021.cells)}
    frozen = FrozenValues.of("2021", plain)
    assert isinstance(frozen, FrozenValues) and dict(frozen) == plain and list(frozen) == list(plain)
    assert frozen.get("no.such.key", "x") == "x" and frozen["t3.new.total"] == plain["t3.new.total"]
    assert pickle.loads(pickle.dumps(frozen)) == plain
    assert FrozenValues.of("2021", {"cover.agency": "x"}) == {"cover.agency": "x"}  # not the format's keys


def test_consolidate_in_process_matches_the_subprocess(folder, summary, tmp_path):
    """The library call (one process for few files) writes the same 分单位明细 as the command."""
    output = tmp_path / "again.xlsx"
    consolidate([folder], output, year=YEAR)
    assert detail_rows(output) == detail_rows(summary)


def test_figure_cells_of_a_row_of_numbers_are_those_cell_by_cell():
    """figures_xml's one-call path for numbers writes what ``cell_xml`` writes, and anything else goes by ``cell_xml``."""
    from xxgk.consolidate.detail_stream import NUMBER_MARK, cell_xml, _template, figures_xml
    from xxgk.model import CellError

    refs, _ = _template(F2021)
    rng = random.Random(5)
    numbers = [rng.choice([0, 7, 10**15, 2**53 + 1, -3, 0.1 + 0.2, 1e-7, 12345.678, 1e21]) for _ in refs]
    odd = list(numbers)
    odd[3:9] = [None, "文字 & <b>", True, CellError("#DIV/0!"), float("nan"), float("inf")]
    whole = [rng.randrange(-10**6, 10**6) for _ in refs]
    rows = [numbers, odd, whole]
    for at, value in ((0, 233.35), (-1, 0.5), (7, 2**53 - 1), (7, -(2**53) + 1), (7, 2**53), (7, 2**53 + 1),
                      (7, 10**16 - 1), (7, -(10**16)), (7, 10**17), (7, float("nan")), (7, float("-inf")), (7, -0.0), (7, 2.0)):
        row = list(whole)
        row[at] = value
        rows.append(row)
    for cells in rows:
        expected = "".join(cell_xml(ref, NUMBER_MARK, value) for ref, value in zip(refs, cells)).encode()
        assert figures_xml(F2021, tuple(cells)) == expected
        assert figures_xml(F2021, dict(zip(F2021.cells, cells))) == expected


def test_top_agencies_are_ranked_as_sorting_all_would():
    from xxgk.consolidate.gather import fold
    from xxgk.model import FormData

    rng = random.Random(9)
    named = []
    for i in range(40):
        values = {key: 0 for key in F2021.cells}
        values["t3.new.total"] = rng.choice([0, 5, 5, 9, 12.5, "x", None])
        named.append((FormData(source=str(i), format_id="2021", values=values), rng.choice("丙乙甲丁")))
    sums, top = fold(F2021, named, 10)
    number = lambda v: v if isinstance(v, (int, float)) and not isinstance(v, bool) else 0  # noqa: E731
    ranked = sorted(range(len(named)), key=lambda i: (-number(named[i][0].values["t3.new.total"]), named[i][1]))
    assert top == [(i, number(named[i][0].values["t3.new.total"])) for i in ranked[:10]]
    assert sums == sum_forms(F2021, [form for form, _ in named])


def test_sums_in_batches_are_the_sums_added_one_by_one():
    """fold adds whole columns at once: bit for bit what adding each form in turn gives, floats included."""
    from xxgk.consolidate.gather import BATCH
    from xxgk.model import FormData

    rng = random.Random(13)
    keys = list(F2021.cells)
    oddities = [0.1, 0.2, 1e16, -1e16, 2.675, float("nan"), float("inf"), True, "７", None, 10**17, -3]
    forms = []
    for i in range(2 * BATCH + 37):
        values = {key: rng.randrange(0, 1000) for key in keys}
        for key in rng.sample(keys[:20], 3):  # a few columns get odd values, some only after a batch or two
            if i > BATCH // 2 or key != keys[0]:
                values[key] = rng.choice(oddities)
        forms.append(FormData(source=str(i), format_id="2021", values=values))
    forms.append(FormData(source="x", format_id="2021", values={**forms[0].values, keys[5]: 0.3}))
    summed = sum_forms(F2021, forms)
    expected = sum_values(F2021, forms)
    assert summed == expected
    assert [type(v) for v in summed.values()] == [type(v) for v in expected.values()]
    assert isinstance(expected[keys[5]], float)  # the test really mixes floats into whole columns


def test_status_rows_keep_links_colours_and_heights(tmp_path, mode):
    """报送情况, streamed or written plainly: each file linked (but not through a folder whose name holds #),
    each status in its colour, every row tall enough — read back by openpyxl, independently of the writer."""
    from xxgk.consolidate.sheets import STATUS_COLOURS
    from xxgk.template.sizing import MIN_ROW_PT

    folder = tmp_path / "报送"
    odd = folder / "第#1批"
    odd.mkdir(parents=True)
    build(folder / "a.xlsx", "甲局", 1)
    build(odd / "b.xlsx", "乙局", 2)
    build(folder / "c.xlsx", "丙局", 3, year=YEAR - 1)
    (folder / "d.xlsx").write_bytes(b"not a workbook")
    output = tmp_path / "汇总.xlsx"
    result = consolidate([folder], output, year=YEAR)
    sheet = openpyxl.load_workbook(output)["报送情况"]
    rows = list(sheet.iter_rows(min_row=2))
    assert [row[1].value for row in rows] == [e.path.name for e in result.entries]
    for row, entry in zip(rows, result.entries):
        link = row[1].hyperlink
        if "#" in str(entry.path):
            assert link is None
        else:
            assert (output.parent / link.target.replace("\\", "/")).resolve() == entry.path.resolve()
        assert row[5].value == entry.status
        assert row[5].fill.fgColor.rgb[-6:] == STATUS_COLOURS[entry.status][0][1:]
        assert sheet.row_dimensions[row[0].row].height >= MIN_ROW_PT
        assert row[0].value == row[0].row - 1 and row[9].value == "\n".join(entry.messages)
