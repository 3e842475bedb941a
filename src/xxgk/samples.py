"""Realistic, balanced sample figures: for the newcomer's demo, tests and benchmarks."""
from __future__ import annotations

import random
from typing import Mapping

from .formats import Format, Kind
from .formats.totals import computed_totals
from .identity import CREDIT_CODE_ALPHABET, check_character
from .model import Value

AGENCY_NAMES = (
    "区人民政府办公室", "区发展和改革局", "区教育局", "区公安分局", "区民政局", "区司法局", "区财政局",
    "区人力资源和社会保障局", "区自然资源局", "区生态环境分局", "区住房和城乡建设局", "区交通运输局",
    "区农业农村局", "区商务局", "区文化和旅游局", "区卫生健康委员会", "区应急管理局", "区审计局",
    "区市场监督管理局", "区统计局", "区医疗保障局", "区城市管理局", "区退役军人事务局", "区水务局",
    "区林业局", "区信访局", "区行政审批局", "区税务局", "区档案馆", "区政务服务中心",
    "城关街道办事处", "东城街道办事处", "西城街道办事处", "南湖街道办事处", "北山街道办事处",
    "新城镇人民政府", "河口镇人民政府", "青山镇人民政府", "白沙镇人民政府", "石桥乡人民政府",
)


def cover_values(agency: str, year: int, rng: random.Random | None = None) -> dict[str, Value]:
    rng = rng or random.Random(agency)  # distinct agencies get distinct credit codes
    return {
        "cover.agency": agency,
        "cover.credit_code": _credit_code([rng.choice(CREDIT_CODE_ALPHABET) for _ in range(18)]),
        "cover.year": year,
        "cover.filler": rng.choice(("张伟", "王芳", "李娜", "刘洋", "陈静")),
        "cover.phone": f"0517-8{rng.randrange(1000000, 9999999)}",
        "cover.date": f"{year + 1}-01-{rng.randrange(5, 28):02d}",
    }


def _credit_code(characters: list[str]) -> str:
    """A real-looking code: the last of the 18 drawn characters becomes the check character."""
    return "".join(characters[:17]) + check_character("".join(characters[:17]))


def table_values(fmt: Format, rng: random.Random | None = None, scale: int = 40) -> dict[str, Value]:
    """Figures that pass every table rule of ``fmt``, totals included."""
    rng = rng or random.Random(0)
    values: dict[str, Value] = {}
    for key, cell in fmt.cells.items():
        if not cell.is_total:
            values[key] = _input_value(cell.kind, rng, scale)
    _balance_t2(fmt, values, rng)
    _balance_t3(fmt, values, rng, scale)
    return fill_totals(fmt, values)


def fill_totals(fmt: Format, values: Mapping[str, Value]) -> dict[str, Value]:
    """Copy of ``values`` with every total cell set to the sum of its parts."""
    return {**values, **computed_totals(fmt, values)}


def _number(value: Value) -> float | int:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _input_value(kind: Kind, rng: random.Random, scale: int) -> Value:
    if kind is Kind.SIGNED:
        return rng.randint(-3, 5)
    if kind in (Kind.WAN, Kind.MONEY):
        return round(rng.uniform(0, 500), 2)
    return rng.choice((0, 0, 0, rng.randint(0, scale)))


def _balance_t2(fmt: Format, values: dict[str, Value], rng: random.Random) -> None:
    for row in ("regulation", "normative"):
        issued, repealed = f"t2.{row}.issued", f"t2.{row}.repealed"
        if issued in values:
            values[f"t2.{row}.in_force"] = max(0, values[issued] - values[repealed]) + rng.randint(0, 30)


def _balance_t3(fmt: Format, values: dict[str, Value], rng: random.Random, scale: int) -> None:
    """Per applicant column: 新收 + 结转 = 办理结果之和 + 结转下年度."""
    outcomes = fmt.group("t3", "outcomes")
    for column in fmt.group("t3", "applicants"):
        handled = sum(values[f"t3.{row}.{column}"] for row in outcomes)
        carry_next = rng.choice((0, 0, rng.randint(0, 5)))
        carried = rng.choice((0, rng.randint(0, 5)))
        new = handled + carry_next - carried
        if new < 0:
            carried, new = 0, handled + carry_next
        values[f"t3.new.{column}"] = new
        values[f"t3.carried.{column}"] = carried
        values[f"t3.carry_next.{column}"] = carry_next


def agency_values(fmt: Format, agency: str, year: int, seed: int) -> dict[str, Value]:
    rng = random.Random(seed)
    return {**table_values(fmt, rng), **cover_values(agency, year, rng)}


def with_faults(fmt: Format, values: Mapping[str, Value], rng: random.Random) -> dict[str, Value]:
    """A copy with the kind of mistakes clerks make: a figure off by a few, text in a count cell."""
    faulty = dict(values)
    column = rng.choice(fmt.group("t3", "applicants"))
    faulty[f"t3.carry_next.{column}"] = _number(faulty[f"t3.carry_next.{column}"]) + rng.randint(1, 9)
    if rng.random() < 0.5:
        faulty["t3.public.natural"] = "１２件"
    return fill_totals(fmt, faulty)



def preceding_year(fmt: Format, this_year: Mapping[str, Value], rng: random.Random) -> dict[str, Value]:
    """Balanced figures for the year before ``this_year``'s: each count within a third of this year's,
    and the carried-forward cells the ones ``this_year`` starts from (``Format.carried_over``), so the
    cross-year rules hold between the two."""
    values: dict[str, Value] = {}
    for key, cell in fmt.cells.items():
        if not cell.is_total:
            now = _number(this_year.get(key))
            values[key] = round(now * rng.uniform(0.7, 1.3), 2) if cell.kind in (Kind.WAN, Kind.MONEY) else (
                round(now * rng.uniform(0.7, 1.3)) if cell.kind is Kind.COUNT else now)
    _balance_t2(fmt, values, rng)
    outcomes = fmt.group("t3", "outcomes")
    for key, source in fmt.carried_over.items():
        column = fmt.cells[key].column.key
        values[source] = _number(this_year.get(key))
        handled = sum(values[f"t3.{row}.{column}"] for row in outcomes)
        new = handled + values[source] - values[f"t3.carried.{column}"]
        if new < 0:
            values[f"t3.carried.{column}"], new = handled + values[source], 0
        values[f"t3.new.{column}"] = new
    return fill_totals(fmt, values)
