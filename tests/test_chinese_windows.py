"""Chinese Windows realities: a GBK console, names in GBK bytes from a zip, outputs open in Excel,
paths with spaces, Chinese characters and long names."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote_to_bytes

import openpyxl
import pytest
from click.testing import CliRunner

from consolidate_support import build, sheet_rows
from xxgk.cli import main
from xxgk.fileio import NAME_MAX
from xxgk.pathtext import readable

OUTSIDE_GBK = "示例区😀𠀀局"  # an emoji and a CJK Ext-B character: GBK has neither
GBK_NAME = "示例区财政局年报.xlsx"  # its GBK bytes happen to start with a valid UTF-8 pair (CA BE)


def gbk_named(path: Path, name: str) -> Path:
    """Rename ``path`` to ``name`` in GBK bytes, as unzipping a Chinese Windows zip on Linux leaves it."""
    raw = os.path.join(os.fsencode(path.parent), name.encode("gbk"))
    try:
        os.rename(path, raw)
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    return Path(os.fsdecode(raw))


def submissions(folder: Path) -> Path:
    folder.mkdir()
    build(folder / "a.xlsx", OUTSIDE_GBK, seed=1)
    build(folder / "b 有空格 😀.xlsx", "示例区教育局", seed=2)
    gbk_named(build(folder / "c.xlsx", "示例区财政局", seed=3), GBK_NAME)
    return folder


def test_readable_decodes_name_parts_gbk_first():
    folder = "报送/2025"
    name = os.fsdecode("丂表.xlsx".encode("gbk"))  # 丂 is 81 40: its second byte is ASCII '@'
    assert readable(f"{folder}/{name}") == "报送/2025/丂表.xlsx"
    assert readable("报送/已是 UTF-8.xlsx") == "报送/已是 UTF-8.xlsx"


@pytest.mark.parametrize("command", ["validate", "consolidate"])
def test_gbk_console_never_crashes(tmp_path, command):
    folder = submissions(tmp_path / "报送")
    args = [*sorted(map(str, folder.iterdir()))] if command == "validate" else [str(folder), "-o",
                                                                                str(tmp_path / "汇总.xlsx")]
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    run = subprocess.run([sys.executable, "-m", "xxgk", command, *args], capture_output=True, env=env)
    stdout, stderr = run.stdout.decode("gbk"), run.stderr.decode("gbk")
    assert run.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert GBK_NAME in stdout or command == "consolidate"  # consolidate lists only files needing a look
    if command == "validate":
        assert "示例区??局" in stdout  # what GBK cannot show becomes ?, the rest is shown
    else:
        assert "纳入 3" in stdout


def test_gbk_named_file_is_consolidated_listed_and_linked(tmp_path):
    folder = submissions(tmp_path / "报送")
    out = tmp_path / "汇总.xlsx"
    result = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = {row[1].value: row for row in openpyxl.load_workbook(out)["报送情况"].iter_rows(min_row=2)}
    assert set(rows) == {"a.xlsx", "b 有空格 😀.xlsx", GBK_NAME}
    assert rows["a.xlsx"][2].value == OUTSIDE_GBK
    link = rows[GBK_NAME][1].hyperlink.target.replace("\\", "/")
    assert unquote_to_bytes(link) == "报送/".encode() + GBK_NAME.encode("gbk")  # the very bytes on disk


def test_gbk_named_file_validate_mark(tmp_path):
    path = gbk_named(build(tmp_path / "c.xlsx", "示例区财政局", seed=3), GBK_NAME)
    result = CliRunner().invoke(main, ["validate", "--mark", str(path)])
    assert result.exit_code == 0, result.output
    marked = tmp_path / "示例区财政局年报_校验标记.xlsx"  # named in readable text
    assert f"已另存标记副本：{marked}" in result.output
    assert sheet_rows(marked, "校验报告")[0][0] == f"校验报告：{tmp_path / GBK_NAME}"


def test_gbk_named_report_audit_mark(tmp_path, shared_dir):
    folder = tmp_path / "年报"
    folder.mkdir()
    text = next((shared_dir / "reports").glob("*.txt"))
    (folder / "a.txt").write_bytes(text.read_bytes())
    gbk_named(folder / "a.txt", "鼓楼街道.txt")
    result = CliRunner().invoke(main, ["audit", str(folder), "--mark", "-o", str(tmp_path / "out")])
    assert result.exit_code in (0, 1), result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["鼓楼街道.xlsx", "鼓楼街道_校验标记.xlsx"]
    assert str(folder / "鼓楼街道.txt") in result.output


def refuse_replacing(monkeypatch, name: str) -> None:
    """os.replace as Windows does it while Excel holds ``name`` open."""
    replace = os.replace

    def locked(src, dst, *args, **kwargs):
        if Path(dst).name == name:
            raise PermissionError(13, "另一个程序正在使用此文件，进程无法访问。", str(dst))
        return replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", locked)


def test_summary_open_in_excel(tmp_path, monkeypatch):
    folder = submissions(tmp_path / "报送")
    out = tmp_path / "汇总.xlsx"
    assert CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(out)]).exit_code in (0, 1)
    earlier = out.read_bytes()  # the summary of the last run, now open in Excel
    refuse_replacing(monkeypatch, out.name)
    result = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(out)])
    assert result.exit_code == 2
    assert "请先在 Excel 中关闭 汇总.xlsx" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert out.read_bytes() == earlier
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报送", "汇总.xlsx"]  # no temporary file left


def test_marked_copy_open_in_excel_others_still_written(tmp_path, monkeypatch):
    first, second = build(tmp_path / "甲.xlsx", "示例区甲局", seed=1), build(tmp_path / "乙.xlsx", "示例区乙局", seed=2)
    (tmp_path / "甲_校验标记.xlsx").write_bytes(b"open in Excel")
    refuse_replacing(monkeypatch, "甲_校验标记.xlsx")
    result = CliRunner().invoke(main, ["validate", "--mark", str(first), str(second)])
    assert result.exit_code == 2
    assert "请先在 Excel 中关闭 甲_校验标记.xlsx" in result.output
    assert (tmp_path / "甲_校验标记.xlsx").read_bytes() == b"open in Excel"
    assert sheet_rows(tmp_path / "乙_校验标记.xlsx", "校验报告")[0][0].startswith("校验报告：")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_long_chinese_names_with_spaces(tmp_path):
    folder = tmp_path / "报送 材料 2025"
    folder.mkdir()
    long_stem = "示例区" + "某某" * 38 + " 局"  # 241 bytes: the file's name is 246 of the 255 allowed
    source = build(folder / f"{long_stem}.xlsx", "示例区长名局", seed=4)
    out = tmp_path / "汇总 结果" / f"{long_stem}.xlsx"  # its temporary name would be 261 bytes uncut
    out.parent.mkdir()
    result = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sheet_rows(out, "报送情况")[1][1] == source.name
    result = CliRunner().invoke(main, ["validate", "--mark", str(source)])
    assert result.exit_code == 0, result.output
    (marked,) = [p for p in folder.iterdir() if p != source]
    assert marked.name.endswith("_校验标记.xlsx") and marked.name.startswith("示例区某某")
    assert len(marked.name.encode()) <= NAME_MAX
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
