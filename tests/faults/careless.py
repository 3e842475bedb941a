"""What a careless user leaves in a submissions folder (issue 17): our own summary and marked copies,
one agency under names that differ only by invisible characters, different agencies sharing a
credit code or a placeholder code, file names with control characters, the same file name in
two sub-folders, and — where the system has them — symbolic links that loop or lead nowhere
and a FIFO.

Each case says how validate must end (``expect``) and, where it matters, which status
consolidation must give it in 报送情况 (``status``).
"""
from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

from xxgk.catalogue import Status
from xxgk.identity import check_character

from .base import ANY, CLEAN, FINDINGS, READ, REFUSE, YEAR, Case, edit, template_bytes, values_for, write

FORMAT = "2021"
SUMMARY_LEFT_OUT, MARKED_COPY = Status.SUMMARY_LEFT_OUT, Status.MARKED_COPY
INCLUDED = (Status.PASSED, Status.WARNINGS)
# one agency, pasted from elsewhere: the same name once each way (the last, filled latest, is kept)
INVISIBLE = ("\ufeff", "\u200b", "\u00a0", "\u2060", "\u3000", "\u00ad", "\u200d")
SHARED = "11370800MB2800010"  # 17 characters of an agency-like code; its check character is added below
PLACEHOLDERS = ("0" * 18, "1" * 18, "X" * 18, "12345", "913700000000000000")
CONTROL_NAMES = ("控制符\x01局", "转义\x1b局", "换页\x0c局", "非字符\ufffe局")


def _values(agency: str, seed: int, **cover) -> dict:
    values = values_for(FORMAT, agency, seed)
    values.update(cover)
    return values


def _workbook(folder: Path, name: str, agency: str, seed: int, **cover) -> Path:
    """An agency's figures without the template's live checks (~0.04 s a build instead of ~0.3 s): what these
    cases are about is names, codes, links and our own outputs in a folder, which validate and consolidate
    judge from the figures and the cover; the 校验结果 sheet's formulas play no part in it."""
    return write(folder, name, template_bytes(FORMAT, _values(agency, seed, **cover), live=False))


def own_outputs(folder: Path) -> list[Case]:
    """Summaries of agencies that are in the folder themselves (one of them unnamed), and a marked copy, made
    by the project; the summary also as another application saves it, as one made before summaries carried
    their origin, and as one whose district is called like one of its agencies (newer than that agency's file)."""
    from xxgk.consolidate import consolidate
    from xxgk.rules import load_rules
    from xxgk.validate import check_file, write_marked

    agencies = [_workbook(folder, f"汇总过的{i}.xlsx", f"汇总过的第{i}局", 700 + i) for i in range(2)]
    cases = [Case(path, "careless", "summarised_agency", CLEAN, status=Status.PASSED) for path in agencies]
    unnamed = _workbook(folder, "未填名称.xlsx", "", 703, **{"cover.credit_code": ""})
    cases.append(Case(unnamed, "careless", "summarised_unnamed_agency", FINDINGS, status=Status.ERRORS))
    with tempfile.TemporaryDirectory(prefix="xxgk-careless-") as scratch:
        made = Path(scratch) / "上次的汇总.xlsx"
        consolidate([*agencies, unnamed], made, ruleset=load_rules())
        named = Path(scratch) / "同名的汇总.xlsx"
        consolidate([*agencies, unnamed], named, ruleset=load_rules(), district="汇总过的第0局")
        summaries = {"上次的汇总.xlsx": made.read_bytes(), "另存的汇总.xlsx": edit(made.read_bytes(), _saved_elsewhere),
                     "旧版的汇总.xlsx": edit(made.read_bytes(), _without_origin), "同名的汇总.xlsx": named.read_bytes()}
    for name, data in summaries.items():
        cases.append(Case(write(folder, name, data), "careless", "own_summary", READ, status=SUMMARY_LEFT_OUT))
    os.utime(folder / "同名的汇总.xlsx", (time.time() + 3600,) * 2)  # newer than the agency it is named like
    source = _workbook(folder, "标记前.xlsx", "标记局", 710)
    cases.append(Case(source, "careless", "marked_source", CLEAN, status=Status.PASSED))
    target = folder / "标记前_校验标记.xlsx"
    write_marked(check_file(source, load_rules()), target)
    cases.append(Case(target, "careless", "own_marked_copy", CLEAN, status=MARKED_COPY))
    return cases


def _saved_elsewhere(parts: dict[str, bytes]) -> None:
    """workbook.xml as LibreOffice writes it: each sheet's attributes in another order, with its state."""
    xml = parts["xl/workbook.xml"].decode("utf-8")
    parts["xl/workbook.xml"] = re.sub(
        r'<sheet name="([^"]*)" sheetId="(\d+)"(?: state="(hidden)")? r:id="([^"]+)"/>',
        lambda m: f'<sheet r:id="{m[4]}" state="{m[3] or "visible"}" name="{m[1]}" sheetId="{m[2]}"/>', xml).encode("utf-8")


def _without_origin(parts: dict[str, bytes]) -> None:
    """A summary made before summaries carried the xxgk_origin name: known by its sheets."""
    xml = parts["xl/workbook.xml"].decode("utf-8")
    parts["xl/workbook.xml"] = re.sub(r'<definedName name="xxgk_origin">[^<]*</definedName>', "", xml).encode("utf-8")


def identities(folder: Path) -> list[Case]:
    cases = []
    for i, invisible in enumerate(INVISIBLE):
        last = i == len(INVISIBLE) - 1
        path = _workbook(folder, f"隐形字符_{i}.xlsx", f"隐形{invisible}字符局", 720 + i,
                         **{"cover.credit_code": "", "cover.date": f"{YEAR[FORMAT] + 1}-01-{10 + i:02d}"})
        cases.append(Case(path, "careless", "invisible_name", CLEAN,
                          status=Status.PASSED if last else Status.REPLACED))
    shared = SHARED + check_character(SHARED)
    for i in range(3):
        path = _workbook(folder, f"同码_{i}.xlsx", f"同码第{i}局", 730 + i, **{"cover.credit_code": shared})
        cases.append(Case(path, "careless", "shared_code", CLEAN, status=Status.WARNINGS))
    for i, code in enumerate(PLACEHOLDERS):
        path = _workbook(folder, f"占位码_{i}.xlsx", f"占位码第{i}局", 740 + i, **{"cover.credit_code": code})
        cases.append(Case(path, "careless", "placeholder_code", CLEAN, status=Status.WARNINGS))
    return cases


def names(folder: Path) -> list[Case]:
    """Control characters in file and agency names; one file name in two sub-folders."""
    cases = []
    for i, name in enumerate(CONTROL_NAMES):
        try:
            path = _workbook(folder, f"{name}.xlsx", f"{name}{i}", 750 + i)
        except OSError:  # a file system that allows no such name (Windows): only the agency name keeps them
            path = _workbook(folder, f"控制符_{i}.xlsx", f"{name}{i}", 750 + i)
        cases.append(Case(path, "careless", "control_characters", READ, status=Status.PASSED))
    for i, sub in enumerate(("甲", "乙")):
        (folder / sub).mkdir()
        path = _workbook(folder / sub, "报表.xlsx", f"子文件夹{sub}局", 760 + i)
        cases.append(Case(path, "careless", "same_file_name", CLEAN, status=Status.PASSED))
    return cases


def not_files(folder: Path) -> list[Case]:
    """Links that loop or lead nowhere, a link to a good file, a FIFO: where the system can make them."""
    cases = []
    if hasattr(os, "symlink"):
        loop_a, loop_b = folder / "循环甲.xlsx", folder / "循环乙.xlsx"
        try:
            os.symlink(loop_b.name, loop_a)
            os.symlink(loop_a.name, loop_b)
        except OSError:  # no right to make links here (Windows without developer mode)
            return cases
        cases += [Case(p, "careless", "link_loop", REFUSE, ("符号链接",), status=Status.UNREADABLE)
                  for p in (loop_a, loop_b)]
        broken = folder / "断开的链接.xlsx"
        os.symlink("不存在的文件.xlsx", broken)
        cases.append(Case(broken, "careless", "broken_link", REFUSE, ("指向的文件不存在",), status=Status.UNREADABLE))
        target = _workbook(folder.parent, "链接目标.xlsx", "链接目标局", 780)
        linked = folder / "链接到好文件.xlsx"
        os.symlink(target, linked)
        cases.append(Case(linked, "careless", "link_to_file", CLEAN, status=Status.PASSED))
    if hasattr(os, "mkfifo"):
        fifo = folder / "管道.xlsx"
        os.mkfifo(fifo)
        cases.append(Case(fifo, "careless", "fifo", REFUSE, ("不是普通文件",), status=Status.UNREADABLE))
    return cases


def generate(folder: Path) -> list[Case]:
    cases = own_outputs(folder) + identities(folder) + names(folder) + not_files(folder)
    assert all(c.expect in (ANY, CLEAN, FINDINGS, READ, REFUSE) for c in cases)
    return cases
