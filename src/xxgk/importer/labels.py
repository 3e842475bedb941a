"""Finding the form's labels in the label stream: table titles, block headings, row labels.

Rows are searched in the order the format prints them, each within WINDOW label
characters of the previous one; the blocks of table 二 each from their own heading,
as extracted text may print them out of order. A row label not found is tried as
the other format prints the same row (规范性文件 / 行政规范性文件), exactly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from ..formats import FORMATS, Block, Format, Row, Table
from .budget import check_time
from .document import label_key
from .matching import Match, find_label
from .tokens import Stream

AFTER_TABLES = "五、存在的主要问题及改进情况"  # the section heading that follows table 四
WINDOW = 800  # how far (label characters) a row's label is searched beyond the previous one


@dataclass
class Anchor:
    begin: int  # token indices of the label, inclusive
    end: int
    table: Table | None = None  # None for headings, which only separate rows
    block: Block | None = None
    row: Row | None = None


@dataclass
class Labels:
    anchors: list[Anchor] = field(default_factory=list)
    titles: dict[str, int] = field(default_factory=dict)  # table key -> token of its title
    headings: dict[tuple[str, str], int] = field(default_factory=dict)  # (table, block) -> token of its heading
    stop: int = 0  # stream position where the tables end (the next section's heading)
    problems: list[str] = field(default_factory=list)


def find_labels(stream: Stream, fmt: Format) -> Labels:
    return _Finder(stream, fmt).find()


class _Finder:
    def __init__(self, stream: Stream, fmt: Format):
        self.stream, self.fmt = stream, fmt
        self.labels = Labels()

    def find(self) -> Labels:
        start, self.labels.stop = self._region()
        cursor = start
        for table in self.fmt.tables:
            title = self._heading(table.title, cursor)
            if title is not None:
                self.labels.titles[table.key] = self.stream.token_at(title.begin)
            table_start = title.end if title else cursor
            cursor = self._wide_header(table, table_start) if table.wide else self._blocks(table, table_start)
        return self.labels

    def _search(self, key: str, cursor: int, max_errors: int | None = None) -> Match | None:
        return find_label(key, self.stream.text, cursor, min(cursor + WINDOW, self.labels.stop), max_errors)

    def _blocks(self, table: Table, table_start: int) -> int:
        cursor = furthest = table_start
        for block in table.blocks:
            if block.label:
                heading = self._heading(block.label, table_start if len(table.blocks) > 1 else cursor)
                cursor = heading.end if heading else cursor
                if heading is not None:
                    self.labels.headings[(table.key, block.key)] = self.stream.token_at(heading.begin)
            for row in block.rows:
                cursor = self._row(table, block, row, cursor)
            furthest = max(furthest, cursor)
        return furthest

    def _region(self) -> tuple[int, int]:
        text = self.stream.text
        t2 = self.fmt.tables[0]
        firsts = [text.find(label_key(label)) for label in (t2.title, t2.blocks[0].label)]
        found = [p for p in firsts if p >= 0]
        start = min(found) if found else 0
        end = text.find(label_key(AFTER_TABLES), start)
        return start, end if end >= 0 else len(text)

    def _heading(self, label: str, cursor: int) -> Match | None:
        """Titles and 第二十条 block labels match exactly: “第（六）项” and “第（八）项” differ by one character."""
        match = self._search(label_key(label), cursor, 0)
        if match is not None:
            self._anchor(match)
        return match

    def _row(self, table: Table, block: Block, row: Row, cursor: int) -> int:
        check_time("查找表格行")
        match = self._search(label_key(row.label), cursor)
        for other in other_labels(table.key, row):
            if match is not None:
                break
            match = self._search(other, cursor, 0)
        if match is None:
            return cursor
        self._anchor(match, table, block, row)
        return match.end

    def _wide_header(self, table: Table, cursor: int) -> int:
        """Table 四: one row of figures under its headers; anchor on the last header row label."""
        block = table.blocks[0]
        found = None
        for row in block.rows:
            for label in (*row.path, row.label):
                match = self._search(label_key(label), cursor)
                if match:
                    found, cursor = match, match.end
        if found is None:
            self.labels.problems.append(f"表{table.number}：原文中未找到“{block.rows[0].label}”等表头，整张表未导入。")
            return cursor
        token = self.stream.token_at(found.end - 1)
        self.labels.anchors.append(Anchor(token, token, table, block, None))
        return cursor

    def _anchor(self, match: Match, table: Table | None = None, block: Block | None = None,
                row: Row | None = None) -> None:
        begin, end = self.stream.token_at(match.begin), self.stream.token_at(match.end - 1)
        self.labels.anchors.append(Anchor(begin, end, table, block, row))


@cache
def _labels_by_row() -> dict[tuple[str, str], frozenset[str]]:
    labels: dict[tuple[str, str], set[str]] = {}
    for fmt in FORMATS.values():
        for table in fmt.tables:
            for block in table.blocks:
                for row in block.rows:
                    labels.setdefault((table.key, row.key), set()).add(label_key(row.label))
    return {key: frozenset(found) for key, found in labels.items()}


def other_labels(table_key: str, row: Row) -> list[str]:
    """The same row as the other format prints it (规范性文件 / 行政规范性文件), matched exactly."""
    return sorted(_labels_by_row()[(table_key, row.key)] - {label_key(row.label)})
