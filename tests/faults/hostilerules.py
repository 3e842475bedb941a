"""Hostile rules files for ``--rules`` (issue 17, item 12), each a variant of one class:
YAML alias bombs, enormous for_each expansions, message placeholders that would reach
``str.format`` (attribute, index, positional, width, conversion, stray braces), deep nesting
and long ``+`` chains in a condition, YAML nested too deep, and files that are no rules file
at all (too large, binary, not UTF-8; a FIFO where the system has them).

Every case starts from the project's own rules.yaml or a one-rule file, so the only thing
wrong is the hostile part; ``line`` is where ``rules check`` must point (0: the file as a whole).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from xxgk.rules import default_rules_path

GOOD_CONDITION = "t3.new.natural >= 0"


@dataclass(frozen=True)
class RulesCase:
    path: Path
    variant: str
    line: int  # the line the complaint must name; 0 when only the file can be named
    words: tuple[str, ...] = ()  # what the complaint must say


def _one_rule(folder: Path, name: str, **fields) -> Path:
    rule = {"id": "x", "severity": "error", "assert": GOOD_CONDITION, "message": "m", **fields}
    path = folder / name
    path.write_text(yaml.safe_dump({"rules": [rule]}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _line_of(path: Path, field: str) -> int:
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text.lstrip(" -").startswith(f"{field}:"):
            return number
    raise AssertionError(f"{field} not in {path}")


def alias_bombs(folder: Path) -> list[RulesCase]:
    laughs = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 8))
    nested = folder / "别名炸弹.yaml"
    nested.write_text('l0: &l0 ["lol"]\n' + laughs + "rules:\n  - id: x\n    severity: error\n"
                      "    for_each: {c: *l7}\n    assert: t3.new.natural >= 0\n    message: m\n", encoding="utf-8")
    merged = folder / "别名炸弹_映射.yaml"
    maps = "".join(f"m{i}: &m{i} {{{', '.join(f'k{j}: *m{i - 1}' for j in range(10))}}}\n" for i in range(1, 7))
    merged.write_text("m0: &m0 {a: 1}\n" + maps + "rules:\n  - id: x\n    severity: error\n    params: *m6\n"
                      "    assert: t3.new.natural >= 0\n    message: m\n", encoding="utf-8")
    return [RulesCase(nested, "alias_bomb_lists", 6, ("别名",)), RulesCase(merged, "alias_bomb_mappings", 6, ("别名",))]


def expansions(folder: Path) -> list[RulesCase]:
    product = _one_rule(folder, "展开_乘积.yaml", for_each={n: list(range(60)) for n in "abc"})
    single = _one_rule(folder, "展开_长列表.yaml", for_each={"a": list(range(20000))})
    return [RulesCase(product, "for_each_product", _line_of(product, "for_each"), ("上限",)),
            RulesCase(single, "for_each_long_list", _line_of(single, "for_each"), ("上限",))]


def placeholders(folder: Path) -> list[RulesCase]:
    cases = []
    for i, message in enumerate(("{0}", "{value.__class__.__mro__}", "{value:>999999999}", "{value!r}",
                                 "{lhs[0]}", "{{value}}", "差额 } 元", "{value", "{}")):
        path = _one_rule(folder, f"占位符_{i}.yaml", message=message)
        cases.append(RulesCase(path, f"placeholder_{i}", _line_of(path, "message"), ("占位符",)))
    return cases


def conditions(folder: Path) -> list[RulesCase]:
    cases = []
    for name, condition in (("括号", "(" * 45 + "t3.new.natural" + ")" * 45 + " >= 0"),
                            ("not", "not " * 45 + "t3.new.natural >= 0"),
                            ("负号", "- " * 45 + "t3.new.natural >= 0"),
                            ("加号链", " + ".join(["t3.new.natural"] * 60) + " >= 0"),
                            ("函数嵌套", "abs(" * 45 + "t3.new.natural" + ")" * 45 + " >= 0"),
                            ("极长", " + ".join(["t3.new.natural"] * 300) + " >= 0")):
        path = _one_rule(folder, f"条件_{name}.yaml", **{"assert": condition})
        cases.append(RulesCase(path, f"condition_{name}", _line_of(path, "assert")))
    return cases


def not_rules(folder: Path) -> list[RulesCase]:
    deep = folder / "YAML嵌套.yaml"
    deep.write_text("rules: " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    huge = folder / "过大.yaml"
    huge.write_text("rules:\n" + "# " + "x" * (2 * 1024 * 1024) + "\n", encoding="utf-8")
    binary = folder / "二进制.yaml"
    binary.write_bytes(bytes(range(256)) * 64)
    gbk = folder / "GBK编码.yaml"
    gbk.write_bytes("rules:\n  - id: 中文\n".encode("gbk"))
    cases = [RulesCase(deep, "yaml_nesting", 1, ("嵌套",)), RulesCase(huge, "too_large", 0, ("过大",)),
             RulesCase(binary, "binary", 0), RulesCase(gbk, "not_utf8", 0, ("UTF-8",))]
    if hasattr(os, "mkfifo"):
        fifo = folder / "管道.yaml"
        os.mkfifo(fifo)
        cases.append(RulesCase(fifo, "fifo", 0, ("不是普通文件",)))
    return cases


def generate(folder: Path) -> list[RulesCase]:
    folder.mkdir(parents=True, exist_ok=True)
    assert default_rules_path().is_file()
    return alias_bombs(folder) + expansions(folder) + placeholders(folder) + conditions(folder) + not_rules(folder)
