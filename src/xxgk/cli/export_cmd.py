"""``xxgk export``: the three tables of a filled workbook as Word and web page, for publishing."""
from __future__ import annotations

import os
from pathlib import Path

import click

from ..rules import RulesError, load_rules
from .common import EXIT_FINDINGS, EXIT_OK, fail, friendly_errors

SUFFIXES = {"docx": (".docx",), "html": (".html", ".htm")}


@click.command("export")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--docx", "docx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="导出为 Word 文档（.docx）。")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="导出为网页（.html），可直接复制到网站或 Word。")
@friendly_errors
def command(workbook: Path, docx_path: Path | None, html_path: Path | None) -> None:
    """把工作簿中的表二、表三、表四按公开格式导出，供年度报告直接使用。

    表头、合并单元格、勾稽关系说明与国家格式一致；数字取自工作簿（合计按工作簿中的值）。
    已有的同名输出文件会被覆盖，工作簿本身不会改动。导出前按规则校验：有错误时仍然导出，但会提示。

    退出码：0 已导出且无错误；1 已导出但工作簿有错误；2 无法读取或写入。
    """
    from ..export import export_docx, export_html
    from ..readers import read_workbook

    if docx_path is None and html_path is None:
        fail("请用 --docx 或 --html 指定要导出的文件。")
    _check_target(workbook, docx_path, "docx")
    _check_target(workbook, html_path, "html")
    form = read_workbook(workbook)
    errors = _errors(form)
    for path, export in ((docx_path, export_docx), (html_path, export_html)):
        if path is not None:
            export(form, path)
            click.echo(f"已导出：{path}")
    agency = form.values.get("cover.agency") or "（未填单位名称）"
    click.echo(f"  {agency} · {form.format_id} 版格式 · 表二、表三、表四")
    if errors:
        click.echo(f"注意：工作簿有 {errors} 处错误未改正，导出的表格含有这些数据。"
                   f"请用 xxgk validate {workbook} 查看并改正后重新导出。")
    raise SystemExit(EXIT_FINDINGS if errors else EXIT_OK)


def _check_target(workbook: Path, target: Path | None, kind: str) -> None:
    if target is None:
        return
    if target.suffix.lower() not in SUFFIXES[kind]:
        fail(f"{target}：--{kind} 的文件名必须以 {' 或 '.join(SUFFIXES[kind])} 结尾。")
    if target.exists() and workbook.exists() and os.path.samefile(workbook, target):
        fail(f"{target}：导出文件不能覆盖工作簿本身。")


def _errors(form) -> int:
    try:
        return len(load_rules().validate(form).errors)
    except RulesError as err:
        fail("规则文件有误：\n" + "\n".join(err.problems))
