"""scripts/offline_wheels.py without the registry: Windows markers evaluated for the target, the
folder's 安装.bat as cmd.exe on Chinese Windows reads it. (The real download is run by hand: README.)"""
from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "offline_wheels.py"


@pytest.fixture(scope="module")
def offline():
    spec = importlib.util.spec_from_file_location("offline_wheels", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def wheel(folder: Path, filename: str, requires: list[str], requires_python: str = "") -> Path:
    name, version = filename.split("-")[:2]
    path = folder / filename
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Python: {requires_python}"] if requires_python else []
    lines += [f"Requires-Dist: {r}" for r in requires]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{name}-{version}.dist-info/METADATA", "\n".join(lines) + "\n")
    return path


def test_windows_and_version_markers_are_evaluated_for_the_target(offline, tmp_path):
    wheel(tmp_path, "xxgk-0.1.0-py3-none-any.whl", ["xlwings>=0.30", "olefile"])
    wheel(tmp_path, "xlwings-0.37.8-cp311-cp311-win_amd64.whl", [
        'pywin32>=224; platform_system == "Windows"', 'appscript; platform_system == "Darwin"',
        'typing-extensions; python_version < "3.11"', 'pytest; extra == "test"'])
    wheel(tmp_path, "xlwings-0.37.0-cp310-cp310-win_amd64.whl", ['typing-extensions; python_version < "3.11"'])
    wheel(tmp_path, "olefile-0.47-py2.py3-none-any.whl", [], requires_python=">=3.11")  # too new for 3.10
    wheel(tmp_path, "pywin32-312-cp311-cp311-manylinux_2_28_x86_64.whl", [])  # not for Windows
    assert sorted(str(r) for r in offline.unmet(tmp_path, "3.11")) == ['pywin32>=224; platform_system == "Windows"']
    assert sorted(str(r) for r in offline.unmet(tmp_path, "3.10")) == [
        "olefile", 'typing-extensions; python_version < "3.11"']


def test_foreign_wheels_are_reported(offline, tmp_path, monkeypatch):
    wheel(tmp_path, "xxgk-0.1.0-py3-none-any.whl", [])
    wheel(tmp_path, "xlwings-0.37.8-cp311-cp311-win_amd64.whl", [])
    wheel(tmp_path, "lxml-6.2.0-cp311-cp311-manylinux_2_28_x86_64.whl", [])
    monkeypatch.setattr(offline, "pip", lambda *args, capture=False: type("Run", (), {
        "returncode": 0, "stdout": "Would install xlwings-0.37.8 xxgk-0.1.0", "stderr": ""})())
    assert offline.check(tmp_path, "3.11") == ["lxml-6.2.0-cp311-cp311-manylinux_2_28_x86_64.whl：不是 win_amd64 或纯 Python 的 wheel"]


def test_install_bat_is_gbk_with_crlf_and_ascii_until_chcp(offline, tmp_path):
    offline.write_text_files(tmp_path)
    raw = (tmp_path / "安装.bat").read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    text = raw.decode("gbk")
    head, _, rest = text.partition("chcp 936 >nul\r\n")
    assert head.isascii() and rest and not rest.isascii()
    assert '--no-index --find-links "%~dp0wheels"' in rest and "-m xxgk excel-setup" in rest
    assert text.count("(") == text.count(")")  # every block closed; messages use full-width （）
    assert (tmp_path / "说明.txt").read_bytes().decode("gbk").startswith("xxgk 离线安装包")
