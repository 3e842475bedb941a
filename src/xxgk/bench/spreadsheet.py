"""Bench workbooks saved by a spreadsheet application, as agencies' files really are.

A clerk types into the template in Excel or WPS and saves: every formula then
carries a cached value, the 校验结果 sheet's messages with the agency's own
figures among them. LibreOffice headless, told to recalculate on load, saves the
same way. Without it the corpus keeps the template's own files, and says so.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

TIMEOUT = 600
# 0 = always recalculate on load, for OOXML and ODF files alike.
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def available() -> bool:
    return shutil.which("soffice") is not None


def resave(files: Sequence[Path]) -> None:
    """Recalculate and save each xlsx in place, with one LibreOffice call for all of them."""
    if not files:
        return
    with tempfile.TemporaryDirectory(prefix="xxgk-bench-lo-") as scratch:
        profile, outdir = Path(scratch, "profile"), Path(scratch, "out")
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")
        command = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo",
                   "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), *map(str, files)]
        env = {**os.environ, "HOME": scratch, "SAL_USE_VCLPLUGIN": "svp"}
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, env=env)
        saved = [outdir / Path(f).name for f in files]
        if done.returncode != 0 or not all(p.exists() for p in saved):
            raise RuntimeError(f"soffice 另存失败（退出码 {done.returncode}）：{done.stderr[-500:]}")
        for source, target in zip(saved, files):
            os.replace(source, target)
