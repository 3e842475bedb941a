#!/usr/bin/env bash
# The package as a clerk gets it: build the wheel, check that it carries rules.yaml and the VBA modules,
# install it into a fresh venv outside the repository (dependencies from the registry), and run the
# commands a new user runs from an empty folder. Run from anywhere; PYTHON picks the interpreter.
#
#   bash scripts/check_installed.sh            # uses python on PATH
#   PYTHON=/root/.pyenv/versions/3.10.13/bin/python bash scripts/check_installed.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python}"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/xxgk-installed.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

"$python" -m pip wheel -q --disable-pip-version-check --no-deps -w "$scratch/wheel" "$repo"
wheel=("$scratch"/wheel/xxgk-*.whl)

# the wheel holds the repository's rules.yaml and every macros/*.bas, byte for byte
"$python" - "${wheel[0]}" "$repo" <<'EOF'
import sys, zipfile
from pathlib import Path
wheel, repo = zipfile.ZipFile(sys.argv[1]), Path(sys.argv[2])
expected = {"xxgk/data/rules.yaml": repo / "rules.yaml"}
expected.update({f"xxgk/data/macros/{p.name}": p for p in sorted((repo / "macros").glob("*.bas"))})
for member, source in expected.items():
    assert wheel.read(member) == source.read_bytes(), f"{member} differs from {source}"
extra = sorted(n for n in wheel.namelist() if n.startswith("xxgk/data/") and n not in expected)
assert not extra, f"the wheel carries files no longer in the repository: {extra}"
print(f"wheel {Path(sys.argv[1]).name}: {len(expected)} data files, as in the repository")
EOF

"$python" -m venv "$scratch/venv"
venv_python="$scratch/venv/bin/python"
"$venv_python" -m pip install -q --disable-pip-version-check "${wheel[0]}"
xxgk="$scratch/venv/bin/xxgk"

# expect CODE COMMAND...: the exit code must be CODE and nothing may print a traceback
expect() {
    local want="$1"; shift
    local got=0
    "$@" >"$scratch/out" 2>"$scratch/err" || got=$?
    if [ "$got" != "$want" ] || grep -q "Traceback" "$scratch/err"; then
        echo "FAILED (exit $got, expected $want): $*" >&2
        cat "$scratch/out" "$scratch/err" >&2
        exit 1
    fi
    echo "ok (exit $got): ${*#"$scratch"/venv/bin/}"
}

mkdir "$scratch/empty"
cd "$scratch/empty"
expect 0 "$xxgk" template
expect 0 "$xxgk" template --macros
expect 0 "$xxgk" district-tool
expect 0 "$xxgk" rules check
expect 0 env USERPROFILE="$scratch/profile" "$xxgk" excel-setup
expect 0 "$xxgk" demo 示例
# the demo's submissions hold one damaged file (exit 2); a Chinese Windows console (GBK) must not matter
expect 2 env PYTHONIOENCODING=gbk "$xxgk" validate 示例/报送
expect 2 "$xxgk" consolidate 示例/报送 --roster 示例/名单.csv -o 汇总.xlsx
expect 1 "$xxgk" validate 汇总.xlsx --mark
test -s workbook_template.xlsx && test -s workbook_template.xlsm && test -s 区汇总工具.xlsm
test -s 汇总.xlsx && test -s 汇总_校验标记.xlsx
grep -q '^"INTERPRETER_WIN","' "$scratch/profile/.xlwings/xlwings.conf"
echo "installed package: all commands ran from an empty folder ($("$venv_python" --version))"
