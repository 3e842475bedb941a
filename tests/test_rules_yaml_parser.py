"""rules.yaml is read by libyaml where PyYAML has it, by the pure-Python parser where not: the same specs,
the same line numbers, the same refusals."""
from __future__ import annotations

import pytest

from xxgk.rules import load
from xxgk.rules.load import PythonLineLoader, RulesError, read_specs


def both_parsers(monkeypatch, read):
    """``read()`` with the loader this PyYAML offers, then with the pure-Python one."""
    fast = read()
    monkeypatch.setattr(load, "LineLoader", PythonLineLoader)
    return fast, read()


def test_both_parsers_read_the_same_specs(monkeypatch):
    fast, pure = both_parsers(monkeypatch, read_specs)
    assert len(fast) >= 20 and fast == pure


@pytest.mark.parametrize("text, line", [("rules:\n  - id: x\n    severity: [error\n", 4),
                                        ("rules:\n  - id: x\n    b:\n" + "".join("  " * (i + 3) + "- \n" for i in range(25)), 21),
                                        ("rules: " + "[" * 100_000 + "]" * 100_000 + "\n", 1)])
def test_both_parsers_refuse_at_the_same_line(tmp_path, monkeypatch, text, line):
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")

    def refusal() -> str:
        with pytest.raises(RulesError) as raised:
            read_specs(path)
        return str(raised.value)

    fast, pure = both_parsers(monkeypatch, refusal)
    assert f"{path}:{line}:" in fast and f"{path}:{line}:" in pure
