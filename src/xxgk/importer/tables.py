"""Placing the figures of tables 二, 三 and 四 by their labels.

Labels come from the format description. Each row's label is found in the
label stream, in the order the format prints them; the row takes the figures
that sit with its label (inside a label split over lines, after it on the same
line, or, in flowing PDF text, on a line of their own beside it). A row whose
figures are not exactly as many as its columns is left out and reported: a
missing or extra figure never shifts the figures of other rows or columns.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..formats import Block, Format, Row, Table
from .document import for_display, label_key
from .matching import find_label
from .runs import Run, find_runs, merge_adjacent
from .tokens import Stream, Token, TokenKind

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
class Placement:
    values: dict = field(default_factory=dict)
    blanks: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    where: dict = field(default_factory=dict)  # key -> where in the source its figure was found
    table_tokens: tuple[int, int] | None = None  # first and last token of the tables


class Placer:
    def __init__(self, tokens: list[Token], stream: Stream, fmt: Format, lines, exact_cells: bool = False):
        self.tokens, self.stream, self.fmt, self.lines = tokens, stream, fmt, lines
        self.exact_cells = exact_cells
        # lines of unstructured text: only there may figures sit on a line apart from their label
        self.flowing_lines = {i for i, line in enumerate(lines) if not line.structured}
        self.result = Placement()
        self.anchors: list[Anchor] = []

    # -- finding the labels ---------------------------------------------------------------

    def place(self) -> Placement:
        start, stop = self._region()
        self.stop = stop
        cursor = start
        for table in self.fmt.tables:
            cursor = self._heading(table.title, cursor)
            if table.wide:
                cursor = self._wide_header(table, cursor)
                continue
            for block in table.blocks:
                if block.label:
                    cursor = self._heading(block.label, cursor)
                for row in block.rows:
                    cursor = self._row(table, block, row, cursor)
        self._assign()
        return self.result

    def _region(self) -> tuple[int, int]:
        text = self.stream.text
        t2 = self.fmt.tables[0]
        firsts = [text.find(label_key(label)) for label in (t2.title, t2.blocks[0].label)]
        found = [p for p in firsts if p >= 0]
        start = min(found) if found else 0
        end = text.find(label_key(AFTER_TABLES), start)
        return start, end if end >= 0 else len(text)

    def _heading(self, label: str, cursor: int) -> int:
        """Titles and 第二十条 block labels match exactly: “第（六）项” and “第（八）项” differ by one character."""
        match = find_label(label_key(label), self.stream.text, cursor, min(cursor + WINDOW, self.stop), 0)
        if match is None:
            return cursor
        self.anchors.append(Anchor(self.stream.token_at(match.begin), self.stream.token_at(match.end - 1)))
        return match.end

    def _row(self, table: Table, block: Block, row: Row, cursor: int) -> int:
        match = find_label(label_key(row.label), self.stream.text, cursor, min(cursor + WINDOW, self.stop))
        if match is None:
            self.result.problems.append(f"{_row_name(table, block, row)}：原文中未找到这一行，其{len(block.columns)}个数字未导入。")
            return cursor
        begin, end = self.stream.token_at(match.begin), self.stream.token_at(match.end - 1)
        self.anchors.append(Anchor(begin, end, table, block, row))
        return match.end

    def _wide_header(self, table: Table, cursor: int) -> int:
        """Table 四: one row of figures under its headers; anchor on the last header row label."""
        block = table.blocks[0]
        found = None
        for row in block.rows:
            for label in (*row.path, row.label):
                match = find_label(label_key(label), self.stream.text, cursor, min(cursor + WINDOW, self.stop))
                if match:
                    found, cursor = match, match.end
        if found is None:
            self.result.problems.append(f"表{table.number}：原文中未找到“{block.rows[0].label}”等表头，整张表未导入。")
            return cursor
        token = self.stream.token_at(found.end - 1)
        self.anchors.append(Anchor(token, token, table, block, None))
        return cursor

    # -- giving each row its figures -------------------------------------------------------

    def _assign(self) -> None:
        if not self.anchors:
            return
        first = self.anchors[0].begin
        stop_token = self.stream.token_at(self.stop) if self.stop < len(self.stream.text) else len(self.tokens)
        runs = find_runs(self.tokens, first, stop_token, self.flowing_lines, self.exact_cells)
        for index, anchor in enumerate(self.anchors):
            if anchor.table is None:
                continue
            previous_end = self.anchors[index - 1].end if index else first - 1
            next_begin = self.anchors[index + 1].begin if index + 1 < len(self.anchors) else stop_token
            if anchor.row is None:
                self._take_wide(anchor, runs, next_begin)
            else:
                self._take_row(anchor, runs, previous_end, next_begin)
        self._report_unplaced(runs)
        claimed = [r.last for r in runs if r.claimed] + [a.end for a in self.anchors]
        self.result.table_tokens = (first, max(claimed))

    def _take_row(self, anchor: Anchor, runs: list[Run], previous_end: int, next_begin: int) -> None:
        free = [r for r in runs if not r.claimed]
        inside = [r for r in free if anchor.begin < r.first and r.last < anchor.end]
        after = [r for r in free if anchor.end < r.first < next_begin]
        before = [r for r in free if previous_end < r.first and r.last < anchor.begin and r.alone]
        flowing = self.tokens[anchor.end].line in self.flowing_lines
        run = None
        if len(inside) == 1:
            run = inside[0]
        elif after and after[0].line == self.tokens[anchor.end].line:
            run = after[0]
        elif flowing and before:
            run = before[-1]  # printed just above a label that is vertically centred
        elif flowing and after and after[0].alone:
            run = after[0]
        keys = [f"{anchor.table.key}.{anchor.row.key}.{c.key}" for c in anchor.block.columns]
        name = _row_name(anchor.table, anchor.block, anchor.row)
        self._put(run, keys, name)

    def _take_wide(self, anchor: Anchor, runs: list[Run], next_begin: int) -> None:
        keys = [k for k, cell in self.fmt.cells.items() if cell.table is anchor.table]
        free = merge_adjacent([r for r in runs if not r.claimed], len(keys))
        after = [r for r in free if anchor.end < r.first < next_begin]
        self._put(after[0] if after else None, keys, f"表{anchor.table.number}")
        if after:  # the merged run stands for the runs it joined
            for run in runs:
                if after[0].first <= run.first <= after[0].last:
                    run.claimed = True

    def _put(self, run: Run | None, keys: list[str], name: str) -> None:
        if run is None:
            self.result.problems.append(f"{name}：找到了这一行的标签，但没有找到它的数字，{len(keys)}个格未导入。")
            return
        run.claimed = True
        where = self._where(run)
        values = run.fitted(len(keys))
        if values is None:
            self.result.problems.append(
                f"{name}：应有{len(keys)}个数字，{where}找到{len(run.values)}个（{run.text()}），"
                f"无法确定每个数字属于哪一列，这一行未导入，请对照原文填写。"
            )
            return
        for key, value in zip(keys, values):
            self.result.values[key] = value
            self.result.where[key] = where
            if value is None:
                self.result.blanks.append(key)

    def _report_unplaced(self, runs: list[Run]) -> None:
        for run in runs:
            if run.claimed or not self._looks_tabular(run):
                continue
            before = self._text_before(run.first)
            self.result.problems.append(
                f"{self._where(run)}“{before}”之后的一组数字（{run.text()}）不属于本格式的任何一行，未导入。"
            )

    def _looks_tabular(self, run: Run) -> bool:
        """Figures inside a sentence between the tables are prose, not an unplaced table row."""
        if run.alone or run.line not in self.flowing_lines:
            return True
        words = "".join(t.text for t in self.tokens if t.line == run.line and t.kind is TokenKind.TEXT)
        return len(words) <= 30 and "。" not in words

    def _text_before(self, index: int) -> str:
        words: list[str] = []
        for token in reversed(self.tokens[:index]):
            if token.kind is TokenKind.TEXT:
                words.insert(0, token.text)
                if len("".join(words)) >= 12:
                    break
        text = "".join(words).replace("\n", "")
        return for_display(text[-20:]) if text else "表格开头"

    def _where(self, run: Run) -> str:
        return f"原文{self.lines[run.line].where}"


def _row_name(table: Table, block: Block, row: Row) -> str:
    prefix = f"表{table.number}"
    if block.label:
        prefix += f" {block.label}"
    return f"{prefix}“{row.label}”"


def place_tables(tokens: list[Token], stream: Stream, fmt: Format, lines, exact_cells: bool = False) -> Placement:
    """``lines``: the Document's lines, for where the figures were found and which are flowing text.

    ``exact_cells``: the source's table cells are real (docx, html: a merged cell is one cell), so an
    empty cell between a label and its figures is a blank of the row, not layout.
    """
    return Placer(tokens, stream, fmt, lines, exact_cells).place()
