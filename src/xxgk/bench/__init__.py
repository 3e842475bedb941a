"""``xxgk bench`` / scripts/bench.py: how fast a whole province's workbooks go through.

Builds a corpus (``corpus``), then times as whole processes (``measure``), each
a median over repeated runs: ``xxgk validate`` over all N files, ``xxgk
consolidate`` of the folder (the full summary), the naive openpyxl pipeline
(``naive``, on a sample of the files: it is slow and its cost per file does
not depend on N) and the floor (``floor``: decompressing every part). Prints a
table and writes everything to JSON.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .corpus import make_corpus
from .measure import Measured, load_average, run
from .targets import lines as target_lines
from .targets import verdicts

QUICK_N = 60


@dataclass
class Options:
    n: int = 2000
    reps: int = 3
    baseline_n: int = 300
    workdir: Path | None = None
    keep: bool = False
    bases: int = 40
    smaller: dict | None = None  # an earlier run's figures at a smaller N: memory flatness is judged against it


def run_bench(options: Options, say: Callable[[str], None] = print) -> dict:
    """Build the corpus, time every contender, return the figures (also the JSON written by the CLI)."""
    work = Path(options.workdir or tempfile.mkdtemp(prefix="xxgk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return _bench(options, work, say)
    finally:
        if not options.keep and options.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


def _bench(options: Options, work: Path, say) -> dict:
    started = time.perf_counter()
    folder = work / "报送"
    if folder.exists():
        shutil.rmtree(folder)
    corpus = make_corpus(folder, options.n, bases=options.bases)
    say(f"语料：{options.n} 个工作簿（{corpus.bases} 个基础工作簿复制而成，其中 {corpus.app_saved_bases} 个经 "
        f"LibreOffice 重算另存，如同在表格软件中填好保存；{corpus.faulty} 个有错误，"
        f"{corpus.uncached} 个由 openpyxl 另存、公式无缓存值），用时 {time.perf_counter() - started:.1f} 秒")
    sample = work / "样本"
    if sample.exists():
        shutil.rmtree(sample)
    sample.mkdir()
    for path in corpus.files[:min(options.baseline_n, options.n)]:
        os.link(path, sample / path.name) if hasattr(os, "link") else shutil.copy(path, sample / path.name)
    python = sys.executable
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    contenders = [
        ("validate", [python, "-m", "xxgk", "validate", *map(str, corpus.files)], options.n),
        ("consolidate", [python, "-m", "xxgk", "consolidate", str(folder), "-o", str(work / "汇总.xlsx")], options.n),
        ("naive", [python, "-m", "xxgk.bench.naive", str(sample), str(work / "naive.xlsx")],
         len(list(sample.iterdir()))),
        ("floor", [python, "-m", "xxgk.bench.floor", str(folder)], options.n),
    ]
    measured = {}
    for name, command, files in contenders:
        result = Measured(name, _shown(command), files)
        for rep in range(options.reps):
            result.runs.append(run(command, cwd=work, env=env))
            say(f"  {name} 第 {rep + 1} 次：{result.runs[-1].seconds:.2f} 秒")
        measured[name] = result
    single = Measured("validate_one", [python, "-m", "xxgk", "validate", corpus.files[0].name], 1)
    for _ in range(max(options.reps, 3)):
        single.runs.append(run([python, "-m", "xxgk", "validate", str(corpus.files[0])], cwd=work, env=env))
    figures = _figures(options, corpus, measured, single, time.perf_counter() - started)
    figures["targets"] = verdicts(figures, options.smaller)
    return figures


def _shown(command: list[str]) -> list[str]:
    """The command as recorded: a 10,000-file argument list is abbreviated."""
    return command if len(command) <= 8 else [*command[:6], f"…（共 {len(command) - 4} 个文件）"]


def _figures(options: Options, corpus, measured: dict[str, Measured], single: Measured, seconds: float) -> dict:
    v, c, naive, floor = (measured[k] for k in ("validate", "consolidate", "naive", "floor"))
    both_seconds = v.seconds + c.seconds
    return {
        "n": options.n, "reps": options.reps, "baseline_files": naive.files,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_after": load_average()},
        "corpus": {"files": len(corpus.files), "bases": corpus.bases, "faulty": corpus.faulty,
                   "app_saved_bases": corpus.app_saved_bases,
                   "no_cached_values": corpus.uncached},
        "results": {name: m.as_dict() for name, m in measured.items()} | {"validate_one": single.as_dict()},
        "validate_then_consolidate": {
            "seconds": round(both_seconds, 3), "workbooks_per_second": round(options.n / both_seconds, 1)},
        "ratios": {
            "validate_vs_naive": round(v.per_second / naive.per_second, 1),
            "consolidate_vs_naive": round(c.per_second / naive.per_second, 1),
            "validate_time_vs_floor": round(v.seconds / floor.seconds, 2),
            "consolidate_time_vs_floor": round(c.seconds / floor.seconds, 2),
        },
        "single_file_validate_seconds": round(single.seconds, 3),
        "bench_seconds": round(seconds, 1),
    }


def table(figures: dict) -> str:
    """The figures as a plain-text table (Chinese headings, as the CLI prints)."""
    lines = [f"N = {figures['n']}，每项取 {figures['reps']} 次的中位数；"
             f"{figures['machine']['cores']} 核，Python {figures['machine']['python']}",
             f"{'项目':<14}{'文件数':>8}{'秒':>10}{'个/秒':>10}{'单进程峰值MB':>14}{'进程树峰值MB':>14}"]
    for name, label in (("validate", "xxgk validate"), ("consolidate", "xxgk consolidate"),
                        ("naive", "naive openpyxl"), ("floor", "floor (解压)"), ("validate_one", "validate 单个")):
        r = figures["results"][name]
        lines.append(f"{label:<18}{r['files']:>8}{r['median_seconds']:>10.2f}{r['workbooks_per_second']:>10.0f}"
                     f"{r['peak_rss_mb']:>14.0f}{r['peak_tree_mb']:>14.0f}")
    both, ratios = figures["validate_then_consolidate"], figures["ratios"]
    lines.append(f"validate + consolidate 合计 {both['seconds']:.2f} 秒，{both['workbooks_per_second']:.0f} 个/秒")
    lines.append(f"对 naive：validate {ratios['validate_vs_naive']}×，consolidate {ratios['consolidate_vs_naive']}×；"
                 f"用时为 floor 的：validate {ratios['validate_time_vs_floor']}×，"
                 f"consolidate {ratios['consolidate_time_vs_floor']}×")
    if figures.get("targets"):
        lines += ["目标（issue 7）：", *target_lines(figures["targets"])]
    return "\n".join(lines)


def write_json(figures: dict, path: Path) -> None:
    path.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
