"""The catalogue of words (xxgk.catalogue): every member worded in Chinese, every template filled by
exactly the fields its call sites pass, and no status spelled outside it."""
from __future__ import annotations

import ast
import importlib
import json
import pickle
import re

import pytest

from test_architecture import modules
from xxgk.catalogue import (CATALOGUE, CheckStatus, FindingKind, Level, ReadErrorKind, ReadMessage, RosterStatus,
                            Status, Worded)

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# What programs have always seen (--json "status" and "error_kind", summaries' 状态 column, rule ids):
# a member may be added, but none of these may change.
PUBLISHED = {
    Status: ["通过", "有错误", "有警告", "已说明", "无法读取", "年度不符", "格式不符", "重复（已被替代）", "已排除",
             "汇总表（未计入）", "标记副本（未计入）"],
    CheckStatus: ["不通过", "通过", "已说明", "待填写"],
    Level: ["error", "warning", "explained"],
    FindingKind: ["单位-信用代码重复", "原文留空", "跨年-上年报表", "导入-缺失", "叙述-年度", "叙述-一致"],
    ReadErrorKind: ["missing", "directory", "broken_link", "link_loop", "not_regular", "unreadable", "empty", "xls",
                    "encrypted", "xlsb", "ods", "odf", "word", "office", "ole", "zip", "pdf", "image", "html", "csv",
                    "text", "damaged", "unknown", "too_large", "unsafe_xml", "unsafe", "not_template",
                    "unknown_format", "old_template", "not_summary", "not_saved", "unsupported", "encoding",
                    "too_deep", "timeout", "no_text", "no_tables", "no_name_column", "import", "failed"],
}
# Status words still spelled outside the catalogue, and why. Ratchet: this may only shrink.
ALLOWED_SPELLINGS = {
    ("consolidate/labels.py", "未报送"),  # the name of the summary's sheet of missing agencies, a layout word
}
WORDS = {member.label for enum in (Status, CheckStatus, RosterStatus) for member in enum}


def members():
    return [member for enum in CATALOGUE for member in enum]


@pytest.mark.parametrize("enum", list(PUBLISHED), ids=lambda enum: enum.__name__)
def test_published_values_never_change(enum):
    assert [m.value for m in enum][:len(PUBLISHED[enum])] == PUBLISHED[enum]


def test_every_member_has_a_chinese_label_and_equals_its_value_as_text():
    for member in members():
        assert CHINESE.search(member.label), repr(member)
        assert member == member.value and str(member) == member.value and f"{member}" == member.value
        assert hash(member) == hash(member.value)  # a plain string read back finds the member's dict entry


@pytest.mark.parametrize("enum", [e for e in CATALOGUE if e is not ReadMessage], ids=lambda e: e.__name__)
def test_no_two_members_share_a_label(enum):
    """ReadMessage is left out: its members are further sentences of a kind, and carry that kind's label."""
    labels = [m.label for m in enum]
    assert len(labels) == len(set(labels))


def test_a_read_message_is_labelled_as_its_kind():
    for message in ReadMessage:
        assert isinstance(message.kind, ReadErrorKind) and message.label == message.kind.label


def test_every_template_fills_with_exactly_its_fields():
    templated = [m for m in members() if m.template]
    assert len(templated) > 40
    for member in templated:
        text = member.message(**dict.fromkeys(member.fields, 7))  # a number suits every field, {seconds:g} too
        assert CHINESE.search(text) and "{" not in text and "}" not in text, member
        if member.fields:
            with pytest.raises(TypeError):
                member.message()
        with pytest.raises(TypeError):
            member.message(**{name: "" for name in member.fields}, unexpected="")


def template_calls():
    """(module, line, member, keyword names, positional count) of every ``<member>.error(...)`` and
    ``<member>.message(...)`` in the source whose receiver names a catalogue member."""
    for name, tree in modules():
        module = None
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("error", "message") and _dotted(node.func.value)):
                continue
            module = module or importlib.import_module("xxgk." + name.removesuffix(".py").replace("/", ".")
                                                       .removesuffix(".__init__"))
            receiver = _resolve(node.func.value, vars(module))
            if isinstance(receiver, Worded):
                yield name, node.lineno, receiver, node.func.attr, {k.arg for k in node.keywords}, len(node.args)


def _dotted(node) -> bool:
    return isinstance(node, ast.Name) or (isinstance(node, ast.Attribute) and _dotted(node.value))


def _resolve(node, namespace: dict):
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    owner = _resolve(node.value, namespace)
    return getattr(owner, node.attr, None) if owner is not None else None


def test_every_call_site_passes_exactly_the_fields_of_its_template():
    calls = list(template_calls())
    assert len(calls) > 25
    for name, line, member, verb, keywords, positional in calls:
        assert keywords == member.fields, f"{name}:{line} {member!r} takes {sorted(member.fields)}"
        assert positional == (1 if verb == "error" else 0), f"{name}:{line}"


def test_every_read_error_in_the_source_names_a_catalogue_kind():
    """No free string as a kind: ``ReadError(path, "damaged", …)`` is how kinds drifted apart."""
    free = [(name, node.lineno) for name, tree in modules() for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "ReadError"
            and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)]
    assert free == []


def test_no_status_word_is_spelled_outside_the_catalogue():
    spelled = {(name, node.value) for name, tree in modules() if name != "catalogue.py" for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in WORDS}
    assert spelled <= ALLOWED_SPELLINGS, sorted(spelled - ALLOWED_SPELLINGS)
    assert spelled == ALLOWED_SPELLINGS, "spelled no more: remove from ALLOWED_SPELLINGS " \
                                         f"{sorted(ALLOWED_SPELLINGS - spelled)}"


def test_a_read_error_keeps_its_kind_between_processes_and_in_json():
    import xxgk.parallel  # noqa: F401 -- teaches pickle to carry a ReadError

    err = ReadErrorKind.TOO_LARGE.error("报表.xlsx", detail="压缩比异常")
    again = pickle.loads(pickle.dumps(err))
    assert again.kind is ReadErrorKind.TOO_LARGE and again.kind == "too_large" and str(again) == str(err)
    assert str(err) == "报表.xlsx：" + ReadErrorKind.TOO_LARGE.message(detail="压缩比异常")
    shown = json.loads(json.dumps({"status": Status.UNREADABLE, "error_kind": err.kind}, ensure_ascii=False))
    assert shown == {"status": "无法读取", "error_kind": "too_large"}


def test_finding_kinds_are_not_rules_of_the_rules_file():
    from xxgk.rules import load_rules

    assert not {spec.id for spec in load_rules().specs} & {kind.value for kind in FindingKind}


def test_status_knows_which_are_included():
    assert [s for s in Status if s.included] == [Status.PASSED, Status.ERRORS, Status.WARNINGS, Status.EXPLAINED]
    assert Status("无法读取") is Status.UNREADABLE and not Status.UNREADABLE.included
