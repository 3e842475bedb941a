"""Damaged copies of real reports: a figure or a row lost never shifts the other figures.

Three shapes of real text: tab-separated rows (鼓楼), one cell per line (市中区)
and the flowing text layer of a PDF (淮安市, as a PDF viewer copies it). Every
row of table 三 and of table 二 is damaged in turn; a row whose figures were damaged
must be reported and left out, a row whose label was lost is placed by the form's
row order (and said so) or reported; every other cell keeps the figure of the intact text.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from published_support import GULOU, HUAIAN, ZAOZHUANG
from xxgk.formats import get_format
from xxgk.importer import import_report
from xxgk.importer.document import clean_text, label_key

FMT = get_format("2021")
ROWS = [(t, b, r) for t in FMT.tables if not t.wide for b in t.blocks for r in b.rows]
NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")


@cache
def source_text(shape: str) -> str:
    if shape == "tabs":
        return GULOU.read_text(encoding="utf-8")
    if shape == "cells":
        return ZAOZHUANG.read_text(encoding="utf-8")
    import pdfplumber

    with pdfplumber.open(str(HUAIAN)) as pdf:
        return "\n".join(page.extract_text() for page in pdf.pages)


def row_line(lines: list[str], table, row) -> int | None:
    """The line holding the row's label (its first characters), searched after the table's title."""
    start = next(i for i, line in enumerate(lines) if label_key(table.title) in label_key(clean_text(line)))
    prefix = label_key(row.label)[:5]
    for i in range(start, len(lines)):
        key = label_key(clean_text(lines[i]))
        if prefix in key and not (len(prefix) < 4 and key != prefix and not key.startswith(prefix)):
            return i
    return None


def numbers_in(line: str) -> list[str]:
    return [w for w in re.split(r"[\s\t]+", line) if NUMBER.match(w)]


def block_of(lines: list[str], i: int) -> tuple[int, int]:
    """One-cell-per-line text: the lines of the row around line i, between blank lines."""
    start = i
    while start > 0 and lines[start - 1].strip():
        start -= 1
    end = i
    while end + 1 < len(lines) and lines[end + 1].strip():
        end += 1
    return start, end + 1


def mutate(shape: str, mutation: str, table, row) -> str | None:
    lines = source_text(shape).split("\n")
    i = row_line(lines, table, row)
    if i is None:
        return None
    if shape == "cells":
        start, end = block_of(lines, i)
        figure_lines = [j for j in range(i + 1, end) if NUMBER.match(lines[j].strip("\t　 "))]
        label = lines[i]
        if mutation == "delete_number":
            del lines[figure_lines[len(figure_lines) // 2]]
        elif mutation == "delete_row":
            del lines[start:end]
        elif mutation == "delete_label":
            lines[i] = "\t"
        elif mutation == "split_label":
            half = len(label) // 2 + 1
            lines[i] = label[:half] + "\n" + label[half:]
        return "\n".join(lines)
    line = lines[i]
    found = numbers_in(line)
    if len(found) != len(next(b for b in table.blocks if row in b.rows).columns):
        return None  # figures not on the label's line: not this kind of mutation
    sep = "\t" if shape == "tabs" else " "
    words = line.split(sep)
    figure_at = [k for k, w in enumerate(words) if NUMBER.match(w)]
    label_at = min(k for k, w in enumerate(words) if label_key(row.label)[:2] in label_key(clean_text(w)))
    if mutation == "delete_number":
        del words[figure_at[len(figure_at) // 2]]
        lines[i] = sep.join(words)
    elif mutation == "delete_row":
        del lines[i]
    elif mutation == "delete_label":
        words[label_at] = ""
        lines[i] = sep.join(words)
    elif mutation == "split_label":
        label = words[label_at]
        half = len(label) // 2 + 1
        if shape == "tabs":  # the label's second half and the figures move to a line of their own
            lines[i] = sep.join(words[:label_at] + [label[:half]]) + "\n" + sep.join([label[half:]] + words[label_at + 1:])
        else:  # PDF text: the figures sit between the two halves of the label
            figures = " ".join(words[k] for k in figure_at)
            rest = [w for k, w in enumerate(words) if k not in figure_at and k != label_at]
            lines[i] = " ".join(rest + [label[:half], figures]) + "\n" + label[half:]
    return "\n".join(lines)


@cache
def intact(shape: str, tmp: Path) -> dict:
    path = tmp / f"{shape}-intact.txt"
    path.write_text(source_text(shape), encoding="utf-8")
    result = import_report(path)
    if shape != "pdf-text":
        assert result.missing == [] and result.problems == []
    return result.values


@pytest.mark.parametrize("mutation", ["delete_number", "delete_row", "delete_label", "split_label"])
@pytest.mark.parametrize("shape", ["tabs", "cells", "pdf-text"])
def test_damage_stays_in_its_row(shape, mutation, tmp_path_factory):
    tmp = tmp_path_factory.getbasetemp()
    expected_all = intact(shape, tmp)
    tried, failures = 0, []
    for table, block, row in ROWS:
        text = mutate(shape, mutation, table, row)
        if text is None:
            continue
        tried += 1
        path = tmp / f"{shape}-{mutation}-{table.key}-{row.key}.txt"
        path.write_text(text, encoding="utf-8")
        result = import_report(path)
        row_keys = {f"{table.key}.{row.key}.{c.key}" for c in block.columns}
        left_out = {k: v for k, v in expected_all.items() if k not in row_keys}
        if mutation == "split_label":
            expected = expected_all
        elif mutation == "delete_label" and any(row.label in n and "行序" in n for n in result.notes):
            expected = expected_all  # placed by the form's order between its neighbours, and said so
        else:
            expected = left_out
            if not any(row.label in p for p in result.problems):
                failures.append(f"{row.label}: damage not reported: {result.problems}")
        if result.values != expected:
            wrong = {k: (expected.get(k), result.values.get(k)) for k in set(expected) | set(result.values)
                     if expected.get(k) != result.values.get(k)}
            failures.append(f"{table.key}.{row.key}: {wrong}")
    assert tried >= 20, f"only {tried} rows could be damaged"
    assert failures == []


def table4_line(lines: list[str], shape: str) -> list[int]:
    """Lines holding the 15 figures of table 四 (one line, or 15 one-cell lines)."""
    start = next(i for i, line in enumerate(lines) if label_key(FMT.table("t4").title) in label_key(clean_text(line)))
    if shape == "cells":
        return [i for i in range(start, len(lines)) if NUMBER.match(lines[i].strip("\t "))][:15]
    return [next(i for i in range(start, len(lines)) if len(numbers_in(lines[i])) == 15)]


def replace_figure(text: str, shape: str, at: list[int], new: str | None) -> str:
    """Replace (new) or delete (None) the 8th figure of table 四."""
    lines = text.split("\n")
    if shape == "cells":
        index = at[7]
        if new is None:
            del lines[index]
        else:
            lines[index] = "\t" + new
        return "\n".join(lines)
    sep = "\t" if shape == "tabs" else " "
    words = lines[at[0]].split(sep)
    figure_at = [k for k, w in enumerate(words) if NUMBER.match(w)]
    if new is None:
        del words[figure_at[7]]
    else:
        words[figure_at[7]] = new
    lines[at[0]] = sep.join(words)
    return "\n".join(lines)


@pytest.mark.parametrize("shape", ["tabs", "cells", "pdf-text"])
def test_table4_with_a_figure_missing_is_left_out(shape, tmp_path):
    text = source_text(shape)
    path = tmp_path / "t4.txt"
    path.write_text(replace_figure(text, shape, table4_line(text.split("\n"), shape), None), encoding="utf-8")
    result = import_report(path)
    expected = {k: v for k, v in intact(shape, tmp_path.parent).items() if not k.startswith("t4.")}
    assert result.values == expected
    assert any(p.startswith("表四") and "14个" in p for p in result.problems)


@pytest.mark.parametrize("mark", ["/", "—", "无"])
@pytest.mark.parametrize("shape", ["tabs", "cells", "pdf-text"])
def test_printed_blank_is_kept_apart_from_zero(shape, mark, tmp_path):
    text = source_text(shape)
    path = tmp_path / "blank.txt"
    path.write_text(replace_figure(text, shape, table4_line(text.split("\n"), shape), mark), encoding="utf-8")
    result = import_report(path)
    key = list(k for k in FMT.cells if k.startswith("t4."))[7]
    expected = {**intact(shape, tmp_path.parent), key: None}
    assert result.values == expected
    assert result.blanks == [key] and key not in result.missing
