"""The rules compiled to Excel formulas agree with the Python evaluation.

Workbooks are built by the project's template builder with the live checks of
rules.yaml, recalculated by LibreOffice headless, and the 校验结果 sheet's
statuses (as LibreOffice computes them, exported as CSV: half the cost of a
re-saved .xlsx read back with openpyxl; both tests' workbooks in one soffice call)
compared with `RuleSet.validate` on the same file.
"""
from __future__ import annotations

import functools
import itertools
import random
import re
import zipfile
from pathlib import Path
from typing import Iterator
from xml.etree import ElementTree

import pytest

import test_rules_each as each
from xxgk.catalogue import CheckStatus
from xxgk.formats import get_format
from xxgk.readers import read_workbook
from xxgk.rules import compilable, load_rules, live_checks_for
from xxgk.template import build_workbook
from xxgk.template.checks import COL, CHECKS_NAME

pytestmark = pytest.mark.heavy(14)  # CPU seconds, about: started first (tests/conftest.py)

RULES = load_rules()
FAILING = {CheckStatus.FAILED, CheckStatus.PENDING, CheckStatus.EXPLAINED}
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# rules a workbook can check by itself: not the cross-year or summary ones, nor the credit code's check character
LIVE_RULES = [s for s in RULES.specs if any(compilable(i) for fid in s.formats for i in RULES.instances(fid)
                                            if i.spec is s)]
NOT_LIVE = {"跨年-结转", "跨年-突变", "跨年-相同", "汇总", "单位-信用代码校验"}


def test_live_rules_are_all_but_those_needing_other_data_or_python():
    assert {s.id for s in RULES.specs} - {s.id for s in LIVE_RULES} == NOT_LIVE


def excel_checks(source: Path, sheets: dict[str, list[list[str]]]) -> list[tuple[str, str]]:
    """(instance id, status) of every row of the xxgk_checks range, in row order, as LibreOffice computed
    the 校验结果 sheet of ``source``; the n-th row's status cell is named xxgk_chk_n."""
    sheet_name, (first, last) = checks_range(source)
    table = sheets[sheet_name]
    return [(table[r - 1][COL["编号"]], table[r - 1][COL["状态"]]) for r in range(first, last + 1)]


def excel_statuses(source: Path, sheets: dict[str, list[list[str]]]) -> dict[str, str]:
    """instance id -> status, as LibreOffice computed the 校验结果 sheet of ``source``."""
    return dict(excel_checks(source, sheets))


def checks_range(source: Path) -> tuple[str, tuple[int, int]]:
    """The xxgk_checks range (sheet name, first and last row), straight from workbook.xml."""
    text = package(source)["names"][CHECKS_NAME]
    sheet_name, _, area = text.rpartition("!")
    first, last = (int("".join(filter(str.isdigit, part))) for part in area.split(":"))
    return sheet_name.strip("'"), (first, last)


def package(source: Path) -> dict:
    """Defined names and each sheet's conditional formats ([(cells, formulas)]), read from the package XML
    with the standard library (openpyxl would load every cell of every sheet to give the same)."""
    with zipfile.ZipFile(source) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        names = {e.get("name"): e.text for e in workbook.iter(f"{MAIN}definedName") if e.get("localSheetId") is None}
        formats = {}
        for sheet in workbook.iter(f"{MAIN}sheet"):
            part = ElementTree.fromstring(archive.read("xl/" + targets[sheet.get(f"{RELS}id")].lstrip("/")))
            formats[sheet.get("name")] = [(set(cf.get("sqref").split()), [f.text for f in cf.iter(f"{MAIN}formula")])
                                          for cf in part.iter(f"{MAIN}conditionalFormatting")]
    return {"names": names, "formats": formats}


@functools.cache
def live_checks(fid: str) -> tuple:
    """A format's live checks, derived once (0.25 s each time; 56 workbooks use them)."""
    return tuple(live_checks_for(get_format(fid), RULES))


def build(folder: Path, name: str, fid: str, values: dict, literal_totals: bool) -> Path:
    path = folder / f"{name}.xlsx"
    build_workbook(path, get_format(fid), values=values, live_checks=live_checks(fid), literal_totals=literal_totals)
    return path


def python_failing(path: Path) -> set[str]:
    return {f.instance_id for f in RULES.validate(read_workbook(path)).findings}


def excel_failing(statuses: dict[str, str]) -> set[str]:
    return {instance for instance, status in statuses.items() if status in FAILING}


# ------------------------------------------------------------------ one fault per rule

NAME = re.compile(r"\bxxgk_\w+")


def instance_reads(fmt, check) -> set[str]:
    """The cells an instance's formula reads (every defined name in it is a form cell or a cover field)."""
    keys = {field.name: key for key, field in (*fmt.cells.items(), *fmt.cover_fields.items())}
    return {keys[name] for name in NAME.findall(check.fail_formula)} | set(check.cells) | set(check.pending_if_blank)


def one_fault_per_rule(folder: Path) -> list[tuple[list[str], str, Path, set[str]]]:
    """(rules, format, workbook, the instances that must fail): every live rule's fault in every format,
    packed several to a workbook (one LibreOffice load checks them all).

    Faults share a workbook only when no instance reads cells changed by two of them: every instance then
    reads exactly the values it reads in a workbook holding its own rule's fault alone (or none), so its
    status there is its status here and ``failing == union of expected`` asserts, instance by instance,
    what one workbook per fault asserted (totals are literal: nothing else propagates a change)."""
    workbooks = []
    for fid in ("2021", "2019"):
        fmt = get_format(fid)
        reads = [instance_reads(fmt, check) for check in live_checks(fid)]
        groups = []  # [rules, values, expected, touched cells, cells of the instances they reach]
        for spec in (s for s in LIVE_RULES if fid in s.formats):
            base = each.base(fid)
            values = dict(base)
            expected = each.BREAKERS[spec.id](values, {}, {}, fid)
            touched = {key for key in values if values[key] != base[key]}
            reached = set().union(*(cells for cells in reads if cells & touched))
            group = next((g for g in groups if not (g[3] & (reached | touched) or g[4] & touched)), None)
            if group is None:
                group = [[], dict(base), set(), set(), set()]
                groups.append(group)
            group[0].append(spec.id)
            group[1].update({key: values[key] for key in touched})
            group[2] |= expected
            group[3] |= touched
            group[4] |= reached
        for n, (rules, values, expected, _touched, _reached) in enumerate(groups):
            path = build(folder, f"{fid}_faults_{n}", fid, values, literal_totals=True)
            workbooks.append((rules, fid, path, expected))
    return workbooks


def test_every_live_rule_is_faulted_in_every_format(workbooks):
    cases, _randoms, _computed = workbooks
    faulted = {(rule, fid) for rules, fid, _path, _expected in cases for rule in rules}
    assert faulted == {(s.id, fid) for s in LIVE_RULES for fid in s.formats}
    assert len(cases) < len(faulted)  # packed: fewer workbooks than faults


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory, libreoffice):
    """Both tests' workbooks, computed by LibreOffice in one soffice call (its start-up costs ~1.7 s)."""
    folder = tmp_path_factory.mktemp("rules-excel")
    cases, randoms = one_fault_per_rule(folder), random_workbooks(folder)
    paths = [path for _rule, _fid, path, _expected in cases] + randoms[0]
    return cases, randoms, dict(zip(paths, libreoffice.sheet_texts(paths, folder / "computed")))


def test_one_fault_per_rule_shows_in_checks_sheet(workbooks, tmp_path, libreoffice, artifacts_dir):
    cases, _randoms, computed = workbooks
    for rules, fid, path, expected in cases:
        checks_in_rows = excel_checks(path, computed[path])
        assert excel_failing(dict(checks_in_rows)) == expected, (rules, fid)
        assert python_failing(path) == expected, (rules, fid)
        _assert_conditional_format_on(path, fid, checks_in_rows, expected)
    pdf = libreoffice.to_pdf([cases[0][2]], tmp_path / "pdf")[0]
    # for a person to look at: the cover, the three tables with their marked cells and the head of 校验结果
    # (its further pages only go on listing checks; ~0.13 s each to render)
    pngs = libreoffice.to_png(pdf, artifacts_dir / "faulty_balance", dpi=70, last_page=5)
    assert len(pngs) == 5


def _assert_conditional_format_on(path: Path, fid: str, checks_in_rows: list[tuple[str, str]], instances: set[str]) -> None:
    """Each faulty cell carries a conditional format tied to its instance's status cell."""
    found = package(path)
    index = {instance: i for i, (instance, _status) in enumerate(checks_in_rows, start=1)}
    names = {name: text.rpartition("!") for name, text in found["names"].items()}
    fmt = get_format(fid)
    checks = {c.instance_id: c for c in live_checks(fid)}
    for instance in instances:
        check = checks[instance]
        status = f"xxgk_chk_{index[instance]}"
        for key in check.cells:
            sheet_name, _, coordinate = names[fmt.cells[key].name if key in fmt.cells else fmt.cover_fields[key].name]
            cell = coordinate.replace("$", "")
            formats = found["formats"][sheet_name.strip("'")]
            assert any(cell in cells and any(status in f for f in formulas) for cells, formulas in formats), (
                instance, key)


# ------------------------------------------------------------------ 50 random workbooks


TEXTS, YEARS, AGENCIES = ("１２", "abc", "3件"), (2018, 2020, 2022, "2023年", None), (None, "局", "=HYPERLINK(\"x\")")
KINDS = ("bump", "text", "blank", "decimal", "negative", "total", "year", "agency")


def _mutations(rng: random.Random, fid: str, values: dict, typed: dict[str, Iterator],
               first: str, owed: set[str] = frozenset()) -> tuple[bool, set[tuple]]:
    """Apply 0–3 random faults a clerk or a script could make, the first of kind ``first`` ("none": no fault);
    returns whether totals must stay literal and what was applied: (kind, format) pairs, ("none", format)
    for none, and (kind, value) for the typed values, which come in turn from ``typed`` (kind -> values).
    A further fault takes a kind of ``owed`` (typed kinds with a value not yet used) while there is one
    this workbook has not used yet (a cover field holds one value: a second year would hide the first)."""
    fmt = get_format(fid)
    inputs = [k for k, c in fmt.cells.items() if not c.is_total]
    totals = [k for k, c in fmt.cells.items() if c.is_total]
    literal, applied, used = False, set(), {first}
    count = 0 if first == "none" else rng.choice((1, 1, 2, 3))
    for n in range(count):
        due = sorted(owed - used)
        kind = first if n == 0 else rng.choice(due) if due else rng.choice(("bump", "bump", *KINDS[1:]))
        used.add(kind)
        key = rng.choice(inputs)
        applied.add((kind, fid))
        if kind == "bump":
            values[key] = (values[key] if isinstance(values[key], (int, float)) else 0) + rng.choice((-2, -1, 1, 3))
        elif kind == "text":
            values[key] = next(typed["text"])
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
            values["cover.year"] = next(typed["year"])
        else:
            values["cover.agency"] = next(typed["agency"])
        if kind in ("text", "year", "agency"):
            applied.add((kind, values[key] if kind == "text" else values[f"cover.{kind}"]))
    return literal, applied or {("none", fid)}


def every_mutation() -> set[tuple]:
    """What a sample of random workbooks must have applied: every kind (and none) in both formats, and every
    typed value (text in a number cell, each wrong year, each odd agency name) at least once."""
    kinds = {(kind, fid) for kind in (*KINDS, "none") for fid in ("2021", "2019")}
    return kinds | typed_mutations()


def typed_mutations() -> set[tuple]:
    return {("text", v) for v in TEXTS} | {("year", v) for v in YEARS} | {("agency", v) for v in AGENCIES}


def random_workbooks(folder: Path) -> tuple[list[Path], set[tuple]]:
    """Seeded random workbooks until every mutation of ``every_mutation`` is among them; returns them and
    what they applied. The formats alternate and each workbook's first fault takes the kinds in turn (9 and
    2 are coprime: 18 workbooks pair every kind with both formats); further faults take the typed kinds
    still owed a value (5 years, 3 agency names, 3 texts: the first faults alone give two of each kind in
    18 workbooks, random further faults took 7 more workbooks to draw the rest), else a random kind; cells
    and the number of faults stay random. 18 workbooks where 50 were once drawn blindly: each further one
    only repeats kinds already compared, at ~0.8 s of building, LibreOffice and reading each."""
    rng = random.Random(20261121)
    typed = {"text": itertools.cycle(TEXTS), "year": itertools.cycle(YEARS), "agency": itertools.cycle(AGENCIES)}
    paths, applied = [], set()
    while not every_mutation() <= applied and len(paths) < 50:
        fid, first = ("2021", "2019")[len(paths) % 2], (*KINDS, "none")[len(paths) % 9]
        values = each.base(fid)
        owed = {kind for kind, _value in typed_mutations() - applied}
        literal, done = _mutations(rng, fid, values, typed, first, owed)
        applied |= done
        if not literal:
            values = {k: v for k, v in values.items() if not get_format(fid).cells.get(k) or
                      not get_format(fid).cells[k].is_total}
        paths.append(build(folder, f"random_{len(paths):02d}", fid, values, literal_totals=literal))
    return paths, applied


def test_python_and_excel_agree_on_random_workbooks(workbooks):
    _cases, (paths, applied), computed = workbooks
    disagreements, faulty = [], 0
    for path in paths:
        statuses = excel_statuses(path, computed[path])
        in_python = python_failing(path) & set(statuses)
        in_excel = excel_failing(statuses)
        faulty += bool(in_python)
        if in_python != in_excel:
            disagreements.append((path.name, sorted(in_python ^ in_excel)))
    assert applied >= every_mutation() and not disagreements
    assert 0.4 * len(paths) <= faulty <= len(paths) - 2, "the corpus should mix valid and faulty workbooks"
