"""Issue 7's targets, judged from one run's figures (and, for flatness, a smaller run's).

A verdict is data (name, wanted, measured, met), so the JSON carries it and the
table prints it; nothing here times anything.
"""
from __future__ import annotations

RATE = 1500  # workbooks per second, each command on its own
VS_NAIVE = 15
VS_FLOOR = 4
PEAK_MB = 300
FLAT = 1.5  # the larger run's peak over the smaller run's
SINGLE_SECONDS = 1.0


def verdicts(figures: dict, smaller: dict | None = None) -> list[dict]:
    results, ratios = figures["results"], figures["ratios"]
    found = [
        _verdict(f"validate ≥ {RATE} 个/秒", RATE, results["validate"]["workbooks_per_second"], higher=True),
        _verdict(f"consolidate ≥ {RATE} 个/秒", RATE, results["consolidate"]["workbooks_per_second"], higher=True),
        _verdict(f"validate ≥ naive 的 {VS_NAIVE} 倍", VS_NAIVE, ratios["validate_vs_naive"], higher=True),
        _verdict(f"consolidate ≥ naive 的 {VS_NAIVE} 倍", VS_NAIVE, ratios["consolidate_vs_naive"], higher=True),
        _verdict(f"validate 用时 ≤ floor 的 {VS_FLOOR} 倍", VS_FLOOR, ratios["validate_time_vs_floor"]),
        _verdict(f"consolidate 用时 ≤ floor 的 {VS_FLOOR} 倍", VS_FLOOR, ratios["consolidate_time_vs_floor"]),
        _verdict(f"进程树峰值 < {PEAK_MB} MB", PEAK_MB, _peak(figures, "peak_tree_mb")),
        _verdict(f"单个文件 validate（含启动）< {SINGLE_SECONDS:g} 秒", SINGLE_SECONDS,
                 figures["single_file_validate_seconds"]),
    ]
    if smaller is not None and smaller["n"] < figures["n"]:
        for key, label in (("peak_tree_mb", "进程树"), ("peak_rss_mb", "单进程")):
            ratio = round(_peak(figures, key) / max(_peak(smaller, key), 1e-9), 2)
            found.append(_verdict(f"内存平稳：N={figures['n']} 的{label}峰值 ≤ N={smaller['n']} 的 {FLAT} 倍",
                                  FLAT, ratio))
    return found


def _peak(figures: dict, key: str) -> float:
    return max(figures["results"][name][key] for name in ("validate", "consolidate"))


def _verdict(name: str, wanted: float, measured: float, higher: bool = False) -> dict:
    met = measured >= wanted if higher else measured <= wanted
    return {"target": name, "wanted": wanted, "measured": measured, "met": met}


def lines(found: list[dict]) -> list[str]:
    return [f"  {'达到' if v['met'] else '未达到'}  {v['target']}：实测 {v['measured']}" for v in found]
