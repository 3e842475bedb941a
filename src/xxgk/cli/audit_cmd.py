"""``xxgk audit``: import published reports and check them against rules.yaml, in one step."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..audit import AuditResult, WorkbookWriter, audit_dict, audit_report, find_reports
from ..errors import XxgkError
from ..formats import FORMATS
from ..rules import RulesError, load_rules
from .common import EXIT_UNREADABLE, fail, friendly_errors
from .output import print_results
from .validate_cmd import exit_code


@click.command("audit")
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False), help="规则文件，默认为 rules.yaml。")
@click.option("--format", "format_id", type=click.Choice(sorted(FORMATS)), metavar="2021|2019",
              help="指定报告格式；默认根据表格标签和报告年度自动判断。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果（供程序使用）。")
@click.option("--mark", is_flag=True, help="把导入的工作簿和标记了问题单元格的副本写入 -o 指定的文件夹。")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="--mark 的输出文件夹（不存在则新建）。")
@friendly_errors
def command(reports, rules_file, format_id, as_json, mark, output) -> None:
    """审核已公开的年度报告：导入表格并按规则校验，可以是一个或多个文件或文件夹。

    文件夹中的 .txt .docx .html .htm .pdf 文件（含子文件夹）都会审核。
    每份报告列出规则发现的问题、正文与表格不一致之处，以及未能导入或原文留空的单元格。

    退出码：0 无错误；1 发现错误；2 有文件无法读取。
    """
    if mark and output is None:
        fail("使用 --mark 时必须用 -o 指定输出文件夹。")
    if output is not None and not mark:
        fail("-o 只与 --mark 一起使用。")
    try:
        ruleset = load_rules(rules_file)
    except RulesError as err:
        fail("规则文件有误：\n" + "\n".join(err.problems))
    files, results = find_reports(reports)
    writer = _writer(output, ruleset) if mark else None
    for path in files:
        result = audit_report(path, ruleset, format_id)
        if writer is not None and result.report is not None:
            _write(writer, result)
        results.append(result)
    if as_json:
        click.echo(json.dumps([audit_dict(r) for r in results], ensure_ascii=False, indent=2))
    else:
        print_results(results)
    code = exit_code(results)
    raise SystemExit(EXIT_UNREADABLE if any(r.write_error for r in results) else code)


def _writer(output: Path, ruleset) -> WorkbookWriter:
    if output.exists() and not output.is_dir():
        fail(f"{output}：不是文件夹。")
    output.mkdir(parents=True, exist_ok=True)
    return WorkbookWriter(output, ruleset)


def _write(writer: WorkbookWriter, result: AuditResult) -> None:
    """A workbook that cannot be written is reported with its report; the batch goes on."""
    try:
        writer.write(result)
    except XxgkError as err:
        result.write_error = str(err)
    except OSError as err:
        result.write_error = f"{err.filename or ''}：无法写入（{err.strerror or err}）"
    if result.write_error:
        result.report.form.problems.append(f"未能写入工作簿：{result.write_error}")
