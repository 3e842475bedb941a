"""Issue 17, item 12: hostile rules files are refused by ``rules check`` with file:line, and validate
and consolidate never get a rule set that check would refuse (one loader: ``load_rules``)."""
from __future__ import annotations

import inspect

import pytest

from faults import hostilerules
from faults.run import CHINESE, xxgk
from xxgk.rules import RulesError, load_rules

SAFETY_TIMEOUT = 120  # a hang would be a failure; no run comes near it


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    return hostilerules.generate(tmp_path_factory.mktemp("hostile-rules"))


def where(case) -> str:
    return f"{case.path}:{case.line}:" if case.line else str(case.path)


def test_every_hostile_rules_file_is_refused_at_its_line(cases):
    assert len(cases) >= 20
    wrong = []
    for case in cases:
        with pytest.raises(RulesError) as refused:
            load_rules(case.path)
        text = "\n".join(refused.value.problems)
        if not refused.value.problems[0].startswith(where(case)) or not all(w in text for w in case.words):
            wrong.append(f"{case.variant}: {text[:300]}")
        if not CHINESE.search(text):
            wrong.append(f"{case.variant}: not in Chinese: {text[:200]}")
    assert not wrong, "\n".join(wrong)


def test_rules_check_validate_and_consolidate_refuse_them_alike(cases, tmp_path):
    """Through the command line (in this process; a FIFO in a subprocess, with a timeout as safety net)."""
    from click.testing import CliRunner

    from faults.base import good_bytes
    from xxgk.cli import main

    workbook = tmp_path / "a.xlsx"
    workbook.write_bytes(good_bytes("2021"))
    separate = {"mix_stderr": False} if "mix_stderr" in inspect.signature(CliRunner).parameters else {}  # click < 8.2
    runner = CliRunner(**separate)
    for variant in ("alias_bomb_lists", "for_each_product", "placeholder_2", "condition_加号链", "yaml_nesting"):
        case = next(c for c in cases if c.variant == variant)
        for command in (["rules", "check", str(case.path)], ["validate", str(workbook), "--rules", str(case.path)],
                        ["consolidate", str(workbook), "-o", str(tmp_path / "s.xlsx"), "--rules", str(case.path)]):
            run = runner.invoke(main, command)
            assert run.exit_code == 2 and run.exception is None or isinstance(run.exception, SystemExit), command
            assert where(case) in run.stderr, (command, run.stderr)
    assert not (tmp_path / "s.xlsx").exists()
    fifo = next((c for c in cases if c.variant == "fifo"), None)
    if fifo is not None:
        run = xxgk("validate", workbook, "--rules", fifo.path, timeout=SAFETY_TIMEOUT)
        assert run.code == 2 and "不是普通文件" in run.stderr and "Traceback" not in run.text


def test_a_rule_at_the_limits_is_judged_by_both_paths_alike(tmp_path):
    """What check accepts, validate can run: the deepest condition allowed goes through the fast
    path's generated code and the engine with the same result."""
    from faults.base import good_bytes
    from xxgk.readers import read_workbook
    from xxgk.rules.fastpath import validate_fast

    deep = " + ".join(["t3.new.natural"] * 39) + " >= 0"
    rules = tmp_path / "r.yaml"
    rules.write_text(f"rules:\n  - id: 深\n    severity: error\n    assert: {deep}\n    message: 和为 {{lhs}}\n",
                     encoding="utf-8")
    ruleset = load_rules(rules)
    workbook = tmp_path / "a.xlsx"
    workbook.write_bytes(good_bytes("2021"))
    form = read_workbook(workbook)
    form.values["t3.new.natural"] = -1
    slow, fast = ruleset.validate(form), validate_fast(ruleset, form)
    assert [f.message for f in slow.findings] == [f.message for f in fast.findings] == ["和为 -39"]
