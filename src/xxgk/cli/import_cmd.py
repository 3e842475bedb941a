"""``xxgk import``: a published report (.txt .docx .html .pdf) into a template workbook."""
from __future__ import annotations

import os
from pathlib import Path

import click

from ..audit import NO_TABLES, describe_cells, holds_tables, placed_figures
from ..formats import FORMATS, get_format
from ..importer import ImportResult, import_report
from ..importer.workbook import WORKBOOK_SUFFIX, default_workbook_path, write_import_workbook
from ..pathtext import readable
from ..published import Published, published_form
from ..rules import RuleSet, RulesError, live_checks_for, load_rules
from .common import EXIT_FINDINGS, EXIT_OK, fail, friendly_errors


@click.command("import")
@click.argument("report", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="输出的工作簿（.xlsx），默认与报告同名、放在报告旁边。")
@click.option("--format", "format_id", type=click.Choice(sorted(FORMATS)), metavar="2021|2019",
              help="指定报告格式；默认根据表格标签和报告年度自动判断。")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖它。")
@friendly_errors
def command(report: Path, output: Path | None, format_id: str | None, force: bool) -> None:
    """导入已公开的年度报告（.txt .docx .html .pdf），生成用模板填好的工作簿。

    表格中的每个数字按行、列标签放入对应单元格；合计按原文保留（不重新计算），
    原文留空的单元格保持空白并逐项列出；原文缺少、但可由表格勾稽关系确定的单元格
    按推算值填入并注明。

    退出码：0 全部导入；1 有单元格未导入、原文留空或正文与表格不一致；2 无法读取。
    """
    target = _target(report, output, force)
    result = import_report(report, format_id=format_id)
    if not holds_tables(result):
        fail(f"{report}：{NO_TABLES}未生成工作簿。")
    ruleset = _rules()
    published = published_form(result, ruleset)
    figures = {**result.values, **{k: published.form.values[k] for k in published.derived}}
    write_import_workbook(result, target, live_checks_for(get_format(result.format_id), ruleset), figures)
    _print(result, published, target)
    incomplete = published.missing or result.blanks or result.narrative or result.problems or published.derived
    raise SystemExit(EXIT_FINDINGS if incomplete else EXIT_OK)


def _rules() -> RuleSet:
    """rules.yaml, read once: its equalities derive lost cells, its checks go live in the workbook."""
    try:
        return load_rules()
    except RulesError as err:
        fail("规则文件有误：\n" + "\n".join(err.problems))


def _target(report: Path, output: Path | None, force: bool) -> Path:
    target = output or default_workbook_path(report)
    if output is not None and output.is_dir():
        target = output / default_workbook_path(report).name
    if target.suffix.lower() != WORKBOOK_SUFFIX:
        fail(f"{target}：输出的工作簿必须以 {WORKBOOK_SUFFIX} 结尾。")
    if target.exists():
        if report.exists() and os.path.samefile(report, target):
            fail(f"{target}：输出文件不能覆盖报告本身，请用 -o 另选文件名。")
        if not force:
            fail(f"{target}：文件已存在。如要覆盖，请加 --force；或用 -o 另选文件名。")
    return target


def _print(result: ImportResult, published: Published, target: Path) -> None:
    fmt = get_format(result.format_id)
    placed = placed_figures(result)
    agency = result.agency or "（未找到单位名称）"
    year = f"{result.year} 年度" if result.year else "（未找到报告年度）"
    click.echo(f"已导入：{readable(str(result.source))} → {readable(str(target))}")
    click.echo(f"  {agency} · {year} · {fmt.id} 版格式（{fmt.document}）")
    sources = [f"{name}：{result.found[key].source}" for key, name in
               (("agency", "单位名称"), ("year", "报告年度"), ("format", "格式")) if key in result.found]
    click.echo(f"  来源：{'；'.join(sources)}")
    click.echo(f"  已放入 {placed} / {len(fmt.cells)} 个表格单元格的数字（合计按原文保留）。")
    _section(f"未能导入 {len(published.missing)} 格（工作簿中留空）", describe_cells(published.missing, fmt))
    _section(f"原文留空 {len(result.blanks)} 格（“/”“—”“无”或空白，工作簿中留空）",
             describe_cells(result.blanks, fmt))
    _section(f"推算填入 {len(published.derived)} 格", describe_cells(list(published.derived), fmt))
    _section("导入提示", result.problems + published.notes)
    _section("正文与表格核对（警告）", [f.message for f in result.narrative])
    if published.missing or result.blanks:
        click.echo("请对照原文补填空白单元格；可用 xxgk validate 校验工作簿。")


def _section(title: str, lines: list[str]) -> None:
    if not lines:
        return
    click.echo(f"{title}：")
    for line in lines:
        click.echo(f"  · {line}")
