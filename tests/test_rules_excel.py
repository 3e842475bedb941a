"""The rules compiled to Excel formulas agree with the Python evaluation.

Workbooks are built by the project's template builder with the live checks of
rules.yaml, recalculated by LibreOffice headless, and the 校验结果 sheet's
statuses (as LibreOffice computes them, exported as CSV: half the cost of a
re-saved .xlsx read back with openpyxl) compared with `RuleSet.validate` on the
same file.
"""
from __future__ import annotations

import random
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

import test_rules_each as each
from xxgk.formats import get_format
from xxgk.readers import read_workbook
from xxgk.rules import compilable, load_rules, live_checks_for
from xxgk.template import build_workbook
from xxgk.template.checks import COL, CHECKS_NAME

pytestmark = pytest.mark.heavy(85)  # CPU seconds, about: started first (tests/conftest.py)

RULES = load_rules()
FAILING = {"不通过", "待填写", "已说明"}
# rules a workbook can check by itself: not the cross-year or summary ones, nor the credit code's check character
LIVE_RULES = [s for s in RULES.specs if any(compilable(i) for fid in s.formats for i in RULES.instances(fid)
                                            if i.spec is s)]
NOT_LIVE = {"跨年-结转", "跨年-突变", "跨年-相同", "汇总", "单位-信用代码校验"}


def test_live_rules_are_all_but_those_needing_other_data_or_python():
    assert {s.id for s in RULES.specs} - {s.id for s in LIVE_RULES} == NOT_LIVE


def checks_rows(book) -> tuple[str, range]:
    """The 校验结果 sheet and the rows of its checks (the xxgk_checks range), from an openpyxl workbook."""
    sheet_name, ref = next(iter(book.defined_names[CHECKS_NAME].destinations))
    first, last = (int("".join(filter(str.isdigit, part))) for part in ref.split(":"))
    return sheet_name, range(first, last + 1)


def check_ids(book) -> list[str]:
    """Instance ids in row order (the order of the status names xxgk_chk_1 …)."""
    sheet_name, rows = checks_rows(book)
    return [book[sheet_name].cell(r, COL["编号"] + 1).value for r in rows]


def excel_statuses(source: Path, sheets: dict[str, list[list[str]]]) -> dict[str, str]:
    """instance id -> status, as LibreOffice computed the 校验结果 sheet of ``source``."""
    with zipfile.ZipFile(source) as archive:  # the xxgk_checks range, straight from workbook.xml
        root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    text = next(e.text for e in root.iter() if e.tag.endswith("definedName") and e.get("name") == CHECKS_NAME)
    sheet_name, _, area = text.rpartition("!")
    first, last = (int("".join(filter(str.isdigit, part))) for part in area.split(":"))
    table = sheets[sheet_name.strip("'")]
    return {table[r - 1][COL["编号"]]: table[r - 1][COL["状态"]] for r in range(first, last + 1)}


def build(folder: Path, name: str, fid: str, values: dict, literal_totals: bool) -> Path:
    fmt = get_format(fid)
    path = folder / f"{name}.xlsx"
    build_workbook(path, fmt, values=values, live_checks=live_checks_for(fmt, RULES), literal_totals=literal_totals)
    return path


def python_failing(path: Path) -> set[str]:
    return {f.instance_id for f in RULES.validate(read_workbook(path)).findings}


def excel_failing(statuses: dict[str, str]) -> set[str]:
    return {instance for instance, status in statuses.items() if status in FAILING}


# ------------------------------------------------------------------ one fault per rule


def test_one_fault_per_rule_shows_in_checks_sheet(tmp_path, libreoffice, artifacts_dir):
    cases = []
    for spec in LIVE_RULES:
        for fid in spec.formats:
            values = each.base(fid)
            expected = each.BREAKERS[spec.id](values, {}, {}, fid)
            path = build(tmp_path, f"{len(cases):02d}_{fid}", fid, values, literal_totals=True)
            cases.append((spec.id, fid, path, expected))
    computed = libreoffice.sheet_texts([c[2] for c in cases], tmp_path / "recalc")
    for (rule_id, fid, path, expected), sheets in zip(cases, computed):
        statuses = excel_statuses(path, sheets)
        assert excel_failing(statuses) == expected, (rule_id, fid)
        assert python_failing(path) == expected, (rule_id, fid)
        _assert_conditional_format_on(path, expected)
    pdf = libreoffice.to_pdf([cases[0][2]], tmp_path / "pdf")[0]
    pngs = libreoffice.to_png(pdf, artifacts_dir / "faulty_balance", dpi=70)
    assert pngs


def _assert_conditional_format_on(path: Path, instances: set[str]) -> None:
    """Each faulty cell carries a conditional format tied to its instance's status cell."""
    book = openpyxl.load_workbook(path)
    index = {instance: i for i, instance in enumerate(check_ids(book), start=1)}
    names = {name: next(iter(d.destinations)) for name, d in book.defined_names.items()}
    form = read_workbook(path)
    fmt = get_format(form.format_id)
    checks = {c.instance_id: c for c in live_checks_for(fmt, RULES)}
    for instance in instances:
        check = checks[instance]
        status = f"xxgk_chk_{index[instance]}"
        for key in check.cells:
            sheet_name, coordinate = names[fmt.cells[key].name if key in fmt.cells else fmt.cover_fields[key].name]
            cell = coordinate.replace("$", "")
            formats = book[sheet_name].conditional_formatting
            assert any(cell in str(cf.sqref).split() and any(status in f for r in cf.rules for f in r.formula)
                       for cf in formats), (instance, key)


# ------------------------------------------------------------------ 50 random workbooks


def _mutations(rng: random.Random, fid: str, values: dict) -> bool:
    """Apply 0–3 random faults a clerk or a script could make; True when totals must stay literal."""
    fmt = get_format(fid)
    inputs = [k for k, c in fmt.cells.items() if not c.is_total]
    totals = [k for k, c in fmt.cells.items() if c.is_total]
    literal = False
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        kind = rng.choice(("bump", "bump", "text", "blank", "decimal", "negative", "total", "year", "agency"))
        key = rng.choice(inputs)
        if kind == "bump":
            values[key] = (values[key] or 0) + rng.choice((-2, -1, 1, 3))
        elif kind == "text":
            values[key] = rng.choice(("１２", "abc", "3件"))
        elif kind == "blank":
            values[key] = None
        elif kind == "decimal":
            values[key] = 2.5
        elif kind == "negative":
            values[key] = -1
        elif kind == "total":
            values[rng.choice(totals)] = rng.randint(0, 50)
            literal = True
        elif kind == "year":
            values["cover.year"] = rng.choice((2018, 2020, 2022, "2023年", None))
        else:
            values["cover.agency"] = rng.choice((None, "局", "=HYPERLINK(\"x\")"))
    return literal


def test_python_and_excel_agree_on_random_workbooks(tmp_path, libreoffice):
    rng = random.Random(20261121)
    paths = []
    for n in range(50):
        fid = rng.choice(("2021", "2019"))
        values = each.base(fid)
        literal = _mutations(rng, fid, values)
        if not literal:
            values = {k: v for k, v in values.items() if not get_format(fid).cells.get(k) or
                      not get_format(fid).cells[k].is_total}
        paths.append(build(tmp_path, f"random_{n:02d}", fid, values, literal_totals=literal))
    computed = libreoffice.sheet_texts(paths, tmp_path / "recalc")
    disagreements, faulty = [], 0
    for path, sheets in zip(paths, computed):
        statuses = excel_statuses(path, sheets)
        in_python = python_failing(path) & set(statuses)
        in_excel = excel_failing(statuses)
        faulty += bool(in_python)
        if in_python != in_excel:
            disagreements.append((path.name, sorted(in_python ^ in_excel)))
    assert not disagreements
    assert 20 <= faulty <= 48, "the corpus should mix valid and faulty workbooks"
