"""A folder of sample agency workbooks, as a district office receives them.

Each is the template as clerks get it, live checks included (``live_checks=False``
leaves them out: five times quicker, for tests that only need the figures). Most are fine; some have errors, one has a warning (a fee typed in 元, not 万元),
one agency sent two versions, one typed the wrong year, one used the old 2019
format, one file is damaged. Used by ``xxgk demo`` and by tests.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .catalogue import Status
from .formats import get_format
from .samples import AGENCY_NAMES, agency_values, cover_values, preceding_year, with_faults

if TYPE_CHECKING:  # the rule engine is imported only when live checks are compiled
    from .rules import RuleSet

DISTRICT = "示例区"
DEMO_YEAR = 2025
WARNING_INDEX = 6  # this agency typed its fee in 元: the 万元 plausibility warning fires
IMPLAUSIBLE_WAN = 258000.0


@dataclass(frozen=True)
class SampleFile:
    path: Path
    agency: str
    expected_status: Status  # what 报送情况 should say about it


def write_sample_folder(folder: Path, year: int = DEMO_YEAR, agencies: int = 12,
                        seed: int = 2026, live_checks: bool = True,
                        ruleset: RuleSet | None = None) -> list[SampleFile]:
    """Write agency workbooks into ``folder``; return what each one is.

    ``ruleset`` gives the live checks (default: the project's rules.yaml, loaded once here).
    """
    build = _Builder(live_checks, ruleset)
    folder.mkdir(parents=True, exist_ok=True)
    fmt = get_format("2021")
    rng = random.Random(seed)
    files: list[SampleFile] = []
    names = [f"{DISTRICT}{name[1:]}" if name.startswith("区") else name for name in AGENCY_NAMES[:agencies]]
    for index, agency in enumerate(names):
        values = agency_values(fmt, agency, year, seed + index)
        status = Status.PASSED
        if index % 5 == 3:
            values, status = with_faults(fmt, values, rng), Status.ERRORS
        elif index == WARNING_INDEX:
            values["t2.fee.amount"], status = IMPLAUSIBLE_WAN, Status.WARNINGS
        path = folder / f"{index + 1:02d}_{agency}.xlsx"
        build(path, fmt, values=values)
        files.append(SampleFile(path, agency, status))
    files[0] = SampleFile(files[0].path, files[0].agency, Status.REPLACED)  # a newer version follows
    files += _awkward_files(folder, fmt, names, year, seed, build)
    return files


class _Builder:
    """``template.build_workbook`` with the format's live checks (compiled once per format), or without.

    The rules are loaded at most once (about half a second each time), whatever the formats.
    """

    def __init__(self, live_checks: bool, ruleset: RuleSet | None = None):
        self.live_checks = live_checks
        self.ruleset = ruleset
        self.checks: dict[str, list] = {}

    def __call__(self, path: Path, fmt, values: dict) -> None:
        from .rules import live_checks_for, load_rules
        from .template import build_workbook

        if self.live_checks and fmt.id not in self.checks:
            self.ruleset = self.ruleset or load_rules()
            self.checks[fmt.id] = live_checks_for(fmt, self.ruleset)
        build_workbook(path, fmt, values=values, live_checks=self.checks.get(fmt.id, ()))


def _awkward_files(folder: Path, fmt, names: list[str], year: int, seed: int, build) -> list[SampleFile]:
    awkward = []
    # the same agency again, filled a day later: it replaces the first one
    first = names[0]
    values = agency_values(fmt, first, year, seed + 100)
    values["cover.date"] = f"{year + 1}-01-28"
    path = folder / f"{first}（修改版）.xlsx"
    build(path, fmt, values=values)
    awkward.append(SampleFile(path, first, Status.PASSED))
    # a report for the wrong year
    agency = "示例区档案馆"
    path = folder / f"{agency}.xlsx"
    build(path, fmt, values=agency_values(fmt, agency, year - 1, seed + 101))
    awkward.append(SampleFile(path, agency, Status.WRONG_YEAR))
    # the old 2019 form filled in for this year
    agency = "示例区林业局"
    old = get_format("2019")
    path = folder / f"{agency}（旧模板）.xlsx"
    build(path, old, values=agency_values(old, agency, year, seed + 103))
    awkward.append(SampleFile(path, agency, Status.WRONG_FORMAT))
    # a damaged file: the mail client cut it short
    good = folder / ".tmp_damaged.xlsx"
    build(good, fmt, values=agency_values(fmt, "示例区信访局", year, seed + 102))
    data = good.read_bytes()
    good.unlink()
    path = folder / "示例区信访局.xlsx"
    path.write_bytes(data[: len(data) // 2])
    awkward.append(SampleFile(path, "示例区信访局", Status.UNREADABLE))
    return awkward


def write_roster(path: Path, agencies: list[str]) -> None:
    """A roster CSV (单位名称 per line) including two agencies that sent nothing."""
    lines = ["单位名称", *agencies, f"{DISTRICT}统计局", f"{DISTRICT}水务局"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")


def write_last_year(folder: Path, samples: list[SampleFile], year: int = DEMO_YEAR, seed: int = 2025) -> list[Path]:
    """Last year's workbooks of this year's readable samples, their 结转下年度 what this year carries over.

    Made without live checks: last year's files only feed the summary that ``--previous`` reads.
    """
    from .readers import read_workbook
    from .template import build_workbook
    from .errors import ReadError

    folder.mkdir(parents=True, exist_ok=True)
    fmt = get_format("2021")
    written = []
    for index, sample in enumerate(samples):
        if sample.expected_status == Status.REPLACED:  # the agency's newer workbook stands for it
            continue
        try:
            form = read_workbook(sample.path)
        except ReadError:
            continue
        if form.format_id != fmt.id or form.values.get("cover.year") != year:
            continue
        rng = random.Random(seed + index)
        values = {**preceding_year(fmt, form.values, rng), **cover_values(sample.agency, year - 1, rng),
                  "cover.credit_code": form.values.get("cover.credit_code")}
        path = folder / sample.path.name
        build_workbook(path, fmt, values=values)
        written.append(path)
    return written
