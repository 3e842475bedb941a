"""Reading rules.yaml into RuleSpecs, with file and line in every complaint."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import XxgkError
from ..formats import FORMATS
from ..resources import rules_file

SEVERITIES = {"error": "错误", "warning": "警告"}
RULE_FIELDS = {
    "id", "title", "severity", "formats", "for_each", "assert", "message", "mark", "params",
    "enabled", "guard", "pending_if_blank", "description",
}
REQUIRED_FIELDS = ("id", "severity", "assert", "message")


class RulesError(XxgkError):
    """A rules file is wrong; ``problems`` are Chinese lines ``file:line: what``."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class RuleSpec:
    id: str
    severity: str
    formats: tuple[str, ...]
    condition: str
    message: str
    title: str = ""
    for_each: dict = field(default_factory=dict)
    mark: tuple[str, ...] = ()
    params: dict = field(default_factory=dict)
    guard: bool | None = None  # None: decided from the condition
    pending_if_blank: tuple[str, ...] = ()
    source: str = ""  # "file:line" for messages
    lines: dict = field(default_factory=dict)  # field name -> line in the file

    def where(self, field_name: str = "") -> str:
        """``file:line`` of one of the rule's fields, else of the rule."""
        path = self.source.rsplit(":", 1)[0]
        line = self.lines.get(field_name)
        return f"{path}:{line}" if line else self.source


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of every mapping as ``__line__``."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        mapping["__lines__"] = {str(k.value): k.start_mark.line + 1 for k, _v in node.value}
        return mapping


def default_rules_path() -> Path:
    """The rules.yaml shipped in the package (the repository's own in a source checkout)."""
    return Path(str(rules_file()))


def read_specs(path: str | Path | None = None) -> list[RuleSpec]:
    """Parse and check the shape of a rules file (not yet its cell references)."""
    path = Path(path) if path else default_rules_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise RulesError([f"{path}：无法读取规则文件（{err.strerror}）"]) from None
    except UnicodeDecodeError:
        raise RulesError([f"{path}：规则文件不是 UTF-8 编码"]) from None
    try:
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise RulesError([f"{where}: YAML 语法错误：{getattr(err, 'problem', err)}"]) from None
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise RulesError([f"{path}:1: 规则文件应有顶层键 rules:，其下是规则列表"])
    problems: list[str] = []
    specs: list[RuleSpec] = []
    seen: dict[str, int] = {}
    for entry in document["rules"]:
        spec = _spec(entry, path, problems)
        if spec is None:
            continue
        line = entry["__line__"]
        if spec.id in seen:
            problems.append(f"{path}:{line}: 规则编号“{spec.id}”重复（第 {seen[spec.id]} 行已有）")
            continue
        seen[spec.id] = line
        if entry.get("enabled", True) is not False:
            specs.append(spec)
    if problems:
        raise RulesError(problems)
    return specs


def _spec(entry, path: Path, problems: list[str]) -> RuleSpec | None:
    if not isinstance(entry, dict):
        problems.append(f"{path}: 规则列表中有一项不是“键: 值”形式的规则")
        return None
    where = f"{path}:{entry['__line__']}"
    before = len(problems)
    unknown = sorted(set(entry) - RULE_FIELDS - {"__line__", "__lines__"})
    if unknown:
        problems.append(f"{where}: 未知字段 {'、'.join(unknown)}（可用：{'、'.join(sorted(RULE_FIELDS))}）")
    for name in REQUIRED_FIELDS:
        if not entry.get(name):
            problems.append(f"{where}: 缺少字段 {name}")
    severity = entry.get("severity")
    if severity and severity not in SEVERITIES:
        problems.append(f"{where}: 未知级别“{severity}”，应为 error（强制）或 warning（核实）")
    formats = tuple(str(f) for f in entry.get("formats") or FORMATS)
    for fid in formats:
        if fid not in FORMATS:
            problems.append(f"{where}: 未知格式“{fid}”，可用：{'、'.join(FORMATS)}")
    for name, kind in (("for_each", dict), ("params", dict), ("mark", list), ("pending_if_blank", list)):
        if name in entry and not isinstance(entry[name], kind):
            problems.append(f"{where}: 字段 {name} 应为{'映射' if kind is dict else '列表'}")
    if len(problems) > before:
        return None
    return RuleSpec(
        id=str(entry["id"]), severity=severity, formats=formats,
        condition=str(entry["assert"]), message=str(entry["message"]),
        title=str(entry.get("title", "")),
        for_each=_plain(entry.get("for_each")),
        mark=tuple(str(m) for m in entry.get("mark") or ()),
        params=_plain(entry.get("params")),
        guard=entry.get("guard"),
        pending_if_blank=tuple(str(m) for m in entry.get("pending_if_blank") or ()),
        source=where, lines=entry["__lines__"],
    )


def _plain(mapping) -> dict:
    return {k: v for k, v in (mapping or {}).items() if k not in ("__line__", "__lines__")}
