"""``xxgk bench`` / scripts/bench.py: how fast a whole province's workbooks go through.

Builds a corpus (``corpus``), then times as whole processes (``measure``), each
a median over repeated runs: ``xxgk validate`` over all N files, ``xxgk
consolidate`` of the folder (the full summary), the naive openpyxl pipeline
(``naive``, on a sample of the files: it is slow and its cost per file does
not depend on N) and the floor (``floor``: decompressing every part). With
``windows_like`` the two commands are timed again in a Windows-like Python
(``windows_like``: no fork, no pread, workers spawned); with ``compare_src``,
again with another checkout's source (the code before a change), on the same
corpus. Each tree runs from a compiled copy (``bytecode``: as installed, not
compiled anew in every process) unless ``bytecode`` is off. The repetitions
take turns (one run of each, then the next round), so a
machine that slows down meanwhile slows every contender alike; a variant runs
right beside its command, first or second by turns (``round_order``), and is also
compared round by round (``paired_ratio``). Each xxgk run's
counts (fast reads, fallbacks to the careful reader, how workers started) are
kept. Prints a table and writes everything to JSON.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import windows_like
from .bytecode import OWN_SRC, compiled_copy
from .corpus import make_corpus
from .measure import Measured, load_average, run
from .targets import lines as target_lines
from .targets import verdicts
from ..speed import STATS_VARIABLE

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
    windows_like: bool = False  # time validate and consolidate in a Windows-like Python too
    compare_src: Path | None = None  # another checkout's src: its validate and consolidate timed alike
    bytecode: bool = True  # run compiled copies of the trees, as installed; off: compile in every process
    single_reps: int | None = None  # runs of validate over one file; default max(reps, 3): short and noisy


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
    if options.bytecode:
        own = compiled_copy(OWN_SRC, work / "code" / "own")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(own), env.get("PYTHONPATH", ""))))
    contenders = [
        ("validate", [python, "-m", "xxgk", "validate", *map(str, corpus.files)], options.n, env),
        ("consolidate", [python, "-m", "xxgk", "consolidate", str(folder), "-o", str(work / "汇总.xlsx")], options.n,
         env),
        ("naive", [python, "-m", "xxgk.bench.naive", str(sample), str(work / "naive.xlsx")],
         len(list(sample.iterdir())), env),
        ("floor", [python, "-m", "xxgk.bench.floor", str(folder)], options.n, env),
    ]
    contenders += _variants(contenders[:2], options, work, env)
    measured = {name: Measured(name, _shown(command), files) for name, command, files, _env in contenders}
    for rep in range(options.reps):  # round by round: every contender feels the machine's moods alike
        for name, command, _files, own_env in round_order(contenders, rep):
            counts = work / f"counts-{name}.json"
            measured[name].runs.append(run(command, cwd=work, env={**own_env, STATS_VARIABLE: str(counts)}))
            measured[name].counts = _counts(counts)
            say(f"  {name} 第 {rep + 1} 次：{measured[name].runs[-1].seconds:.2f} 秒")
    single = Measured("validate_one", [python, "-m", "xxgk", "validate", corpus.files[0].name], 1)
    for _ in range(options.single_reps or max(options.reps, 3)):
        single.runs.append(run([python, "-m", "xxgk", "validate", str(corpus.files[0])], cwd=work, env=env))
    figures = _figures(options, corpus, measured, single, time.perf_counter() - started)
    figures["targets"] = verdicts(figures, options.smaller)
    return figures


def _variants(commands: list[tuple], options: Options, work: Path, env: dict) -> list[tuple]:
    """validate and consolidate again: in a Windows-like Python, and with another checkout's source."""
    found = []
    if options.windows_like:
        windows = windows_like.environment(work / "windows-like", env)
        found += [(f"{name}_windows", command, files, windows) for name, command, files, _env in commands]
    if options.compare_src is not None:
        other_src = Path(options.compare_src).resolve()
        if options.bytecode:
            other_src = compiled_copy(other_src, work / "code" / "compared")
        other = {**env, "PYTHONPATH": str(other_src)}
        found += [(f"{name}_compared", [part.replace("汇总.xlsx", "汇总_compared.xlsx") for part in command], files,
                   other) for name, command, files, _env in commands]
    return found


def round_order(contenders: list[tuple], rep: int) -> list[tuple]:
    """The contenders of round ``rep``: each command's variants right after it, the order within each
    such group reversed every other round. A variant and its command then run back to back, and which
    of them runs first (with the files its neighbour just read still in the page cache) alternates."""
    groups: dict[str, list[tuple]] = {}
    for contender in contenders:
        groups.setdefault(contender[0].split("_")[0], []).append(contender)
    return [contender for group in groups.values() for contender in (group if rep % 2 == 0 else group[::-1])]


def _counts(path: Path) -> dict | None:
    """What the run counted (speed.save_counts), if it said anything (an older xxgk does not)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _shown(command: list[str]) -> list[str]:
    """The command as recorded: a 10,000-file argument list is abbreviated."""
    return command if len(command) <= 8 else [*command[:6], f"…（共 {len(command) - 4} 个文件）"]


def _figures(options: Options, corpus, measured: dict[str, Measured], single: Measured, seconds: float) -> dict:
    v, c, naive, floor = (measured[k] for k in ("validate", "consolidate", "naive", "floor"))
    both_seconds = v.seconds + c.seconds
    compared = {}  # this code over the other checkout's: medians' ratio, and the median of each round's ratio
    for name, other in measured.items():
        if name.endswith("_compared"):
            own = measured[name.removesuffix("_compared")]
            compared[own.name] = {"seconds": round(own.seconds / other.seconds, 3),
                                  "cpu_seconds": round(own.cpu_seconds / max(other.cpu_seconds, 1e-9), 3),
                                  "paired_seconds": paired_ratio(own, other, "seconds"),
                                  "paired_cpu_seconds": paired_ratio(own, other, "cpu_seconds")}
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
        "compared_src": str(options.compare_src) if options.compare_src else None,
        "bytecode": options.bytecode,  # whether the trees ran from compiled copies (as installed)
        "time_vs_compared": compared,  # this code's median time over the other checkout's
        "bench_seconds": round(seconds, 1),
    }


def paired_ratio(own: Measured, other: Measured, field: str) -> float:
    """The median over rounds of own ÷ other, each round's two runs back to back (``round_order``): a
    slow spell of the machine then weighs on both sides of a ratio, not on one side of the medians."""
    ratios = [getattr(a, field) / max(getattr(b, field), 1e-9) for a, b in zip(own.runs, other.runs)]
    return round(statistics.median(ratios), 3)


ROWS = (("validate", "xxgk validate"), ("consolidate", "xxgk consolidate"),
        ("validate_windows", "validate 类Windows"), ("consolidate_windows", "consolidate 类Windows"),
        ("validate_compared", "validate 对照代码"), ("consolidate_compared", "consolidate 对照代码"),
        ("naive", "naive openpyxl"), ("floor", "floor (解压)"), ("validate_one", "validate 单个"))


def table(figures: dict) -> str:
    """The figures as a plain-text table (Chinese headings, as the CLI prints)."""
    lines = [f"N = {figures['n']}，每项取 {figures['reps']} 次的中位数；"
             f"{figures['machine']['cores']} 核，Python {figures['machine']['python']}；"
             f"{'预先编译（如同安装后）' if figures.get('bytecode', True) else '每个进程从源代码编译'}",
             f"{'项目':<14}{'文件数':>8}{'秒':>10}{'个/秒':>10}{'CPU秒':>10}{'单进程峰值MB':>14}{'进程树峰值MB':>14}"]
    for name, label in ROWS:
        r = figures["results"].get(name)
        if r is not None:
            lines.append(f"{label:<18}{r['files']:>8}{r['median_seconds']:>10.2f}{r['workbooks_per_second']:>10.0f}"
                         f"{r.get('median_cpu_seconds', 0):>10.2f}{r['peak_rss_mb']:>14.0f}{r['peak_tree_mb']:>14.0f}")
    both, ratios = figures["validate_then_consolidate"], figures["ratios"]
    lines.append(f"validate + consolidate 合计 {both['seconds']:.2f} 秒，{both['workbooks_per_second']:.0f} 个/秒")
    lines.append(f"对 naive：validate {ratios['validate_vs_naive']}×，consolidate {ratios['consolidate_vs_naive']}×；"
                 f"用时为 floor 的：validate {ratios['validate_time_vs_floor']}×，"
                 f"consolidate {ratios['consolidate_time_vs_floor']}×")
    for name, ratio in figures.get("time_vs_compared", {}).items():
        lines.append(f"{name} 用时为对照代码（{figures['compared_src']}）的 {ratio['seconds']}×，"
                     f"CPU 时间 {ratio['cpu_seconds']}×；逐轮相比的中位数：用时 {ratio['paired_seconds']}×，"
                     f"CPU 时间 {ratio['paired_cpu_seconds']}×")
    lines += [line for name, _label in ROWS[:4] if (line := _reading(name, figures["results"].get(name)))]
    if figures.get("targets"):
        lines += ["目标（issue 7）：", *target_lines(figures["targets"])]
    return "\n".join(lines)


def _reading(name: str, result: dict | None) -> str:
    """How the files of a run were read: by the fast reader, or handed to the careful one (and why)."""
    counts = (result or {}).get("counts")
    if not counts:
        return ""
    fallbacks = {key.split(":", 2)[2]: n for key, n in counts.items() if key.startswith("reader:fallback:")}
    workers = "，".join(f"{key.split(':')[1]} 工作进程 {n} 个" for key, n in counts.items() if key.startswith("workers:"))
    why = "；".join(f"{reason} ×{n}" for reason, n in sorted(fallbacks.items(), key=lambda item: -item[1])[:3])
    return (f"{name}：快速读取 {counts.get('reader:fast', 0)} 个，退回严格读取 {counts.get('reader:fallback', 0)} 个"
            + (f"（{why}）" if why else "") + (f"；{workers}" if workers else "；单进程"))


def write_json(figures: dict, path: Path) -> None:
    path.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
