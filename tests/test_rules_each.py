"""Every rule in rules.yaml: a valid workbook passes, a workbook that breaks exactly that rule
fails on exactly the expected instances, and no other rule fires.

The test loops over rules.yaml: a rule without a breaker below makes it fail.
Workbooks are written with the project's own template builder and read back with its reader.
"""
from __future__ import annotations

import copy
import random

import pytest

from xxgk.formats import get_format
from xxgk.model import FormData
from xxgk.rules import load_rules
from xxgk.samples import cover_values, fill_totals, table_values

pytestmark = pytest.mark.heavy(3)  # CPU seconds, about: started first (tests/conftest.py)

RULES = load_rules()
YEAR = {"2021": 2024, "2019": 2020}


def base(fid: str) -> dict:
    fmt = get_format(fid)
    values = {**table_values(fmt, random.Random(7)), **cover_values("区司法局", YEAR[fid])}
    values["t3.new.natural"] += 30  # keep totals well above the jump floor
    values["t3.carry_next.natural"] += 30
    values["t4.review.upheld"] = 3
    return fill_totals(fmt, values)


def previous_of(fid: str, values: dict) -> dict:
    """Last year's figures that agree with ``values``: its 结转下年度 is this year's 上年结转."""
    prev = dict(values)
    for column in get_format(fid).group("t3", "columns"):
        prev[f"t3.carry_next.{column}"] = values[f"t3.carried.{column}"]
    prev["t4.review.upheld"] = values["t4.review.upheld"] + 1
    prev["t4.review.total"] = values["t4.review.total"] + 1
    return prev


def bump(values, *keys, by=1):
    for key in keys:
        values[key] = values[key] + by


def break_balance(v, p, a, fid):
    bump(v, "t3.carry_next.natural", "t3.carry_next.total")
    return {"三-勾稽@natural", "三-勾稽@total"}


def break_row_total(v, p, a, fid):
    bump(v, "t3.new.total", "t3.carry_next.total")
    return {"三-合计列@new", "三-合计列@carry_next"}


def break_column_total(v, p, a, fid):
    bump(v, "t3.total.natural", "t3.total.total", "t3.new.natural", "t3.new.total")
    return {"三-总计行@natural", "三-总计行@total"}


def break_t4(v, p, a, fid):
    bump(v, "t4.after.total")
    return {"四-合计@after"}


def break_count(v, p, a, fid):
    v["t3.public.business"] = "１２"  # full-width digits are text
    return {"数值-整数@t3.public.business"}


def break_signed(v, p, a, fid):
    v["t2.license.change"] = 1.5
    return {"数值-增减@t2.license.change"}


def break_amount(v, p, a, fid):
    key = "t2.fee.amount" if fid == "2021" else "t2.procurement.amount"
    v[key] = -5
    return {f"数值-金额@{key}"}


def break_agency(v, p, a, fid):
    v["cover.agency"] = None
    return {"单位-名称"}


def break_year(v, p, a, fid):
    v["cover.year"] = f"{YEAR[fid]}年"
    return {"单位-年度"}


def break_credit(v, p, a, fid):
    v["cover.credit_code"] = "91320000"
    return {"单位-信用代码"}


def break_credit_check(v, p, a, fid):
    v["cover.credit_code"] = "0" * 18  # a placeholder; its check character happens to be right
    return {"单位-信用代码校验"}


def break_format_year(v, p, a, fid):
    v["cover.year"] = 2020 if fid == "2021" else 2023
    return {"格式-年度"}


def break_in_force(v, p, a, fid):
    v["t2.normative.issued"], v["t2.normative.repealed"], v["t2.normative.in_force"] = 9, 1, 3
    return {"二-现行有效@normative"}


def break_public_total(v, p, a, fid):
    v["t2.regulation.published"], v["t2.regulation.public_total"] = 6, 2
    return {"二-公开总数@regulation"}


def break_change(v, p, a, fid):
    v["t2.penalty.prev_items"], v["t2.penalty.change"] = 2, -5
    return {"二-增减@penalty"}


def break_wan(v, p, a, fid):
    v["t2.fee.amount"] = 3_500_000.0
    return {"二-万元"}


def break_carry(v, p, a, fid):
    bump(p, "t3.carry_next.social", "t3.carry_next.total", by=2)
    return {"跨年-结转@social", "跨年-结转@total"}


def break_jump(v, p, a, fid):
    p["t3.new.total"] = v["t3.new.total"] * 10 + 100
    return {"跨年-突变@t3.new.total"}


def break_same(v, p, a, fid):
    fmt = get_format(fid)
    for column in fmt.group("t3", "applicants"):
        v[f"t3.carried.{column}"] = v[f"t3.carry_next.{column}"]
        v[f"t3.new.{column}"] = v[f"t3.total.{column}"]
    v.update(fill_totals(fmt, v))
    p.clear()
    p.update(v)
    return {"跨年-相同"}


def break_summary(v, p, a, fid):
    a.update(v)
    bump(a, "t2.penalty.decisions")
    return {"汇总@t2.penalty.decisions"}


BREAKERS = {
    "三-勾稽": break_balance, "三-合计列": break_row_total, "三-总计行": break_column_total,
    "四-合计": break_t4, "数值-整数": break_count, "数值-增减": break_signed, "数值-金额": break_amount,
    "单位-名称": break_agency, "单位-年度": break_year, "单位-信用代码": break_credit,
    "单位-信用代码校验": break_credit_check,    "格式-年度": break_format_year, "二-现行有效": break_in_force, "二-公开总数": break_public_total,
    "二-增减": break_change, "二-万元": break_wan, "跨年-结转": break_carry, "跨年-突变": break_jump,
    "跨年-相同": break_same, "汇总": break_summary,
}


def test_every_rule_has_a_breaker():
    assert set(RULES.ids) == set(BREAKERS), "every rule in rules.yaml needs a breaker in this test"


def cases():
    for spec in RULES.specs:
        for fid in spec.formats:
            yield pytest.param(spec.id, fid, id=f"{spec.id}-{fid}")


def judge(fid: str, values: dict, prev: dict, agencies: dict, to_form):
    """``agencies`` empty means the district sum equals ``values``."""
    sources = ((values, "本年"), (prev, "上年"), (agencies or values, "各单位"))
    forms = [to_form(fid, v, name) for v, name in sources]
    return RULES.validate(forms[0], previous=forms[1], agencies=forms[2])


def as_form(fid, values, name):
    return FormData(name, fid, dict(values))


@pytest.mark.parametrize("rule_id,fid", list(cases()))
def test_rule_fires_exactly(rule_id, fid, form_maker):
    values = base(fid)
    prev, agencies = previous_of(fid, values), {}
    clean = judge(fid, values, prev, agencies, form_maker)
    assert clean.findings == [], [f.message for f in clean.findings]

    expected = BREAKERS[rule_id](values, prev, agencies, fid)
    report = judge(fid, values, prev, agencies, form_maker)
    fired = {f.instance_id for f in report.findings}
    assert fired == expected, [f.message for f in report.findings]
    spec = next(s for s in RULES.specs if s.id == rule_id)
    for finding in report.findings:
        assert finding.severity == spec.severity
        instance = next(i for i in RULES.instances(fid) if i.instance_id == finding.instance_id)
        assert finding.cells == instance.mark and finding.cells
        assert finding.message and "{" not in finding.message


READ_BACK: dict[str, FormData] = {}  # the figures written and read back, by what was written


@pytest.fixture
def form_maker(tmp_path):
    """Write the figures into a real workbook with the template builder, read it back with the reader.

    The same figures are written once per module: every case's clean judgement writes the same three
    workbooks of its format, and a breaker leaves last year's figures as they were. Writing and reading
    are deterministic, so the copy of what was read the first time is what a second write would give.
    """
    from xxgk.readers import read_workbook
    from xxgk.template import build_workbook

    def make(fid, values, name):
        key = repr((fid, name, sorted(values.items())))
        if key not in READ_BACK:
            path = tmp_path / f"{name}.xlsx"
            build_workbook(path, get_format(fid), values=values, literal_totals=True)
            READ_BACK[key] = read_workbook(path)
        return copy.deepcopy(READ_BACK[key])

    return make
