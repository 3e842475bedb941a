"""identity.name_key: its one-pass form for printable text drops exactly what the per-character rule drops."""
import sys
import unicodedata

from xxgk.identity import PRINTABLE_DROPS, code_key, credit_code_problem, is_invisible, name_key


def test_printable_characters_dropped_are_exactly_the_table():
    """The shortcut holds over every code point: a printable character is invisible iff the table has it."""
    disagree = [hex(code) for code in range(sys.maxunicode + 1)
                if chr(code).isprintable() and is_invisible(chr(code)) != (code in PRINTABLE_DROPS)]
    assert disagree == []


def slow_key(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", name) if not is_invisible(ch))


def test_name_key_matches_the_per_character_rule_with_and_without_control_characters():
    names = ["北京市 某某局", "ＡＢＣ　区\u3164政府", "某\ufe0f局\u034f", "某\u200b局\ufeff", "某\t局\r\n",
             "某\u00ad局\u2028办", "\U000e0101区", "  "]
    assert [name_key(n) for n in names] == [slow_key(n) for n in names]
    assert name_key("ＡＢＣ　区\u3164政府") == "ABC区政府"
    assert name_key("某\u200b局\ufeff") == "某局"


def test_code_key_keeps_only_real_codes():
    real = "91350100M000100Y43"
    assert credit_code_problem(real) is None and code_key(" " + real.lower()) == real
    assert code_key("000000000000000000") == "" and code_key("") == ""
