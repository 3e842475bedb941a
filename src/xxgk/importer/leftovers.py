"""What the placement left over, said in Chinese: rows without figures, figures without a row."""
from __future__ import annotations

from ..formats import Block, Format, Row, Table
from .document import for_display
from .runs import Run
from .tokens import Token, TokenKind

_PROSE_WORDS = 30  # label characters beyond which a line of figures is a sentence, not a table row


def row_name(table: Table, block: Block, row: Row) -> str:
    prefix = f"表{table.number}"
    if block.label:
        prefix += f" {block.label}"
    return f"{prefix}“{row.label}”"


def missing_rows(fmt: Format, values: dict, refused: set[tuple[str, str]]) -> list[str]:
    """A line for each row that got no figure and was not already reported as refused."""
    found = []
    for table in fmt.tables:
        if table.wide:
            continue
        for block in table.blocks:
            for row in block.rows:
                keys = [f"{table.key}.{row.key}.{c.key}" for c in block.columns]
                if not any(k in values for k in keys) and (table.key, row.key) not in refused:
                    found.append(f"{row_name(table, block, row)}：原文中未找到这一行的数字，其{len(keys)}个格未导入。")
    return found


def unplaced(runs: list[Run], tokens: list[Token], lines) -> list[str]:
    """A line for each group of figures no row took, unless it is part of a sentence."""
    words: dict[int, str] = {}
    for token in tokens:
        if token.kind is TokenKind.TEXT:
            words[token.line] = words.get(token.line, "") + token.text
    found = []
    for run in runs:
        prose = not run.alone and not lines[run.line].structured and (
            len(words.get(run.line, "")) > _PROSE_WORDS or "。" in words.get(run.line, ""))
        if run.claimed or prose:
            continue
        found.append(f"原文{lines[run.line].where}“{text_before(tokens, run.first)}”之后的一组数字"
                     f"（{run.text()}）不属于本格式的任何一行，未导入。")
    return found


def text_before(tokens: list[Token], index: int) -> str:
    """The label text just before token ``index`` (about 12 characters), for messages."""
    words: list[str] = []
    for token in reversed(tokens[max(index - 200, 0):index]):
        if token.kind is TokenKind.TEXT:
            words.insert(0, token.text)
            if len("".join(words)) >= 12:
                break
    text = "".join(words).replace("\n", "")
    return for_display(text[-20:]) if text else "表格开头"
