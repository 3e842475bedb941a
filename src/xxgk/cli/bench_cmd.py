"""xxgk bench: time validate and consolidate over a generated province of workbooks."""
from __future__ import annotations

from pathlib import Path

import click

from .common import fail, friendly_errors


@click.command("bench")
@click.option("--n", "n", type=click.IntRange(1, 100_000), default=2000, show_default=True, help="工作簿数量。")
@click.option("--quick", is_flag=True, help="快速检查：少量工作簿、每项只跑一次（供持续集成使用）。")
@click.option("--reps", type=click.IntRange(1, 20), default=3, show_default=True, help="每项重复次数，取中位数。")
@click.option("--baseline-n", type=click.IntRange(1, 100_000), default=300, show_default=True,
              help="naive 基线只用这么多个文件（它很慢，且每个文件的耗时与 N 无关）。")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=Path("bench.json"),
              show_default=True, help="结果写入的 JSON 文件。")
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path), help="语料和输出放在这里（保留）；默认用临时文件夹。")
@click.option("--against", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="较小 N 的一次结果（JSON），用来判断内存是否平稳（大 N 的峰值不超过它的 1.5 倍）。")
@click.option("--windows-like", is_flag=True,
              help="另在“类 Windows”的 Python 中（没有 fork、pread，工作进程用 spawn 启动）测量 validate 和 consolidate。")
@click.option("--compare-src", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="另一份源代码的 src 文件夹（如改动之前的版本）：在同一语料上轮流测量，给出两者用时之比。")
@click.option("--no-bytecode", is_flag=True,
              help="不预先编译：每个进程都从源代码编译所导入的模块（不同于安装后的实际情况；旧的测量方式）。")
@friendly_errors
def command(n, quick, reps, baseline_n, json_path, workdir, against, windows_like, compare_src,
            no_bytecode) -> None:
    """生成 N 个已填报的工作簿，测量 xxgk validate、xxgk consolidate、naive openpyxl 基线和解压下限的速度与内存。"""
    from ..bench import QUICK_N, Options, run_bench, table, write_json
    from ..fileio import atomic_path

    options = Options(n=QUICK_N if quick else n, reps=1 if quick else reps,
                      baseline_n=min(baseline_n, 20) if quick else baseline_n, workdir=workdir,
                      keep=workdir is not None, bases=4 if quick else 40, smaller=_earlier(against),
                      windows_like=windows_like, compare_src=compare_src, bytecode=not no_bytecode,
                      single_reps=1 if quick else None)
    figures = run_bench(options, say=lambda text: click.echo(text, err=True))
    click.echo(table(figures))
    with atomic_path(json_path) as tmp:
        write_json(figures, tmp)
    click.echo(f"已写入 {json_path}")


def _earlier(path: Path | None) -> dict | None:
    if path is None:
        return None
    import json

    try:
        figures = json.loads(path.read_text(encoding="utf-8"))
        figures["n"], figures["results"]["validate"]["peak_tree_mb"]  # noqa: B018 - the fields compared
    except (OSError, ValueError, KeyError, TypeError):
        fail(f"{path} 不是 xxgk bench 写出的结果文件。")
    return figures
