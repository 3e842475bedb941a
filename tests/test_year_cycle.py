"""The district's year: hand out prefilled workbooks from a roster and last year's summary, collect,
send findings back, compare with last year (同比), and the long table for analysts (--csv, pandas).

Built from the project's own template and sample figures; read back with openpyxl (independent of
xxgk's reader) and opened by LibreOffice, which recalculates the handed-out workbooks' live checks.
"""
from __future__ import annotations

import random
import zipfile

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import xxgk
from consolidate_support import YEAR, balanced_values, following_year, named_values, sheet_rows
from xxgk.catalogue import Status
from xxgk.cli import main
from xxgk.formats import defined_name, get_format
from xxgk.readers import read_workbook
from xxgk.rules import load_rules
from xxgk.samples import cover_values, with_faults
from xxgk.template import build_workbook
from xxgk.tidy import HEADINGS

pytestmark = pytest.mark.heavy(7)  # CPU seconds, about: started first (tests/conftest.py)

FMT = get_format("2021")
HOSTILE = '=HYPERLINK("http://x","点我")'
LAST = {"甲局": 11, "乙局": 12, "撤销局": 13}  # last year's agencies and their seeds
ROSTER = ["甲局", "乙局", "新设局", HOSTILE]


def run(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def agency_file(path, agency, year, values):
    build_workbook(path, FMT, values={**values, **cover_values(agency, year, random.Random(agency))})
    return path


@pytest.fixture(scope="module")
def cycle(tmp_path_factory, libreoffice):
    root = tmp_path_factory.mktemp("year")
    last_folder, this_folder = root / "上年", root / "报送"
    last_folder.mkdir(), this_folder.mkdir()
    last_values = {name: balanced_values(seed) for name, seed in LAST.items()}
    for name, values in last_values.items():
        agency_file(last_folder / f"{name}.xlsx", name, YEAR - 1, values)
    previous = root / "上年汇总.xlsx"
    assert run("consolidate", last_folder, "-o", previous, "--district", "示例区").exit_code == 0
    roster = root / "名单.csv"
    codes = {name: cover_values(name, YEAR, random.Random(name))["cover.credit_code"] for name in ROSTER}
    lines = ["序号,单位全称,统一社会信用代码"] + [f'{i},"{n.replace(chr(34), chr(34) * 2)}",{codes[n]}'
                                            for i, n in enumerate(ROSTER, 1)]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    handed = run("template", "--roster", roster, "--previous", previous, "--year", YEAR, "-o", root / "下发", "--zip")
    assert handed.exit_code == 0, handed.output
    # what the agencies send: 甲局 balanced and carried right, 乙局 with errors, 新设局 clean, 撤销局 nothing
    sent = {"甲局": following_year(last_values["甲局"], 21),
            "乙局": with_faults(FMT, following_year(last_values["乙局"], 22), random.Random(3)),
            "新设局": balanced_values(23)}
    for name, values in sent.items():
        agency_file(this_folder / f"{name}.xlsx", name, YEAR, values)
    summary = root / "汇总.xlsx"
    done = run("consolidate", this_folder, "-o", summary, "--previous", previous, "--district", "示例区",
               "--feedback", root / "退回", "--due", "2026-02-15", "--csv", root / "明细.csv")
    assert done.exit_code == 1, done.output  # 乙局 has errors
    handed_files = sorted((root / "下发").glob("*.xlsx"))
    returned = root / "退回"
    opened = [*handed_files, summary, returned / "退回清单.xlsx", *returned.glob("*_校验标记.xlsx")]
    # every sheet as LibreOffice computes it on load (CSV: half the cost of a re-saved .xlsx read back)
    computed = libreoffice.sheet_texts(opened, root / "computed")
    return {"root": root, "last": last_values, "sent": sent, "summary": summary, "previous": previous,
            "handed": {f.name: f for f in handed_files}, "computed": dict(zip((p.name for p in opened), computed)),
            "output": handed.output + done.output}


def failing_errors(sheets: dict[str, list[list[str]]]) -> int:
    """The 校验结果 sheet's own count of failing errors (its cell E2), as LibreOffice computed it."""
    return int(sheets["校验结果"][1][4])


# ---------------------------------------------------------------------------------------------- hand out
def test_one_prefilled_workbook_per_roster_agency(cycle):
    handed = cycle["handed"]
    assert len(handed) == len(ROSTER)
    forms = [read_workbook(path) for path in handed.values()]  # each read once, not once per roster name
    for name in ROSTER:
        form = next(f for f in forms if f.values["cover.agency"] == name)
        assert form.values["cover.year"] == YEAR
        assert form.values["cover.credit_code"] == cover_values(name, YEAR, random.Random(name))["cover.credit_code"]
        for key, source in FMT.carried_over.items():
            expected = cycle["last"][name][source] if name in LAST else 0
            assert form.values[key] == expected, (name, key)
    assert any(FMT.carried_over and cycle["last"][n][s] for n in ("甲局", "乙局") for s in FMT.carried_over.values())


def test_roster_text_stays_text_and_carried_cells_stay_editable(cycle):
    path = next(p for p in cycle["handed"].values() if "HYPERLINK" in p.name)
    workbook = openpyxl.load_workbook(path)
    (sheet, ref), = workbook.defined_names[defined_name("cover.agency")].destinations
    cell = workbook[sheet][ref.replace("$", "")]
    assert cell.value == HOSTILE and cell.data_type == "s"
    for key in FMT.carried_over:
        (sheet, ref), = workbook.defined_names[defined_name(key)].destinations
        cell = workbook[sheet][ref.replace("$", "")]
        assert cell.protection.locked is False and cell.data_type == "n"


def test_zip_holds_every_handed_out_workbook(cycle):
    with zipfile.ZipFile(cycle["root"] / "下发.zip") as archive:
        assert sorted(archive.namelist()) == sorted(f"下发/{name}" for name in cycle["handed"])
        assert archive.testzip() is None


def test_live_checks_work_in_libreoffice_on_handed_out_workbooks(cycle):
    ruleset = load_rules()
    for name, path in cycle["handed"].items():
        form = read_workbook(path)
        ours = len(ruleset.validate(form).errors)
        assert failing_errors(cycle["computed"][name]) == ours, name
        carried = any(form.values[key] for key in FMT.carried_over)
        assert (ours > 0) == carried, name  # prefilled 上年结转 is unbalanced until the year is filled in


def test_handout_never_overwrites_without_force(cycle):
    root = cycle["root"]
    again = run("template", "--roster", root / "名单.csv", "--year", YEAR, "-o", root / "下发")
    assert again.exit_code == 2 and "--force" in again.output
    inside = run("template", "--roster", root / "名单.csv", "-o", root / "名单.csv")
    assert inside.exit_code == 2


# ---------------------------------------------------------------------------------------------- 退回
def faulty(cycle) -> dict[str, str]:
    """Agency -> status, for those 报送情况 says have errors or open warnings."""
    return {row[2]: row[5] for row in sheet_rows(cycle["summary"], "报送情况")[1:]
            if row[5] in (Status.ERRORS, Status.WARNINGS)}


def test_one_notice_and_marked_copy_per_faulty_agency(cycle):
    returned = cycle["root"] / "退回"
    sent_back = faulty(cycle)
    assert sent_back["乙局"] == Status.ERRORS and "新设局" not in sent_back
    expected = [f"{name}_{kind}" for name in sent_back for kind in ("校验标记.xlsx", "退回通知.txt")]
    assert sorted(p.name for p in returned.iterdir()) == sorted([*expected, "退回清单.xlsx"])
    notice = (returned / "乙局_退回通知.txt").read_bytes()
    assert notice.startswith(b"\xef\xbb\xbf") and b"\r\n" in notice
    text = notice.decode("utf-8-sig")
    report = load_rules().validate(read_workbook(cycle["root"] / "报送" / "乙局.xlsx"), previous=None)
    assert "2026 年 2 月 15 日前重新报送" in text and "乙局_校验标记.xlsx" in text
    first = report.errors[0]
    assert first.location in text
    marked = openpyxl.load_workbook(returned / "乙局_校验标记.xlsx", read_only=True)  # only its sheet names are asserted
    assert "校验报告" in marked.sheetnames


def test_return_list_links_notice_and_copy_and_opens_in_libreoffice(cycle):
    rows = cycle["computed"]["退回清单.xlsx"]["退回清单"]
    header = rows[1]
    body = [dict(zip(header, row)) for row in rows[2:] if row[0]]
    assert sorted((r["单位名称"], r["状态"], r["退回通知"], r["标记副本"]) for r in body) == sorted(
        (name, status, f"{name}_退回通知.txt", f"{name}_校验标记.xlsx") for name, status in faulty(cycle).items())
    mine = next(r for r in body if r["单位名称"] == "乙局")
    assert mine["重新报送期限"] == "2026-02-15" and int(mine["错误"]) >= 1
    sheet = openpyxl.load_workbook(cycle["root"] / "退回" / "退回清单.xlsx")["退回清单"]
    links = {sheet.cell(row, 2).value: sheet.cell(row, 9).hyperlink.target for row in range(3, 3 + len(body))}
    assert links["乙局"] == "乙局_退回通知.txt"


# ---------------------------------------------------------------------------------------------- 同比
def compare_rows(path) -> dict[str, tuple]:
    rows = sheet_rows(path, "同比")
    labels = {cell.label for cell in FMT.cells.values()}
    return {row[0]: row[3:7] for row in rows if row[0] in labels}


def test_compare_sheet_holds_both_years_and_the_change(cycle):
    got = compare_rows(cycle["summary"])
    assert len(got) == len(FMT.key_figures)
    for key in FMT.key_figures:
        this = sum(values[key] for values in cycle["sent"].values() if isinstance(values[key], (int, float)))
        last = sum(values[key] for values in cycle["last"].values())
        now, before, change, ratio = got[FMT.cells[key].label]
        assert (now, before) == pytest.approx((this, last)) and change == pytest.approx(this - last)
        assert ratio == (pytest.approx((this - last) / last) if last else ("上年为 0" if this - last else "—"))


def test_compare_sheet_lists_agencies_gone_and_new_and_opens_in_libreoffice(cycle):
    cells = [c for row in cycle["computed"]["汇总.xlsx"]["同比"] for c in row]
    assert "上年报送、本年未报送的单位（1 个）" in cells and "撤销局" in cells
    assert "本年新增的单位（上年没有报表）（1 个）" in cells and "新设局" in cells
    charts = openpyxl.load_workbook(cycle["summary"])["同比"]._charts
    assert len(charts) == 1


# ---------------------------------------------------------------------------------------------- long table
def test_read_summary_gives_the_numbers_of_the_sheets(cycle):
    summary = cycle["summary"]
    detail = xxgk.read_summary(summary)
    sheet = pd.read_excel(summary, sheet_name="分单位明细", engine="openpyxl")
    assert sorted(detail["agency"].unique()) == sorted(sheet["单位名称"])
    for _, row in sheet.iterrows():
        for cell in FMT.cells.values():
            got = detail[(detail["agency"] == row["单位名称"]) & (detail["table"] == cell.table.key)
                         & (detail["row_key"] == cell.row.key) & (detail["column_key"] == cell.column.key)]
            expected = row[cell.label]
            assert len(got) == 1
            if isinstance(expected, str):
                assert got["text"].iloc[0] == expected and pd.isna(got["value"].iloc[0])
            else:
                assert got["value"].iloc[0] == pytest.approx(expected)
    totals = xxgk.read_summary(summary, detail=False)
    named = named_values(summary)
    for _, row in totals.iterrows():
        assert row["value"] == pytest.approx(named[defined_name(f"{row['table']}.{row['row_key']}.{row['column_key']}")])


def test_read_forms_equals_the_workbooks_cells(cycle):
    forms = xxgk.read_forms([cycle["root"] / "报送"])
    assert set(forms["agency"]) == set(cycle["sent"])
    assert forms["value"].dtype == "float64" and forms["row_label"].dtype == "category"
    for name in cycle["sent"]:
        named = named_values(cycle["root"] / "报送" / f"{name}.xlsx")
        mine = forms[forms["agency"] == name]
        assert len(mine) == len(FMT.cells)
        for _, row in mine.iterrows():
            value = named[defined_name(f"{row['table']}.{row['row_key']}.{row['column_key']}")]
            assert (row["text"] == value) if isinstance(value, str) else row["value"] == pytest.approx(value)


def test_csv_is_the_same_long_table_with_bom(cycle):
    path = cycle["root"] / "明细.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(path, encoding="utf-8-sig", dtype={"统一社会信用代码": str, "原文": str})
    detail = xxgk.read_summary(cycle["summary"])
    assert list(table.columns) == list(HEADINGS.values())
    assert len(table) == len(detail)
    assert table["数值"].fillna(-1).tolist() == detail["value"].fillna(-1).tolist()
    assert table["单位名称"].tolist() == detail["agency"].astype(str).tolist()


@pytest.mark.parametrize("option, name", [("--csv", "明细.csv"), ("--feedback", "退回")])
def test_extra_outputs_never_go_into_an_input_folder(cycle, option, name):
    folder = cycle["root"] / "报送"
    before = sorted(p.name for p in folder.iterdir())
    refused = run("consolidate", folder, "-o", cycle["root"] / "另一份.xlsx", option, folder / name)
    assert refused.exit_code == 2 and "报送文件夹" in refused.output
    assert sorted(p.name for p in folder.iterdir()) == before and not (cycle["root"] / "另一份.xlsx").exists()
