"""Open workbooks in LibreOffice over UNO, list their VBA modules, run a macro.

Run by tests/test_vba_libreoffice.py with a Python that has the ``uno``
module (Debian: python3-uno, i.e. /usr/bin/python3), not with the test's own
Python. One soffice process serves every file; nothing is ever saved.

    python3 vba_uno_probe.py PROFILE_DIR MACRO SHEET FILE... > result.json

For each file prints: the Basic libraries, the modules of VBAProject with
their source as LibreOffice imported it, whether VBA mode is on, and cells A1
and B1 of SHEET after running MACRO (a vnd.sun.star.script name) with SHEET as
its one argument, or the error it raised.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from lo_server import props, start_office, stop_office  # beside this script, as the conversions start it

ALWAYS_EXECUTE_NO_WARN = 4


def probe(desktop, path: Path, macro: str, sheet: str) -> dict:
    url = path.resolve().as_uri()
    doc = desktop.loadComponentFromURL(url, "_blank", 0, props(
        Hidden=True, MacroExecutionMode=ALWAYS_EXECUTE_NO_WARN))
    if doc is None:
        return {"file": str(path), "error": "LibreOffice could not open the file"}
    try:
        libraries = doc.BasicLibraries
        result = {"file": str(path), "libraries": list(libraries.getElementNames()),
                  "vba_mode": bool(libraries.VBACompatibilityMode)}
        if libraries.hasByName("VBAProject"):
            libraries.loadLibrary("VBAProject")
            library = libraries.getByName("VBAProject")
            result["modules"] = {name: library.getByName(name) for name in library.getElementNames()}
        try:
            script = doc.getScriptProvider().getScript(macro)
            script.invoke((sheet,), (), ())
            cells = doc.Sheets.getByName(sheet)
            result["cells"] = [cells.getCellRangeByName(ref).getString() for ref in ("A1", "B1")]
        except Exception as err:  # report, don't crash: the test shows the reason
            result["macro_error"] = f"{type(err).__name__}: {getattr(err, 'Message', err)}"
        return result
    finally:
        doc.close(True)


def main(argv: list[str]) -> int:
    profile, macro, sheet, *files = argv
    process, desktop = start_office("soffice", Path(profile).resolve().as_uri())
    try:
        results = [probe(desktop, Path(f), macro, sheet) for f in files]
    finally:
        stop_office(process, desktop)
    json.dump(results, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
