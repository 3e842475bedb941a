"""xlwings.conf's interpreter line, as 安装.bat and `xxgk excel-setup` write it for the buttons."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from xxgk.cli import main
from xxgk.errors import XxgkError
from xxgk.excel.conf import button_interpreter, conf_path, conf_value, write_interpreter

PROFILE = "C:\\Users\\张三"


def test_a_python_inside_the_profile_is_written_relative_to_it():
    inside = PROFILE + "\\AppData\\Local\\Programs\\Python\\Python312\\pythonw.exe"
    assert conf_value(inside, PROFILE) == "%USERPROFILE%\\AppData\\Local\\Programs\\Python\\Python312\\pythonw.exe"
    assert conf_value("c:\\users\\张三\\py\\pythonw.exe", PROFILE) == "%USERPROFILE%\\py\\pythonw.exe"
    assert conf_value("C:\\Users\\张三丰\\pythonw.exe", PROFILE) == "C:\\Users\\张三丰\\pythonw.exe"  # not inside


def test_line_replaced_in_the_ansi_code_page_other_settings_kept(tmp_path):
    conf = conf_path(tmp_path)
    conf.parent.mkdir()
    other = '"CONDA PATH","D:\\软件\\conda"'.encode("gbk")  # written earlier by the xlwings ribbon, in GBK
    conf.write_bytes(other + b'\r\n"Interpreter_Win","C:\\old\\pythonw.exe"\r\ninterpreter_win,C:\\older\r\n')
    write_interpreter(conf, "D:\\软件\\Python312\\pythonw.exe", "gbk")
    assert conf.read_bytes() == other + b"\r\n" + '"INTERPRETER_WIN","D:\\软件\\Python312\\pythonw.exe"\r\n'.encode("gbk")
    assert [p.name for p in conf.parent.iterdir()] == ["xlwings.conf"]


def test_a_path_the_code_page_cannot_hold_is_refused_in_chinese(tmp_path):
    with pytest.raises(XxgkError, match="无法表示"):
        write_interpreter(conf_path(tmp_path), "D:\\😀\\pythonw.exe", "gbk")
    assert not conf_path(tmp_path).exists()


def test_pythonw_beside_python_is_preferred(tmp_path):
    python = tmp_path / "python.exe"
    python.touch()
    assert button_interpreter(str(python)) == python
    (tmp_path / "pythonw.exe").touch()
    assert button_interpreter(str(python)) == tmp_path / "pythonw.exe"


def test_command_writes_the_users_conf(tmp_path, monkeypatch):
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    result = CliRunner().invoke(main, ["excel-setup"])
    assert result.exit_code == 0, result.output
    text = conf_path(tmp_path).read_bytes()
    assert text.startswith(b'"INTERPRETER_WIN","') and text.endswith(b'"\r\n')
    assert str(conf_path(tmp_path)) in result.output and Path(text[19:-3].decode()).exists()
