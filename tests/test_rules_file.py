"""rules.yaml problems are reported with file and line; the real file passes; districts can adapt it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from faults.run import xxgk_here
from xxgk.rules import RulesError, load_rules
from xxgk.rules.expr import ExprError, parse

ROOT = Path(__file__).resolve().parents[1]
GOOD_RULE = """\
rules:
  - id: 四-合计
    severity: error
    for_each: {b: t4.rows}
    assert: t4.{b}.total == sum(t4.{b}.results)
    message: "{b}：{lhs} ≠ {rhs}"
"""


def run_check(path: Path) -> subprocess.CompletedProcess:
    """The real console entry point, in a fresh interpreter (for the shipped rules.yaml)."""
    return subprocess.run([sys.executable, "-m", "xxgk", "rules", "check", str(path)],
                          capture_output=True, text=True)


def check_here(path: Path) -> subprocess.CompletedProcess:
    """`xxgk rules check` in this process (faults.run.xxgk_here: an exception that escapes the command lands in
    stderr as the traceback a user would see): what it reports about a file does not depend on the process,
    and ten interpreters cost ~1.3 s of CPU."""
    run = xxgk_here("rules", "check", path)
    return subprocess.CompletedProcess(run.args, run.code, run.stdout, run.stderr)


def test_real_rules_file_passes():
    result = run_check(ROOT / "rules.yaml")
    assert result.returncode == 0, result.stderr
    assert "均有效" in result.stdout


BROKEN = {
    "syntax": ("rules:\n  - id: x\n    severity: [error\n", 4, "YAML 语法错误"),
    "unknown key": (GOOD_RULE.replace("t4.{b}.total ==", "t4.{b}.totl =="), 5, "没有列“totl”"),
    "unknown severity": (GOOD_RULE.replace("severity: error", "severity: fatal"), 2, "未知级别“fatal”"),
    "duplicate id": (GOOD_RULE + GOOD_RULE.split("\n", 1)[1], 7, "重复"),
    "unknown field": (GOOD_RULE.replace("    message:", "    mesage: x\n    message:"), 2, "未知字段 mesage"),
    "matches no cell": (GOOD_RULE.replace("for_each: {b: t4.rows}", "for_each: {b: []}"), 2, "没有匹配到任何单元格"),
    "bad expression": (GOOD_RULE.replace("== sum(", "== summ("), 5, "未知函数“summ”"),
    "unknown placeholder": (GOOD_RULE.replace("{lhs} ≠", "{lsh} ≠"), 6, "占位符“{lsh}”"),
    "family outside sum": (GOOD_RULE.replace("sum(t4.{b}.results)", "t4.{b}.results"), 5, "只能用在 sum() 中"),
    "bad selector": (GOOD_RULE.replace("{b: t4.rows}", "{b: t9.rows}"), 4, "没有表 t9"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_rules_file_is_reported_with_line(tmp_path, name):
    text, line, words = BROKEN[name]
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    result = check_here(path)
    assert result.returncode == 2
    assert f"{path}:{line}" in result.stderr, result.stderr
    assert words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_district_can_switch_off_and_change_severity(tmp_path):
    document = yaml.safe_load((ROOT / "rules.yaml").read_text(encoding="utf-8"))
    for rule in document["rules"]:
        if rule["id"] == "二-万元":
            rule["enabled"] = False
        if rule["id"] == "单位-信用代码":
            rule["severity"] = "error"
    path = tmp_path / "district.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    ruleset = load_rules(path)
    assert "二-万元" not in ruleset.ids
    assert next(s for s in ruleset.specs if s.id == "单位-信用代码").severity == "error"


@pytest.mark.parametrize("text", [
    "__import__('os')", "a ** b", "lambda: 1", "t3.new.natural; x", "a = 1", "open('x')",
])
def test_expressions_are_parsed_not_evaluated(text):
    with pytest.raises(ExprError):
        parse(text)


def test_load_rules_raises_with_every_problem(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(GOOD_RULE.replace("severity: error", "severity: bad").replace("sum(", "summ("), encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_rules(path)
    assert all(str(path) in p for p in info.value.problems)


def test_a_rules_file_is_compiled_once_and_an_edit_is_seen_at_once(tmp_path):
    path = tmp_path / "district.yaml"
    path.write_text(GOOD_RULE, encoding="utf-8")
    first = load_rules(path)
    assert load_rules(path) is first  # the same text: its compiled rules again, not compiled twice
    path.write_text(GOOD_RULE.replace("severity: error", "severity: warning"), encoding="utf-8")
    edited = load_rules(path)
    assert edited is not first and [s.severity for s in edited.specs] == ["warning"]
    path.write_text(GOOD_RULE.replace("sum(", "summ("), encoding="utf-8")
    for _ in range(2):  # a broken file is refused every time, never served from what was compiled before
        with pytest.raises(RulesError):
            load_rules(path)
