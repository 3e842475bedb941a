"""xxgk validate: check filled workbooks against rules.yaml."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

import click

from .. import speed
from ..errors import ReadError, XxgkError
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

    退出码：0 无错误；1 发现错误；2 有文件无法读取，或有标记副本无法写入。
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
    marks = MarkedCopies(files, output) if mark else None
    if marks is not None:
        results = marks.write_all(results)
    if as_json:
        echo_json_list(result_dict(r) for r in results)
    else:
        print_results(results)
    print_notices(speed.take_notices(since=earlier_notices))
    speed.save_counts()
    raise SystemExit(max(tally.code, EXIT_UNREADABLE if marks is not None and marks.failed else EXIT_OK))


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


class MarkedCopies:
    """The batch's marked copies: one that cannot be written is said on its file's line and the batch goes
    on; a copy never replaces an input, nor another copy of the same batch (same-named inputs
    from different folders marked into one -o folder get ``(2)``, ``(3)`` …)."""

    def __init__(self, files: Iterable[Path], output: Path | None):
        self.output = output
        self.inputs = {_key(path) for path in files}
        self.claimed: set[str] = set()  # targets of this batch, written or not
        self.failed = False

    def write_all(self, results: Iterable[FileResult]) -> Iterator[FileResult]:
        for result in results:
            if result.report is not None:
                result.report.form.problems.append(self.write(result))
            yield result

    def write(self, result: FileResult) -> str:
        """The line telling what became of this file's copy."""
        target = self.free_target(marked_copy_path(result.path, self.output))
        if _key(target) in self.inputs:
            self.failed = True
            return f"未另存标记副本：{target} 是本次校验的输入文件之一，不能覆盖；请用 -o 另选位置"
        try:
            write_marked(result, target)
        except ReadError as err:  # openpyxl cannot open this one: said on its line
            return err.reason
        except XxgkError as err:
            self.failed = True
            return f"未能另存标记副本：{err}"
        except OSError as err:
            self.failed = True
            return f"未能另存标记副本：{target}：无法写入（{err.strerror or err}）"
        except Exception as err:  # noqa: BLE001 - one odd workbook must not end the batch
            self.failed = True
            return f"未能另存标记副本：{target}：制作时发生意外错误（{type(err).__name__}），请把原文件报告给维护人员"
        return f"已另存标记副本：{target}"

    def free_target(self, target: Path) -> Path:
        number = 1
        candidate = target
        while _key(candidate) in self.claimed:
            number += 1
            candidate = target.with_name(f"{target.stem}({number}){target.suffix}")
        self.claimed.add(_key(candidate))
        return candidate


def _key(path: Path) -> str:
    return os.path.normcase(os.path.realpath(os.path.abspath(path)))
