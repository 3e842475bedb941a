"""The source keeps its seams: no module reaches into another's private names or a library's internals,
and the speed layer is reached through ``xxgk.speed`` alone (so deleting it leaves a working tool)."""
from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "xxgk"
# Public despite the underscore (documented in the standard library).
DOCUMENTED = {"os._exit"}
# python-docx has no public call for these (tracked apart; not zipfile or XlsxWriter).
DOCX_DEBT = {("export/word.py", "table._cells"), ("export/word.py", "cell._tc"),
             ("export/word.py", "table.rows[index]._tr"), ("importer/docxsource.py", "table._tbl"),
             ("importer/docxsource.py", "import docx.table._Cell")}
# zipfile attributes that are not its documented interface (ZipFile.fp, .start_dir, … and ZipInfo.FileHeader).
ZIPFILE_INTERNALS = {"fp", "start_dir", "NameToInfo", "filelist", "FileHeader", "_didModify", "_writing"}
SPEED_LAYER = {"readers/fast.py", "readers/fastzip.py", "readers/fastplan.py", "readers/fastframe.py",
               "readers/fastsheet.py", "readers/faststrings.py", "readers/fastxml.py", "rules/fastpath.py",
               "parallel.py", "consolidate/assemble.py", "consolidate/detail_stream.py",
               "consolidate/status_stream.py", "consolidate/spool.py", "consolidate/gather.py",
               "consolidate/streamed.py", "consolidate/zipout.py", "fastpipeline.py"}


@functools.lru_cache(maxsize=1)
def modules() -> tuple[tuple[str, ast.AST], ...]:
    """Every source module, parsed once: (path under src/xxgk, tree)."""
    return tuple((path.relative_to(SOURCE).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
                 for path in sorted(SOURCE.rglob("*.py")))


def private_uses(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    yield f"import {'.' * node.level}{node.module or ''}.{alias.name}"
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                yield ast.unparse(node)


def imported_modules(name: str, tree: ast.AST):
    """Absolute module names ``tree`` (the module ``name``) imports, as xxgk.a.b."""
    package = ("xxgk/" + name).removesuffix(".py").split("/")
    package = package[:-1] if package[-1] != "__init__" else package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            yield module
            for alias in node.names:
                yield f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_no_module_uses_another_modules_private_names():
    found = [(name, use) for name, tree in modules() for use in private_uses(tree)
             if use not in DOCUMENTED and (name, use) not in DOCX_DEBT]
    assert found == []


def test_no_zipfile_or_xlsxwriter_internals():
    found = []
    for name, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ZIPFILE_INTERNALS:
                found.append((name, ast.unparse(node)))
    assert found == []


def test_the_speed_layer_listed_here_is_the_one_in_the_source():
    names = {name for name, _tree in modules()}
    assert SPEED_LAYER <= names
    assert {name for name in names if name.rsplit("/", 1)[-1].startswith("fast")} <= SPEED_LAYER


@functools.lru_cache(maxsize=1)
def outside_imports() -> dict[str, set[str]]:
    """What each module outside the speed layer, its seam and the bench (which measures it) imports."""
    return {name: set(imported_modules(name, tree)) for name, tree in modules()
            if name not in SPEED_LAYER and name != "speed.py" and not name.startswith("bench/")}


@pytest.mark.parametrize("layer_module", sorted(SPEED_LAYER))
def test_speed_layer_is_reached_only_through_its_seam(layer_module):
    target = "xxgk." + layer_module.removesuffix(".py").replace("/", ".")
    importers = [name for name, imported in outside_imports().items()
                 if any(m == target or m.startswith(target + ".") for m in imported)]
    assert importers == []
