"""The committed workbook_template.xlsx equals a fresh `xxgk template` build, part by part.

Regenerate after an intended change with:  xxgk template -o workbook_template.xlsx
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree.ElementTree import canonicalize

import defusedxml.ElementTree as ET
from click.testing import CliRunner

from xxgk.cli import main

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "workbook_template.xlsx"
XML_SUFFIXES = (".xml", ".rels", ".vml")
# Timestamps of the build, the only thing that may differ between two builds.
VOLATILE = ("{http://purl.org/dc/terms/}created", "{http://purl.org/dc/terms/}modified")


def normalised_parts(path: Path) -> dict[str, bytes | str]:
    """Part name -> canonical XML text (timestamps dropped), or raw bytes for binary parts."""
    parts: dict[str, bytes | str] = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            parts[name] = _normalise(name, data) if name.endswith(XML_SUFFIXES) else data
    return parts


def _normalise(name: str, data: bytes) -> str:
    root = ET.fromstring(data)  # refuses entity tricks before anything else reads the text
    if name == "docProps/core.xml":
        for tag in VOLATILE:
            for node in root.findall(tag):
                root.remove(node)
    text = ET.tostring(root, encoding="unicode")
    return canonicalize(text)


def first_difference(expected: str | bytes, actual: str | bytes) -> str:
    limit = min(len(expected), len(actual))
    at = next((i for i in range(limit) if expected[i] != actual[i]), limit)
    return (f"at offset {at}: committed …{expected[max(0, at - 60):at + 60]!r}…\n"
            f"             fresh     …{actual[max(0, at - 60):at + 60]!r}…")


def test_committed_template_matches_a_fresh_build(tmp_path):
    assert GOLDEN.exists(), f"{GOLDEN} is missing: run `xxgk template -o workbook_template.xlsx`"
    fresh = tmp_path / "workbook_template.xlsx"
    result = CliRunner().invoke(main, ["template", "-o", str(fresh)])
    assert result.exit_code == 0, result.output
    committed, built = normalised_parts(GOLDEN), normalised_parts(fresh)
    assert sorted(committed) == sorted(built), "the two files hold different parts"
    for name in sorted(committed):
        assert committed[name] == built[name], (
            f"part {name} differs (regenerate with `xxgk template -o workbook_template.xlsx` "
            f"if the change is intended)\n{first_difference(committed[name], built[name])}")


def test_normalisation_sees_a_changed_label(tmp_path):
    """The comparison is not blind: one changed character in a part is reported with its place."""
    fresh = tmp_path / "a.xlsx"
    assert CliRunner().invoke(main, ["template", "-o", str(fresh)]).exit_code == 0
    changed = tmp_path / "b.xlsx"
    with zipfile.ZipFile(fresh) as source, zipfile.ZipFile(changed, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace("自然人".encode(), "自然A".encode(), 1)
            target.writestr(info, data)
    a, b = normalised_parts(fresh), normalised_parts(changed)
    assert a["xl/sharedStrings.xml"] != b["xl/sharedStrings.xml"]
    assert "自然A" in first_difference(a["xl/sharedStrings.xml"], b["xl/sharedStrings.xml"])
    assert {n for n in a if a[n] != b[n]} == {"xl/sharedStrings.xml"}
