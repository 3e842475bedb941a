"""Issue 17: what the commands do around their outputs and the run itself, as a careless or hostile user
meets them — an output that is an input, a batch whose copies collide or cannot be written, a filled
workbook under ``xxgk template``, Ctrl-C, a killed run's temporary folders, a full disk, a ``--previous``
that is not last year's report, and the summary of a careless folder in an independent spreadsheet.

A command runs in this process (``faults.run.xxgk_here``) unless the test is about the process itself
(a signal, its temporary folder, a file-size limit): then as a subprocess. No traceback, inputs unchanged,
exit codes as documented. No test waits for time to pass; timeouts are safety nets only.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from consolidate_support import sheet_rows
from faults import session
from faults.base import template_bytes, values_for
from faults.run import changed, snapshot, xxgk_here
from xxgk.catalogue import Status

SAFETY_TIMEOUT = 120

pytestmark = pytest.mark.heavy(13)  # CPU seconds, about: started first (tests/conftest.py)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return session.corpus(tmp_path_factory)


def workbook(folder: Path, name: str, agency: str, seed: int, **cover) -> Path:
    path = folder / name
    path.write_bytes(filled_bytes(agency, seed, tuple(sorted(cover.items()))))
    return path


@functools.lru_cache(maxsize=None)
def filled_bytes(agency: str, seed: int, cover: tuple) -> bytes:
    """A filled 2021 workbook, built once per module for each (agency, seed, cover): the template builder
    costs ~0.5 s a workbook, and `three` and the parametrized tests ask for the same ones again and again.
    Bytes are immutable and every test writes its own copy, so sharing them changes no test's input. Built
    without the live checks (~0.04 s instead of ~0.3 s): these tests are about where outputs go and what they
    replace, and about figures consolidated or validated, never about the 校验结果 sheet's formulas."""
    return template_bytes("2021", {**values_for("2021", agency, seed), **dict(cover)}, live=False)


@pytest.fixture
def three(tmp_path) -> Path:
    folder = tmp_path / "报送"
    folder.mkdir()
    for i, agency in enumerate(("甲局", "乙局", "丙局")):
        workbook(folder, f"{i + 1:02d}_{agency}.xlsx", agency, i)
    return folder


def no_trace(run) -> None:
    assert "Traceback" not in run.text and "Exception ignored" not in run.text, run.text[-3000:]


# ------------------------------------------------------------------------------------------ item 1, 13


def test_an_output_that_is_or_links_to_an_input_is_refused_before_anything_is_read(three, tmp_path):
    first = sorted(three.iterdir())[1]
    (tmp_path / "指向输入.xlsx").symlink_to(first)
    before = snapshot([*three.iterdir(), tmp_path / "指向输入.xlsx"])
    for output in (first, tmp_path / "指向输入.xlsx"):
        run = xxgk_here("consolidate", three, "-o", output)
        no_trace(run)
        assert run.code == 2 and "不能写在输入文件" in run.stderr and first.name in run.stderr, run.text
    single = xxgk_here("validate", first, "--mark", "-o", first)
    no_trace(single)
    assert single.code == 2 and "不能覆盖" in single.stdout
    assert not changed(before) and len(list(three.iterdir())) == 3


def test_a_mark_batch_goes_on_past_an_unwritable_target_and_same_names_never_overwrite(three, tmp_path):
    (three / "甲").mkdir()
    (three / "乙").mkdir()
    same = [workbook(three / sub, "报表.xlsx", f"{sub}局", 10 + i) for i, sub in enumerate(("甲", "乙"))]
    out = tmp_path / "标记"
    out.mkdir()
    blocked = sorted(three.glob("*.xlsx"))[0]
    (out / f"{blocked.stem}_校验标记.xlsx").mkdir()  # a folder where its copy should go
    inputs = [blocked, *same, sorted(three.glob("*.xlsx"))[1]]
    before = snapshot(inputs)
    run = xxgk_here("validate", "--mark", "-o", out, *inputs)
    no_trace(run)
    assert run.code == 2 and f"共 {len(inputs)} 个文件" in run.stdout
    assert all(str(path) in run.stdout for path in inputs), "every file's result is printed"
    assert "未能另存标记副本" in run.stdout
    copies = sorted(p.name for p in out.glob("报表*"))
    assert copies == ["报表_校验标记(2).xlsx", "报表_校验标记.xlsx"]
    agencies = {sheet_rows(out / name, "封面")[4][1] for name in copies}
    assert agencies == {"甲局", "乙局"}, "each copy is its own input's"
    assert not changed(before)


def test_same_named_copies_stay_apart_when_the_first_cannot_be_written(tmp_path):
    for sub in ("甲", "乙", "丙"):
        (tmp_path / sub).mkdir()
    same = [workbook(tmp_path / sub, "报表.xlsx", f"{sub}局", 20 + i) for i, sub in enumerate(("甲", "乙", "丙"))]
    out = tmp_path / "标记"
    (out / "报表_校验标记.xlsx").mkdir(parents=True)  # in the way of the first copy only
    run = xxgk_here("validate", "--mark", "-o", out, *same)
    no_trace(run)
    assert run.code == 2 and run.stdout.count("未能另存标记副本") == 1
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == ["报表_校验标记(2).xlsx", "报表_校验标记(3).xlsx"]


def test_a_marked_copy_never_replaces_a_workbook_that_is_not_one(three, tmp_path):
    first, second = sorted(three.glob("*.xlsx"))[:2]
    before = snapshot([first, second])
    run = xxgk_here("validate", "--mark", first, "-o", second)  # another agency's workbook, not an input here
    no_trace(run)
    assert run.code == 2 and "不是本工具的标记副本" in run.stdout and not changed(before)
    copy = tmp_path / "副本.xlsx"
    assert xxgk_here("validate", "--mark", first, "-o", copy).code == 0
    again = xxgk_here("validate", "--mark", first, "-o", copy)  # our own marked copy is replaced
    assert again.code == 0 and "已另存标记副本" in again.stdout


# ------------------------------------------------------------------------------------------ item 6


def test_template_does_not_overwrite_a_filled_workbook_without_force(tmp_path):
    filled = workbook(tmp_path, "workbook_template.xlsx", "甲局", 1)
    before = snapshot([filled])
    run = xxgk_here("template", cwd=tmp_path)
    no_trace(run)
    assert run.code == 2 and "--force" in run.stderr and not changed(before)
    other = tmp_path / "别的文件.xlsx"
    other.write_bytes(b"not a workbook of ours")
    assert xxgk_here("template", "-o", other).code == 2 and other.read_bytes() == b"not a workbook of ours"
    blank = tmp_path / "空白.xlsx"
    assert xxgk_here("template", "-o", blank).code == 0
    assert xxgk_here("template", "-o", blank).code == 0, "an untouched template may be made again"
    forced = xxgk_here("template", "--force", cwd=tmp_path)
    assert forced.code == 0 and changed(before)


# ------------------------------------------------------------------------------------------ item 14


def test_a_summary_replaces_only_an_earlier_summary_or_an_empty_file_without_force(three, tmp_path):
    last_year = workbook(tmp_path, "上年_甲局.xlsx", "甲局", 7)  # -o mistyped: a workbook that is no input
    notes = tmp_path / "笔记.xlsx"
    notes.write_bytes(b"a colleague's file, not a workbook")
    before, inputs = snapshot([last_year, notes]), snapshot(list(three.iterdir()))
    for output in (last_year, notes):
        run = xxgk_here("consolidate", three, "-o", output)
        no_trace(run)
        assert run.code == 2 and "--force" in run.stderr and output.name in run.stderr, run.text
    assert not changed(before)
    summary, empty = tmp_path / "汇总.xlsx", tmp_path / "新建.xlsx"
    empty.write_bytes(b"")
    for output in (summary, summary, empty):  # the second run replaces the first run's summary
        assert xxgk_here("consolidate", three, "-o", output).code == 0
    assert empty.stat().st_size > 0
    assert xxgk_here("consolidate", three, "-o", notes, "--force").code == 0 and changed(before)
    assert not changed(inputs)


def _command(*args) -> list[str]:
    return [sys.executable, "-m", "xxgk", *map(str, args)]


def _environment(**extra) -> dict:
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **extra}


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name == "nt", reason="needs POSIX signals")
def test_ctrl_c_after_the_first_result_ends_in_130(three, tmp_path):
    files = [shutil.copy(path, tmp_path / f"{i}_{path.name}") for i in range(20) for path in sorted(three.iterdir())]
    process = subprocess.Popen(_command("validate", *files), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=_environment(XXGK_JOBS="1"))
    assert process.stdout.readline()  # a first result is printed: the run is under way
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=SAFETY_TIMEOUT)
    assert process.returncode == 130 and "已中断" in err.decode() and "Traceback" not in err.decode()


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="watches worker processes through /proc")
def test_ctrl_c_while_workers_start_is_never_swallowed(three, tmp_path):
    files = [shutil.copy(path, tmp_path / f"{i}_{path.name}") for i in range(20) for path in sorted(three.iterdir())]
    process = subprocess.Popen(_command("validate", *files), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=_environment(XXGK_JOBS="2"))
    deadline = time.monotonic() + SAFETY_TIMEOUT  # a safety net: workers start within a second or two
    while not _children(process.pid) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=SAFETY_TIMEOUT)
    text = err.decode()
    assert process.returncode == 130 and "已中断" in text, text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text


def test_a_killed_runs_temporary_folders_are_removed_at_the_next_start(three, tmp_path):
    temp = tmp_path / "temp"
    temp.mkdir()
    stale, fresh, foreign = temp / "xxgk-parts-killed", temp / "xxgk-parts-running", temp / "other-program"
    for folder in (stale, fresh, foreign):
        folder.mkdir()
        (folder / "part.xml").write_bytes(b"<half")
    hour_ago = time.time() - 3700
    for path in (stale, foreign):
        os.utime(path, (hour_ago, hour_ago))
    run = subprocess.run(_command("consolidate", three, "-o", tmp_path / "汇总.xlsx"), capture_output=True,
                         env=_environment(TMPDIR=str(temp), TEMP=str(temp), TMP=str(temp)), timeout=SAFETY_TIMEOUT)
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    assert not stale.exists() and fresh.exists() and foreign.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="limits file sizes with POSIX RLIMIT_FSIZE")
@pytest.mark.parametrize("command", ["consolidate", "template", "mark"])
def test_a_full_disk_names_the_file_and_leaves_nothing_half_written(three, tmp_path, command):
    import resource

    def small_files() -> None:  # writes beyond 40 kB fail as on a full disk (EFBIG instead of ENOSPC)
        resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))

    output = tmp_path / "out"
    output.mkdir()
    args = {"consolidate": ("consolidate", three, "-o", output / "汇总.xlsx"),
            "template": ("template", "-o", output / "模板.xlsx"),
            "mark": ("validate", "--mark", "-o", output, sorted(three.iterdir())[0])}[command]
    before = snapshot(three.iterdir())
    run = subprocess.run(_command(*args), capture_output=True, env=_environment(TMPDIR=str(tmp_path)),
                         preexec_fn=small_files, timeout=SAFETY_TIMEOUT)
    text = run.stdout.decode() + run.stderr.decode()
    assert "Traceback" not in text and "Exception ignored" not in text, text[-3000:]
    assert run.returncode == 2 and "无法写入" in text, text[-2000:]
    assert str(output) in text or str(tmp_path) in text, "the file or folder that could not be written is named"
    assert list(output.iterdir()) == [], "no output and no temporary file left"
    assert not changed(before)


# ------------------------------------------------------------------------------------------ item 15


def test_a_previous_report_that_is_not_last_years_of_this_agency_is_a_warning(tmp_path):
    this = workbook(tmp_path, "本年.xlsx", "甲局", 1)
    same_year = workbook(tmp_path, "同年.xlsx", "甲局", 2)
    other_agency = workbook(tmp_path, "他局.xlsx", "乙局", 3, **{"cover.year": 2022})
    other_format = tmp_path / "旧格式.xlsx"
    other_format.write_bytes(template_bytes("2019", values_for("2019", "甲局", 4, year=2022), live=False))
    proper = workbook(tmp_path, "上年.xlsx", "甲局", 5, **{"cover.year": 2022})
    expected = {same_year: {"year"}, other_agency: {"agency"}, other_format: {"format"}, proper: set()}
    for previous, kinds in expected.items():
        run = xxgk_here("validate", "--json", this, "--previous", previous)
        no_trace(run)
        (result,) = json.loads(run.stdout)
        found = {f["instance"].split("@")[1] for f in result["findings"] if f["rule"] == "跨年-上年报表"}
        assert found == kinds, (previous.name, found)
        assert all(f["severity"] == "warning" for f in result["findings"] if f["rule"] == "跨年-上年报表")


# ------------------------------------------------------------------------------------------ items 2–5, 10


def test_a_careless_folder_gives_a_summary_with_no_agency_twice_that_libreoffice_opens(corpus, tmp_path,
                                                                                        libreoffice):
    cases = corpus["careless"]
    folder = cases[0].path.parent
    output = tmp_path / "汇总.xlsx"
    run = xxgk_here("consolidate", folder, "-o", output)
    no_trace(run)
    assert run.code == 2 and "自检未通过" not in run.stdout  # the links and the FIFO cannot be read
    from xxgk.identity import name_key

    detail = sheet_rows(output, "分单位明细")
    names = [name_key(row[0]) for row in detail[1:]]
    assert len(names) == len(set(names)), "an agency included twice"
    included = [c for c in cases if c.status in (Status.PASSED, Status.WARNINGS, Status.ERRORS)]
    assert len(detail) - 1 == len(included)
    statuses = {row[1]: row[5] for row in sheet_rows(output, "报送情况")[1:]}
    assert statuses["汇总过的0.xlsx"] == Status.PASSED  # not replaced by the newer summary named like it
    assert {statuses[c.path.name] for c in cases if c.variant == "own_summary"} == {Status.SUMMARY_LEFT_OUT}
    findings = sheet_rows(output, "问题清单")
    shared = {row[1] for row in findings if row[3] == "单位-信用代码重复"}
    assert shared == {c.path.name for c in cases if c.variant == "shared_code"}
    computed = libreoffice.sheet_texts([output], tmp_path / "lo")[0]  # CSV of every sheet: half a recalc's cost
    assert len(computed["报送情况"]) == len(sheet_rows(output, "报送情况"))


@pytest.fixture(scope="module")
def four_and_their_summary(tmp_path_factory):
    """Four agencies' workbooks (one unnamed) and the summary of all four, with its values: the same for every
    case of the test below, so made once (each case copies the files it lays out; these stay as made)."""
    from xxgk.consolidate import consolidate
    from xxgk.readers import read_workbook

    made = tmp_path_factory.mktemp("four")
    books = {who: workbook(made, f"{who}.xlsx", "" if who == "无名" else f"{who}局", seed, **{"cover.credit_code": ""})
             for seed, who in enumerate(("甲", "乙", "丙", "无名"))}
    whole = consolidate(list(books.values()), made / "whole.xlsx")
    return books, whole.output, read_workbook(whole.output).values


@pytest.mark.parametrize("present", [("甲", "乙"), ("甲", "无名"), ("甲", "乙", "丙", "无名"), ()],
                         ids=["two named", "one and the unnamed", "all", "none"])
def test_a_summary_left_among_its_agencies_counts_each_of_them_once(tmp_path, present, four_and_their_summary):
    """However many of its agencies' own workbooks lie beside an earlier summary, the totals are those of
    the four agencies: the summary stands for the missing ones only, an unnamed row never twice."""
    from xxgk.consolidate import consolidate
    from xxgk.readers import read_workbook

    books, whole, whole_values = four_and_their_summary
    folder = tmp_path / "报送"
    folder.mkdir()
    shutil.copy(whole, folder / "上次的汇总.xlsx")
    for who in present:
        shutil.copy(books[who], folder / books[who].name)
    again = consolidate([folder], tmp_path / "again.xlsx")
    values = read_workbook(again.output).values
    assert values == whole_values | {key: values[key] for key in ("cover.agency", "cover.date")}
    assert len([e for e in again.entries if e.included]) == 4


# ------------------------------------------------------------------------------------------ the mechanisms


def test_every_kind_of_non_file_is_told_apart_without_opening_it(tmp_path):
    from xxgk.inputs import input_kind

    (tmp_path / "a.xlsx").write_bytes(b"x")
    (tmp_path / "loop").symlink_to("loop")
    (tmp_path / "broken").symlink_to("nowhere")
    kinds = {"a.xlsx": None, "missing": "missing", "loop": "link_loop", "broken": "broken_link", ".": "directory"}
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo")
        kinds["fifo"] = "not_regular"
    assert {name: input_kind(tmp_path / name) for name in kinds} == kinds
    if Path("/dev/zero").exists():
        assert input_kind("/dev/zero") == "not_regular"


def test_a_package_that_would_not_parse_never_replaces_its_target(tmp_path):
    """The self-check reads every XML part of the file as written, before it replaces the target."""
    import zipfile

    from xxgk.errors import WriteError
    from xxgk.formats import get_format
    from xxgk.readers.package import package_problem
    from xxgk.template import build_workbook

    target = tmp_path / "汇总.xlsx"
    target.write_bytes(b"the previous summary")

    def broken_part(data: bytes, path: Path) -> None:  # a writer that lets a control character through
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/worksheets/sheet1.xml", '<worksheet><c t="inlineStr"><is><t>\x01</t></is></c></worksheet>')

    with pytest.raises(WriteError, match="自检未通过.*sheet1.xml"):
        build_workbook(target, get_format("2021"), write=broken_part)
    assert target.read_bytes() == b"the previous summary" and sorted(p.name for p in tmp_path.iterdir()) == ["汇总.xlsx"]
    made = tmp_path / "good.xlsx"
    build_workbook(made, get_format("2021"), values={"cover.agency": "控制\x01符\ufffe局"})
    assert package_problem(made) is None


def test_text_is_made_fit_for_xml_one_way():
    from xxgk.xmltext import REPLACEMENT, cell_safe, xml_safe

    assert xml_safe("a\x01b\x1b\ufffe\ud800c\t\n") == f"a{REPLACEMENT}b{REPLACEMENT * 3}c\t\n"
    assert cell_safe("a\x01\ufffe") == f"a\x01{REPLACEMENT}"  # the cell writer escapes \x01 as _x0001_ itself
