"""xxgk validate: check filled workbooks against rules.yaml."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

import click

from .. import speed
from ..errors import ReadError, WriteError
from ..rules import RulesError, load_rules
from ..validate import FileResult, marked_copy_path, read_form, result_dict, write_marked
from .common import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, fail, friendly_errors
from .notices import CAREFUL_HELP, print_notices
from .output import print_results
from .streaming import Tally, echo_json_list


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False), help="规则文件，默认为 rules.yaml。")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path),
              help="上一年度的报表，用于跨年核对（上年结转、数据突变）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果（供程序使用）。")
@click.option("--mark", is_flag=True, help="另存一份标记了问题单元格的副本（原文件不变）。")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="标记副本的保存位置（文件或文件夹）。")
@click.option("--careful", is_flag=True, help=CAREFUL_HELP)
@friendly_errors
def command(files, rules_file, previous, as_json, mark, output, careful) -> None:
    """校验一个或多个用模板填写的工作簿。

    退出码：0 无错误；1 发现错误；2 有文件无法读取。
    """
    if output and len(files) > 1 and not output.is_dir():
        fail("校验多个文件时，-o 必须是已存在的文件夹。")
    try:
        ruleset = load_rules(rules_file)
    except RulesError as err:
        fail("规则文件有误：\n" + "\n".join(err.problems))
    last_year = _read_previous(previous)
    # read and judged (in worker processes when there are many), printed as they come, in order
    earlier_notices = len(speed.NOTICES)
    checked = speed.pipeline(careful).check_files(files, ruleset, last_year)
    results = tally = Tally(checked, lambda result: exit_code([result]))
    unwritten: list[Path] = []
    if mark:
        results = _write_marks(results, output, unwritten)
    if as_json:
        echo_json_list(result_dict(r) for r in results)
    else:
        print_results(results)
    print_notices(speed.take_notices(since=earlier_notices))
    speed.save_counts()
    raise SystemExit(EXIT_UNREADABLE if unwritten else tally.code)


def exit_code(results: list[FileResult]) -> int:
    if any(r.error for r in results):
        return EXIT_UNREADABLE
    if any(r.report.errors for r in results):
        return EXIT_FINDINGS
    return EXIT_OK


def _read_previous(previous: Path | None):
    if previous is None:
        return None
    try:
        return read_form(previous)
    except ReadError as err:
        fail(f"上年报表无法读取：{err}")


def _write_marks(results: Iterable[FileResult], output: Path | None, unwritten: list[Path]) -> Iterator[FileResult]:
    """Write each marked copy; one that cannot be written (``unwritten``) is said on its file's line."""
    for result in results:
        if result.report is not None:
            target = marked_copy_path(result.path, output)
            try:
                write_marked(result, target)
            except ReadError as err:  # openpyxl cannot open this one: say so on its line, go on with the rest
                result.report.form.problems.append(err.reason)
                yield result
                continue
            except WriteError as err:  # open in Excel, say: the other copies are still written
                result.report.form.problems.append(str(err))
                unwritten.append(target)
                yield result
                continue
            result.report.form.problems.append(f"已另存标记副本：{target}")
        yield result
