"""Cells derived from the rule set's equalities (xxgk.rules.derive): only where the equations fix them."""
from __future__ import annotations

import random

import pytest

from xxgk.formats import get_format
from xxgk.rules import load_rules
from xxgk.rules.derive import derive, equations
from xxgk.samples import fill_totals, table_values

FMT = get_format("2021")
COLUMNS = FMT.group("t3", "columns")


@pytest.fixture(scope="module")
def rules():
    return load_rules()


@pytest.fixture
def values():
    return table_values(FMT, random.Random(11))


def test_the_equalities_of_rules_yaml_are_read_as_equations(rules):
    by_rule = {}
    for equation in equations(rules, "2021"):
        by_rule.setdefault(equation.rule_id, []).append(equation)
    assert {k: len(v) for k, v in by_rule.items()} == {"三-勾稽": 7, "三-合计列": 25, "三-总计行": 7, "四-合计": 3}
    [natural] = [e for e in by_rule["三-勾稽"] if "t3.new.natural" in e.terms]
    assert natural.terms == {"t3.new.natural": 1, "t3.carried.natural": 1, "t3.total.natural": -1,
                             "t3.carry_next.natural": -1}


def test_a_lost_row_comes_back_from_its_column_equations(rules, values):
    missing = {f"t3.carry_next.{c}" for c in COLUMNS}
    found = {d.key: d.value for d in derive(rules, "2021", {k: v for k, v in values.items() if k not in missing},
                                            missing)}
    assert found == {k: values[k] for k in missing}


def test_two_unknowns_in_every_equation_are_left_alone(rules, values):
    missing = {f"t3.{r}.{c}" for r in ("deny_secret", "deny_law") for c in COLUMNS}
    values = fill_totals(FMT, {**values, **{k: 1 for k in missing}})  # none of them 0: nothing fixes them
    known = {k: v for k, v in values.items() if k not in missing}
    assert derive(rules, "2021", known, missing) == []


def test_counts_that_add_up_to_zero_are_each_zero(rules, values):
    """Two rows lost their 法律服务机构 cell and their 总计: each row equation has two unknowns, but the
    column's 三-总计行 says the two 法律服务机构 cells add up to 0; then the row totals follow."""
    zeros = {f"t3.{r}.legal" for r in ("deny_secret", "deny_law")}
    values = fill_totals(FMT, {**values, **{k: 0 for k in zeros}})
    missing = zeros | {"t3.deny_secret.total", "t3.deny_law.total"}
    known = {k: v for k, v in values.items() if k not in missing}
    found = derive(rules, "2021", known, missing)
    assert {d.key: d.value for d in found} == {k: values[k] for k in missing}
    assert [(d.key, d.rule_ids) for d in found[:2]] == [(k, ("三-总计行",)) for k in sorted(zeros, reverse=True)]


def test_nothing_is_derived_from_equations_that_disagree_or_go_negative(rules, values):
    key = "t3.carry_next.natural"
    known = {k: v for k, v in values.items() if k != key}
    known["t3.carry_next.total"] += 1  # 三-勾稽@natural and 三-合计列@carry_next now give different values
    assert derive(rules, "2021", known, {key}) == []
    known = {k: v for k, v in values.items() if k != key}
    known["t3.total.natural"] = known["t3.new.natural"] + known["t3.carried.natural"] + 5  # 结转 would be -5
    known["t3.carry_next.total"] = sum(known.get(f"t3.carry_next.{c}", 0) for c in COLUMNS[1:-1]) - 5
    assert derive(rules, "2021", known, {key}) == []
