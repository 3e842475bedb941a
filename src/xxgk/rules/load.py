"""Reading rules.yaml into RuleSpecs, with file and line in every complaint."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from ..catalogue import Level
from ..errors import ReadError, XxgkError
from ..formats import FORMATS
from ..inputs import read_input
from ..resources import rules_file

try:
    from yaml.cyaml import CParser  # PyYAML built with libyaml
except ImportError:
    CParser = None

SEVERITIES = {level.value: level.label for level in (Level.ERROR, Level.WARNING)}
RULE_FIELDS = {
    "id", "title", "severity", "formats", "for_each", "assert", "message", "mark", "params",
    "enabled", "guard", "pending_if_blank", "description",
}
REQUIRED_FIELDS = ("id", "severity", "assert", "message")
# A rules file is a few dozen rules (ours: 10 kB). Bounds that no real one comes near keep a hostile
# one from costing memory or time: its size, its YAML once aliases are expanded, each text field.
MAX_RULES_BYTES = 1024 * 1024
MAX_YAML_NODES = 50_000
MAX_YAML_DEPTH = 20
MAX_TEXT = 2000  # characters of a title, condition or message
MAX_PARAM_TEXT = 100
# In a message only {name} is a placeholder: no attribute, index, conversion or width (str.format's).
_BRACES = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|[{}]")


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


class _LineMarks:
    """A SafeLoader that remembers the line of every mapping as ``__line__``."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        mapping["__lines__"] = {str(k.value): k.start_mark.line + 1 for k, _v in node.value}
        return mapping


class PythonLineLoader(_LineMarks, yaml.SafeLoader):
    pass


def _libyaml_loader(parser) -> type:
    """libyaml's scanner and parser (a tenth of the time), Python's composer: libyaml's own composer
    recurses in C and crashes the process on a file nested a hundred thousand deep; Python's stops at
    the recursion limit like the rest of the pure-Python loader."""

    def __init__(self, stream):
        parser.__init__(self, stream)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        Composer.__init__(self)

    return type("LibyamlLineLoader", (_LineMarks, Composer, parser, SafeConstructor, Resolver), {"__init__": __init__})


LineLoader = _libyaml_loader(CParser) if CParser is not None else PythonLineLoader


def default_rules_path() -> Path:
    """The rules.yaml shipped in the package (the repository's own in a source checkout)."""
    return Path(str(rules_file()))


def read_specs(path: str | Path | None = None) -> list[RuleSpec]:
    """Parse and check the shape of a rules file (not yet its cell references)."""
    path = Path(path) if path else default_rules_path()
    try:
        text = read_input(path, MAX_RULES_BYTES).decode("utf-8")
    except ReadError as err:
        raise RulesError([f"{path}：无法读取规则文件：{err.reason}"]) from None
    except OSError as err:
        raise RulesError([f"{path}：无法读取规则文件（{err.strerror}）"]) from None
    except UnicodeDecodeError:
        raise RulesError([f"{path}：规则文件不是 UTF-8 编码"]) from None
    document = _parse_yaml(text, path)
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


def _parse_yaml(text: str, path: Path):
    """The document, built only after its size with every alias expanded has been counted."""
    loader = LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_size(node, path)
        return loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise RulesError([f"{where}: YAML 语法错误：{getattr(err, 'problem', err)}"]) from None
    except RecursionError:
        raise RulesError([f"{path}:1: YAML 内容嵌套过深，不是规则文件应有的样子"]) from None
    finally:
        loader.dispose()


def _check_size(root: yaml.Node, path: Path) -> None:
    """Refuse a document too deep, or too large once aliases are expanded (an alias bomb), at its line."""
    sizes: dict[int, int] = {}
    order, stack = [], [(root, 1)]
    while stack:  # children before parents, each node once (an alias is the same node object)
        node, level = stack.pop()
        if level > MAX_YAML_DEPTH:
            raise RulesError([f"{path}:{node.start_mark.line + 1}: YAML 内容嵌套超过 {MAX_YAML_DEPTH} 层，"
                              "不是规则文件应有的样子"])
        if id(node) in sizes:
            continue
        sizes[id(node)] = 0
        order.append(node)
        stack.extend((child, level + 1) for child in _yaml_children(node))
    for node in reversed(order):
        sizes[id(node)] = 1 + sum(sizes[id(child)] for child in _yaml_children(node))
    if sizes[id(root)] <= MAX_YAML_NODES:
        return
    node = root
    while True:  # down to the innermost node that is too large: where the aliases pile up
        larger = [c for c in _yaml_children(node) if sizes[id(c)] > MAX_YAML_NODES]
        if not larger:
            break
        node = larger[0]
    raise RulesError([f"{path}:{node.start_mark.line + 1}: YAML 内容展开别名（*名称）后超过 {MAX_YAML_NODES} 项，"
                      "规则文件不应这样写（可能是“别名炸弹”）"])


def _yaml_children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


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
    problems.extend(_text_problems(entry, path))
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


def _text_problems(entry: dict, path: Path) -> list[str]:
    """Text fields too long, params that are no plain value, message braces str.format would act on."""
    lines = entry["__lines__"]
    problems = []
    for name in ("id", "title", "assert", "message", "description"):
        value = entry.get(name)
        if value is not None and not isinstance(value, (str, int, float)):
            problems.append(f"{path}:{lines.get(name, entry['__line__'])}: 字段 {name} 应为一段文字")
        elif value is not None and len(str(value)) > MAX_TEXT:
            problems.append(f"{path}:{lines.get(name, entry['__line__'])}: 字段 {name} 超过 {MAX_TEXT} 个字符")
    params = entry.get("params")
    for key, value in (params.items() if isinstance(params, dict) else ()):
        if key in ("__line__", "__lines__"):
            continue
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or len(str(value)) > MAX_PARAM_TEXT:
            problems.append(f"{path}:{params['__lines__'].get(str(key), lines.get('params'))}: "
                            f"参数 {key} 应为一个数或一段短文字（不超过 {MAX_PARAM_TEXT} 个字符）")
    message = entry.get("message")
    if isinstance(message, str):
        stray = [m.group(0) for m in _BRACES.finditer(message) if len(m.group(0)) == 1]
        if stray:
            problems.append(f"{path}:{lines.get('message', entry['__line__'])}: 提示信息中的花括号只能写成"
                            "“{名称}”形式的占位符（如 {lhs}、{value}、for_each 变量或 params 的名称），"
                            f"不能有属性、下标、格式或单独的“{stray[0]}”")
    return problems


def _plain(mapping) -> dict:
    return {k: v for k, v in (mapping or {}).items() if k not in ("__line__", "__lines__")}
