"""The fast path gives exactly what the careful path gives, on a mixed corpus.

Fast reader (xxgk.readers.fast) against the careful reader (read_workbook): equal
FormData, or the fast one declines (None) and the careful one decides. Fast rules
(xxgk.rules.fastpath) against RuleSet.validate: equal findings, in order. The
corpus is built with the project's own code: the real template (2021 and 2019, with
live checks), a clerk's mistakes, an explanation typed into 校验结果, openpyxl
re-saves (no cached values), a second producer with inline strings and quoted sheet
names, hostile text, hand-tampered XML and zips, and LibreOffice re-saves when
soffice is installed.
"""
from __future__ import annotations

import copy
import random
import shutil
import zipfile
from pathlib import Path

import pytest

from reader_fixtures import (build_template, edit_with_openpyxl, resave_with_openpyxl, rewrite_member,
                             sample_values, soffice_convert, write_contract_workbook)
from xxgk.errors import ReadError
from xxgk.formats import get_format
from xxgk.readers import read_workbook
from xxgk.readers.fast import read_fast, read_form_fast
from xxgk.rules import load_rules
from xxgk.rules.fastpath import fast_rules, validate_fast
from xxgk.samples import with_faults

pytestmark = pytest.mark.heavy(10)  # CPU seconds, about: started first (tests/conftest.py)

F2021, F2019 = get_format("2021"), get_format("2019")
EXPLANATION = "已核实：本年收费确为 25.8 亿元，单位为万元无误"
HOSTILE_NAMES = ("A&B <公司> \"甲\"", "  前后空格  ", "控制\x01字符_x0041_", '=HYPERLINK("http://x","y")')


def _explain(instance_id: str, note: str):
    def change(book):
        sheet = book["校验结果"]
        for row in sheet.iter_rows(min_row=6):
            if row[7].value == instance_id:
                row[8].value = note
                return
        raise AssertionError(f"{instance_id} not on 校验结果")
    return change


def _tamper(folder: Path, source: Path, name: str, member: str, old: bytes, new: bytes) -> Path:
    def change(data: bytes) -> bytes:
        assert old in data, (member, old)
        return data.replace(old, new, 1)
    return rewrite_member(source, folder / name, member, change)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, list[Path]]:
    """Files by group: 'plain' ones the fast path must take itself, 'tampered' ones it may decline."""
    folder = tmp_path_factory.mktemp("fastpath")
    rng = random.Random(7)
    plain: list[Path] = []
    for seed in (1, 2):
        plain.append(build_template(folder / f"valid_{seed}.xlsx", F2021, sample_values(F2021, seed=seed), live=True))
    plain.append(build_template(folder / "valid_2019.xlsx", F2019, sample_values(F2019, seed=3), live=True))
    plain.append(build_template(folder / "faulty.xlsx", F2021, with_faults(F2021, sample_values(F2021, seed=4), rng),
                                live=True))
    warned = sample_values(F2021, seed=5) | {"t2.fee.amount": 258000.0}
    warned_path = build_template(folder / "warned.xlsx", F2021, warned, live=True)
    plain.append(warned_path)
    plain.append(edit_with_openpyxl(warned_path, folder / "explained.xlsx", _explain("二-万元", EXPLANATION)))
    plain.append(resave_with_openpyxl(plain[0], folder / "openpyxl.xlsx"))
    for i, agency in enumerate(HOSTILE_NAMES):
        values = sample_values(F2021, seed=10 + i) | {"cover.agency": agency}
        plain.append(build_template(folder / f"hostile_{i}.xlsx", F2021, values, live=True))
    plain.append(write_contract_workbook(folder / "inline.xlsx", F2021, sample_values(F2021, seed=20),
                                         inline_strings=True, explanations={"二-万元": "说明\n两行"}))
    plain.append(write_contract_workbook(folder / "quoted.xlsx", F2021, sample_values(F2021, seed=21),
                                         quote_sheets=True))
    plain.append(write_contract_workbook(folder / "no_name.xlsx", F2021, sample_values(F2021, seed=22),
                                         drop_names=["xxgk_t3_new_natural"],
                                         name_text={"xxgk_t4_review_total": "#REF!"}))
    base = plain[0]
    sheet3, strings = "xl/worksheets/sheet3.xml", "xl/sharedStrings.xml"
    tampered = [
        _tamper(folder, base, "comment.xlsx", sheet3, b"<sheetData>", b"<sheetData><!-- x -->"),
        _tamper(folder, base, "dtd.xlsx", strings, b"<sst", b'<!DOCTYPE sst [<!ENTITY a "b">]><sst'),
        _tamper(folder, base, "lower_ref.xlsx", sheet3, b'<c r="D8"', b'<c r="d8"'),
        _tamper(folder, base, "twice.xlsx", sheet3, b'<c r="E8"', b'<c r="D8"'),
        _tamper(folder, base, "unclosed.xlsx", sheet3, b"</row>", b"", ),
        _tamper(folder, base, "prefixed.xlsx", sheet3, b'<c r="D8"', b'<x:c xmlns:x="urn:x" r="D9"/><c r="D8"'),
        _tamper(folder, base, "tail_cell.xlsx", sheet3, b"</sheetData>",
                b'</sheetData><row r="8"><c r="D8"><v>99</v></c></row>'),
        _tamper(folder, base, "no_ref.xlsx", sheet3, b'<c r="F8"', b"<c"),
        _tamper(folder, base, "entity.xlsx", strings, "区教育局</t>".encode(), "区教育局&amp;&#x41;&#66;</t>".encode()),
    ]
    truncated = folder / "truncated.xlsx"
    truncated.write_bytes(base.read_bytes()[:-100])
    flipped = bytearray(base.read_bytes())
    flipped[len(flipped) // 2] ^= 0xFF
    (folder / "flipped.xlsx").write_bytes(bytes(flipped))
    tampered += [truncated, folder / "flipped.xlsx"]
    return {"plain": plain, "tampered": tampered, "folder": [folder]}


@pytest.fixture(scope="module")
def saved_by_libreoffice(corpus, tmp_path_factory, libreoffice) -> list[Path]:
    out = tmp_path_factory.mktemp("lo-out")
    sources = [p for p in corpus["plain"] if p.name in ("valid_1.xlsx", "valid_2019.xlsx", "faulty.xlsx", "explained.xlsx")]
    return soffice_convert(sources, out, libreoffice.profile)  # the worker's profile: started once already


def careful(path: Path):
    try:
        return read_workbook(path)
    except ReadError as err:
        return err


def assert_same_or_declined(path: Path):
    expected, fast = careful(path), read_fast(path)
    if isinstance(expected, ReadError):
        assert fast is None, f"{path.name}: the careful reader refuses it ({expected.kind}), the fast one read it"
    else:
        assert fast is None or fast == expected, path.name
    return fast, expected


def test_plain_files_are_read_fast_and_exactly(corpus):
    for path in corpus["plain"]:
        fast, expected = assert_same_or_declined(path)
        assert fast is not None, f"{path.name}: the fast reader declined an ordinary workbook"
        assert fast == expected


def test_the_explanation_and_hostile_text_come_through(corpus):
    by_name = {p.name: read_fast(p) for p in corpus["plain"]}
    assert by_name["explained.xlsx"].explanations == {"二-万元": EXPLANATION}
    assert by_name["inline.xlsx"].explanations == {"二-万元": "说明\n两行"}
    for i, agency in enumerate(HOSTILE_NAMES):
        assert by_name[f"hostile_{i}.xlsx"].values["cover.agency"] == agency  # spaces, control characters kept
    assert by_name["no_name.xlsx"].problems and by_name["no_name.xlsx"].values["t3.new.natural"] is None


def test_tampered_files_are_declined_or_read_exactly(corpus):
    taken = set()
    for path in corpus["tampered"]:
        fast, _expected = assert_same_or_declined(path)
        if fast is not None:
            taken.add(path.name)
    # entities are ordinary XML; a cell written twice is read as the careful scan reads it (the later wins)
    assert taken <= {"entity.xlsx", "twice.xlsx"}


def test_entities_in_shared_strings_are_decoded_as_xml(corpus):
    path = next(p for p in corpus["tampered"] if p.name == "entity.xlsx")
    fast, expected = assert_same_or_declined(path)
    assert fast is not None and "&AB" in fast.values["cover.agency"]


def test_libreoffice_saved_files(saved_by_libreoffice):
    for path in saved_by_libreoffice:
        fast, expected = assert_same_or_declined(path)
        assert fast is not None, f"{path.name}: LibreOffice's dialect declined"


def test_read_form_fast_falls_back_with_the_careful_message(corpus):
    path = next(p for p in corpus["tampered"] if p.name == "truncated.xlsx")
    with pytest.raises(ReadError) as caught:
        read_form_fast(path)
    assert caught.value.kind == careful(path).kind and str(path) in str(caught.value)


@pytest.fixture(scope="module")
def forms(corpus) -> list:
    """What the careful reader gives for every readable file of the corpus, read once for the three tests
    that use them (each changes only deep copies)."""
    return [f for f in (careful(p) for p in corpus["plain"] + corpus["tampered"]) if not isinstance(f, ReadError)]


def test_fast_rules_equal_the_engine(forms):
    ruleset = load_rules()
    assert len(fast_rules(ruleset, "2021").generated) > 200  # most instances really are generated code
    rng = random.Random(11)
    oddities = (None, "x", "１２件", 1.5, -3, 0, 10**9, True, 2.0000000001, 7, "")
    compared = 0
    for form in forms:
        for trial in range(25):
            changed = copy.deepcopy(form)
            for _ in range(trial and rng.randint(1, 3)):
                changed.values[rng.choice(list(changed.values))] = rng.choice(oddities)
            previous = rng.choice(forms) if trial % 4 == 0 else None
            if previous is not None and previous.format_id != changed.format_id:
                previous = None
            expected = ruleset.validate(changed, previous=previous).findings
            assert validate_fast(ruleset, changed, previous=previous).findings == expected, changed.source
            compared += bool(expected)
    assert compared > 50  # failing forms were compared, not only clean ones


def test_a_text_cell_leaves_only_the_instances_reading_it_to_the_engine(forms):
    ruleset = load_rules()
    form = next(f for f in forms if f.format_id == "2021" and not ruleset.validate(f).findings)
    rules = fast_rules(ruleset, "2021")
    for at in (0, len(rules.keys) // 2, len(rules.keys) - 1):
        changed = copy.deepcopy(form)
        changed.values[rules.keys[at]] = "１２件"
        suspects = rules.suspects(changed.values)
        assert set(suspects) >= rules.readers[at] and rules.readers[at]
        assert len(suspects) < len(rules.generated) / 10  # not every instance
        assert validate_fast(ruleset, changed).findings == ruleset.validate(changed).findings != []


def test_the_corpus_really_has_findings_and_totals_without_cached_values(corpus, forms):
    ruleset = load_rules()
    forms = {Path(f.source).name: f for f in forms}
    assert validate_fast(ruleset, forms["faulty.xlsx"]).errors
    assert [f.rule_id for f in validate_fast(ruleset, forms["warned.xlsx"]).findings] == ["二-万元"]
    assert forms["openpyxl.xlsx"].values == read_workbook(corpus["plain"][0]).values | {}


def test_the_cli_prints_what_it_printed_before(corpus, tmp_path):
    """xxgk validate --json over enough files to start worker processes equals check_file's results."""
    import json
    import os
    import subprocess
    import sys

    from xxgk.parallel import MIN_PARALLEL
    from xxgk.validate import check_file, result_dict

    files = []
    sources = corpus["plain"] + corpus["tampered"]
    while len(files) < MIN_PARALLEL + 5:
        source = sources[len(files) % len(sources)]
        files.append(shutil.copy(source, tmp_path / f"{len(files):03d}_{source.name}"))
    ruleset = load_rules()
    expected = json.dumps([result_dict(check_file(p, ruleset)) for p in files], ensure_ascii=False, indent=2)
    env = {**os.environ, "XXGK_JOBS": "2", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-m", "xxgk", "validate", "--json", *map(str, files)],
                          capture_output=True, text=True, env=env, timeout=240)
    assert done.stdout == expected + "\n", done.stderr[-2000:]
    assert done.returncode == 2  # unreadable files among them
    assert zipfile.is_zipfile(files[0])
