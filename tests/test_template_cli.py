"""`xxgk template`: builds both formats; bad format or path -> Chinese message, non-zero exit, no traceback."""
from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner

from faults.run import xxgk_here
from xxgk.cli import main

from template_support import load


def _run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    """The real console entry point, in a fresh interpreter, as a person would run it."""
    return subprocess.run([sys.executable, "-c", "from xxgk.cli import main; main()", "template", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def _here(*args: str) -> subprocess.CompletedProcess:
    """`xxgk template` in this process (faults.run.xxgk_here: an exception that escapes the command lands in
    stderr as the traceback a user would see), for the refused output paths: which path is refused and how
    does not depend on the process (the entry point's own refusal is test_unknown_format's), and an
    interpreter costs ~0.35 s of CPU."""
    run = xxgk_here("template", *args)
    return subprocess.CompletedProcess(run.args, run.code, run.stdout, run.stderr)


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_builds_each_format(tmp_path, format_id):
    output = tmp_path / f"t{format_id}.xlsx"
    result = CliRunner().invoke(main, ["template", "--format", format_id, "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert str(output) in result.output and "已生成" in result.output
    workbook = load(output)
    ((sheet, ref),) = workbook.defined_names["xxgk_format"].destinations
    assert workbook[sheet][ref.replace("$", "")].value == int(format_id)  # a number: see _write_marker


def test_default_output_name(tmp_path):
    result = _run(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert zipfile.is_zipfile(tmp_path / "workbook_template.xlsx")


def _assert_chinese_failure(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("错误："), result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def test_unknown_format(tmp_path):
    result = _run("--format", "2020", "-o", str(tmp_path / "t.xlsx"))
    _assert_chinese_failure(result, "2020", "2021", "2019")
    assert not list(tmp_path.iterdir())


def test_missing_folder(tmp_path):
    target = tmp_path / "no" / "such" / "t.xlsx"
    _assert_chinese_failure(_here("-o", str(target)), str(target), "不存在")


def test_folder_in_the_way(tmp_path):
    target = tmp_path / "t.xlsx"
    target.mkdir()
    _assert_chinese_failure(_here("-o", str(target)), "文件夹")
    assert target.is_dir() and not list(target.iterdir())
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]


def test_path_under_a_file(tmp_path):
    (tmp_path / "plain").write_text("keep me")
    _assert_chinese_failure(_here("-o", str(tmp_path / "plain" / "t.xlsx")), "plain")
    assert (tmp_path / "plain").read_text() == "keep me"


def test_wrong_extension(tmp_path):
    _assert_chinese_failure(_here("-o", str(tmp_path / "t.xls")), ".xlsx")
    assert not list(tmp_path.iterdir())
