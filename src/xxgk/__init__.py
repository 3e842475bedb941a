"""xxgk: 政府信息公开工作年度报告 — template, rules, validation and consolidation.

For analysts: ``xxgk.read_forms(paths)`` and ``xxgk.read_summary(path)`` give tidy pandas
DataFrames (see ``xxgk.frames``); pandas is imported only when they are first used.
"""
__version__ = "0.1.0"
__all__ = ["read_forms", "read_summary", "__version__"]


def __getattr__(name: str):
    if name in ("read_forms", "read_summary"):
        from . import frames

        return getattr(frames, name)
    raise AttributeError(f"module 'xxgk' has no attribute {name!r}")
