"""One soffice process that converts spreadsheets on request, for tests/libreoffice.py.

Run with a Python that has the ``uno`` module (Debian: python3-uno, i.e. /usr/bin/python3), not with the
test's own Python:

    python3 lo_server.py SOFFICE PROFILE_URI

It starts ``soffice --headless --accept=...`` with that profile, then reads one JSON request a line on
stdin — {"files": [...], "filter": ..., "options": ..., "outdir": ..., "extension": ..., "infilter": ...} —
and for each file does what ``soffice [--infilter=INFILTER] --convert-to EXTENSION:FILTER:OPTIONS`` does:
load it hidden (formulas recalculated on load, as the profile says), store it as OUTDIR/<stem>.EXTENSION
with the filter, close it. It answers one JSON line: {"errors": [...]} (a file that could not be converted,
and why), or {"dead": reason} when LibreOffice is gone (the caller then converts with soffice
--convert-to). An empty line or end of input ends LibreOffice and this script. Starting soffice costs
~1 s of CPU; a test process starts it once.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno  # noqa: F401 - sets up the pyuno bridge
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import DisposedException

SPREADSHEET = "com.sun.star.sheet.SpreadsheetDocument"


def props(**values):
    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        out.append(prop)
    return tuple(out)


def start_office(soffice: str, profile_uri: str):
    pipe = f"xxgk_lo_{uuid.uuid4().hex}"
    process = subprocess.Popen([
        soffice, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
        f"-env:UserInstallation={profile_uri}", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
    ], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 60
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.05)
    return process, context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)


def convert(desktop, request: dict) -> list[str]:
    errors = []
    outdir = Path(request["outdir"])
    store = {"FilterName": request["filter"]}
    if request.get("options"):
        store["FilterOptions"] = request["options"]
    for name in request["files"]:
        source = Path(name)
        load = {"Hidden": True, **({"FilterName": request["infilter"]} if request.get("infilter") else {})}
        doc = desktop.loadComponentFromURL(source.as_uri(), "_blank", 0, props(**load))
        if doc is None:
            errors.append(f"{source}: LibreOffice could not load it")
            continue
        try:
            if not doc.supportsService(SPREADSHEET):
                errors.append(f"{source}: not opened as a spreadsheet")
                continue
            doc.storeToURL((outdir / f"{source.stem}.{request['extension']}").as_uri(), props(**store))
        except DisposedException:
            raise
        except Exception as err:  # a file LibreOffice cannot convert: the caller names it
            errors.append(f"{source}: {type(err).__name__}: {getattr(err, 'Message', err)}")
        finally:
            try:
                doc.close(True)
            except DisposedException:
                raise
            except Exception:
                pass
    return errors


def main(argv: list[str]) -> int:
    soffice, profile_uri = argv
    process, desktop = start_office(soffice, profile_uri)
    try:
        for line in sys.stdin:
            if not line.strip():
                break
            try:
                answer = {"errors": convert(desktop, json.loads(line))}
            except Exception as err:  # the office died or the bridge broke: the caller falls back
                answer = {"dead": f"{type(err).__name__}: {getattr(err, 'Message', err)}"}
            print(json.dumps(answer, ensure_ascii=False), flush=True)
            if "dead" in answer:
                break
    finally:
        stop_office(process, desktop)
    return 0


def stop_office(process, desktop) -> None:
    """Ask LibreOffice to quit; kill it when it has not gone within 30 s."""
    try:
        desktop.terminate()
    except Exception:
        pass
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
