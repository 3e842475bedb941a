"""Every xlwings member the stand-in offers exists on the installed xlwings, with a compatible signature.

The list is read from the stand-in classes themselves, so it cannot drift from
what xxgk.excel is able to call. (Members of the native COM objects reached
through ``.api`` — Worksheet/Workbook Protect and Unprotect — are Excel's own
and cannot be checked on Linux.)
"""
from __future__ import annotations

import inspect

import pytest
import xlwings.main as real

import excel_standin as xs

# members xxgk.excel calls only where the installed xlwings has them, and what it uses otherwise
# (xlwings 0.37.0, the newest release for Python 3.10, has no Range.add_note)
FALLBACKS = {("Range", "add_note"): ("Range", "api")}
MEMBERS = [(cls, name) for cls in xs.XLWINGS_STANDINS for name, member in vars(cls).items()
           if (not name.startswith("_") or name == "__getitem__" or (name == "__init__" and cls.CONSTRUCTED))
           and (callable(member) or isinstance(member, (property, classmethod)))]


def test_the_standin_covers_the_calls_the_buttons_make():
    names = {f"{cls.__name__}.{name}" for cls, name in MEMBERS}
    for expected in ("Book.caller", "Book.fullname", "Book.sheets", "Book.app", "Book.api", "Sheets.__getitem__",
                     "Sheet.range", "Sheet.used_range", "Sheet.api", "Range.value", "Range.color", "Range.note",
                     "Range.add_note", "Range.options", "Note.text", "Note.delete", "App.alert"):
        assert expected in names


@pytest.mark.parametrize("cls,name", MEMBERS, ids=[f"{c.__name__}.{n}" for c, n in MEMBERS])
def test_member_exists_on_real_xlwings(cls, name):
    real_cls = getattr(real, cls.__name__)
    if not hasattr(real_cls, name) and (cls.__name__, name) in FALLBACKS:
        owner, fallback = FALLBACKS[cls.__name__, name]
        assert isinstance(inspect.getattr_static(getattr(real, owner), fallback), property)
        pytest.skip(f"this xlwings has no {cls.__name__}.{name}; xxgk uses {owner}.{fallback} instead")
    assert hasattr(real_cls, name), f"xlwings.{cls.__name__} has no {name}"
    ours, theirs = inspect.getattr_static(cls, name), inspect.getattr_static(real_cls, name)
    if isinstance(ours, property):
        assert isinstance(theirs, property), f"{cls.__name__}.{name} is not a property in xlwings"
        assert ours.fset is None or theirs.fset is not None, f"{cls.__name__}.{name} is read-only in xlwings"
        return
    assert isinstance(ours, classmethod) == isinstance(theirs, classmethod)
    _compatible(getattr(cls, name), getattr(real_cls, name), f"{cls.__name__}.{name}")


def _compatible(ours, theirs, label: str) -> None:
    """Every parameter we accept exists there by name and kind; nothing there is required that we lack."""
    mine = {n: p for n, p in inspect.signature(ours).parameters.items() if n != "self"}
    real_params = {n: p for n, p in inspect.signature(theirs).parameters.items() if n != "self"}
    var_keyword = any(p.kind is p.VAR_KEYWORD for p in real_params.values())
    for name, param in mine.items():
        if param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
            assert any(p.kind is param.kind for p in real_params.values()), f"{label}: xlwings has no {param}"
            continue
        assert name in real_params or var_keyword, f"{label}: xlwings has no parameter {name}"
        if name in real_params:
            assert real_params[name].kind is param.kind, f"{label}: {name} is {real_params[name].kind} in xlwings"
    for name, param in real_params.items():
        required = param.default is param.empty and param.kind not in (param.VAR_KEYWORD, param.VAR_POSITIONAL)
        assert not required or name in mine, f"{label}: xlwings requires {name}"
