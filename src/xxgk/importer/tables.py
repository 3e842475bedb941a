"""Placing the figures of tables 二, 三 and 四 by their labels.

Labels come from the format description. Each row's label is found in the label
stream, in the order the format prints them (the blocks of table 二 each from their
own heading, as extracted text may print them out of order); the row takes the
figures that sit with its label: the cells after it in a table row (blanks keep their
columns), figures inside a label split over lines, after it on the same line, or, in
flowing PDF text, on a line of their own beside it. Rows left over are placed by the
form's order where the counts leave no doubt (rowfill.py). A row whose figures are
not exactly as many as its columns is left out and reported: a missing or extra
figure never shifts the figures of other rows or columns.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..formats import Block, Format, Kind, Row, Table
from .document import label_key
from .labels import Anchor, find_labels
from .leftovers import missing_rows, row_name, text_before, unplaced
from .rowfill import by_order, gaps, group_row, group_values
from .runs import Run, find_runs, merge_adjacent
from .tokens import Stream, Token, TokenKind

WAN = 10_000  # 元 in a 万元
_NEAR = 3  # lines below its label where a row's figures printed apart may start


@dataclass
class Placement:
    values: dict = field(default_factory=dict)
    blanks: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # how figures were placed, where not plainly by label
    derived: list = field(default_factory=list)  # keys whose figure follows from a group printed as one row
    where: dict = field(default_factory=dict)  # key -> where in the source its figure was found
    table_tokens: tuple[int, int] | None = None  # first and last token of the tables


class Placer:
    def __init__(self, tokens: list[Token], stream: Stream, fmt: Format, lines, exact_cells: bool = False):
        self.tokens, self.stream, self.fmt, self.lines = tokens, stream, fmt, lines
        self.exact_cells = exact_cells
        # lines of unstructured text: only there may figures sit on a line apart from their label
        self.flowing_lines = {i for i, line in enumerate(lines) if not line.structured}
        self.result = Placement()
        self.refused: set[tuple[str, str]] = set()  # (table, row) keys of rows whose figures were refused
        self.spans: dict[str, dict[str, tuple[int, int]]] = {}  # table key -> row key -> tokens of its figures

    def place(self) -> Placement:
        labels = find_labels(self.stream, self.fmt)
        self.anchors, self.titles, self.headings, self.stop = labels.anchors, labels.titles, labels.headings, labels.stop
        self.result.problems += labels.problems
        self._assign()
        return self.result

    # -- giving each row its figures -------------------------------------------------------

    def _assign(self) -> None:
        if not self.anchors:
            return
        self.anchors.sort(key=lambda a: a.begin)
        first = self.anchors[0].begin
        stop_token = self.stream.token_at(self.stop) if self.stop < len(self.stream.text) else len(self.tokens)
        runs = find_runs(self.tokens, first, stop_token, self.flowing_lines, self.exact_cells)
        for index, anchor in enumerate(self.anchors):
            if anchor.table is None:
                continue
            next_begin = self.anchors[index + 1].begin if index + 1 < len(self.anchors) else stop_token
            if anchor.row is None:
                self._take_wide(anchor, runs, next_begin)
            else:
                self._take_row(anchor, runs, next_begin)
        for table in self.fmt.tables:
            if not table.wide:
                self._fill_gaps(table, runs, stop_token)
        self.result.problems += missing_rows(self.fmt, self.result.values, self.refused)
        claimed = [r.last for r in runs if r.claimed] + [a.end for a in self.anchors]
        self.result.table_tokens = (first, max(claimed))
        self.result.problems += unplaced([r for r in runs if r.first < max(claimed)], self.tokens, self.lines)

    def _take_row(self, anchor: Anchor, runs: list[Run], next_begin: int) -> None:
        want = len(anchor.block.columns)
        if self._take_cells(anchor, runs, want):
            return
        free = [r for r in runs if not r.claimed]
        inside = [r for r in free if anchor.begin < r.first and r.last < anchor.end]
        last_line = self.tokens[anchor.end].line
        flowing = last_line in self.flowing_lines
        # after the label: on its line, or (flowing text) on a line of figures alone just below it
        after = [r for r in free if anchor.end < r.first < next_begin
                 and (r.line == last_line or flowing and r.alone and r.line <= last_line + _NEAR)]
        run = inside[0] if len(inside) == 1 else after[0] if after else None
        if run is None or run in inside:
            self._put(run, anchor.table, anchor.block, anchor.row)
            return
        if self._stacked(run, want):
            parts = run.split(self.tokens, want)
            runs[runs.index(run):runs.index(run) + 1] = parts
            run = parts[0]
        if run.line != last_line and not self._adds_up(run, anchor.table, anchor.block, anchor.row):
            run.claimed = True  # figures apart from the label that do not make a row of this table
            self.refused.add((anchor.table.key, anchor.row.key))
            self.result.problems.append(f"{row_name(anchor.table, anchor.block, anchor.row)}：数字（{run.text()}）"
                                        f"不在标签所在行，且总计与各项之和不符，无法确定属于这一行，未导入。")
            return
        self._put(run, anchor.table, anchor.block, anchor.row)

    def _adds_up(self, run: Run, table: Table, block: Block, row: Row) -> bool:
        """A row of figures found apart from its label must at least add up: its 总计 is its parts' sum."""
        values = run.fitted(len(block.columns))
        if values is None:
            return True  # refused anyway, with the count
        row_values = {f"{table.key}.{row.key}.{c.key}": v or 0 for c, v in zip(block.columns, values)}
        totals = [self.fmt.cells[k] for k in row_values if self.fmt.cells[k].is_total]
        return all(row_values[t.key] == sum(row_values.get(p, 0) for p in t.total_of)
                   for t in totals if all(p in row_values for p in t.total_of))

    def _stacked(self, run: Run, want: int) -> bool:
        """Several rows' figures one per line after a label: as many whole rows as the table is wide."""
        several_lines = self.tokens[run.first].line != self.tokens[run.last].line
        return several_lines and len(run.values) > want and len(run.values) % want == 0

    def _take_cells(self, anchor: Anchor, runs: list[Run], want: int) -> bool:
        """A table row: the cells after the label are the row's figures, empty cells its blanks."""
        line = self.tokens[anchor.end].line
        if not self.lines[line].exact or len(self.lines[line].cells) < 2:
            return False
        cells = []
        index = anchor.end + 1
        while index < len(self.tokens) and self.tokens[index].line == line:
            if self.tokens[index].kind is TokenKind.TEXT:
                return False
            cells.append(self.tokens[index])
            index += 1
        while len(cells) > want and cells[-1].kind is TokenKind.EMPTY:
            cells.pop()  # padding after the last column
        if not cells or len(cells) != want:
            return False
        ours = [r for r in runs if not r.claimed and r.line == line and r.first > anchor.end]
        for run in ours:
            run.claimed = True
        run = Run(anchor.end + 1, anchor.end + len(cells), line, [t.value for t in cells], False,
                  [t.unit for t in cells])
        self._put(run, anchor.table, anchor.block, anchor.row)
        return True

    def _take_wide(self, anchor: Anchor, runs: list[Run], next_begin: int) -> None:
        keys = [k for k, cell in self.fmt.cells.items() if cell.table is anchor.table]
        if self._take_wide_cells(anchor, runs, keys, next_begin):
            return
        free = merge_adjacent([r for r in runs if not r.claimed], len(keys))
        after = [r for r in free if anchor.end < r.first < next_begin]
        if (not after or len(after[0].values) != len(keys)) and self._take_wide_rows(anchor.table, runs, next_begin):
            return
        if not after:
            self.result.problems.append(f"表{anchor.table.number}：找到了表头，但没有找到它的数字，{len(keys)}个格未导入。")
        self._put_keys(after[0] if after else None, keys, f"表{anchor.table.number}")
        if after:  # the merged run stands for the runs it joined
            for run in runs:
                if after[0].first <= run.first <= after[0].last:
                    run.claimed = True

    def _take_wide_cells(self, anchor: Anchor, runs: list[Run], keys: list[str], next_begin: int) -> bool:
        """Table 四 as a table row: the first row of figures after the headers (else the first row of
        blanks), blank cells included."""
        after = range(anchor.end + 1, next_begin)
        text_lines = {self.tokens[i].line for i in after if self.tokens[i].kind is TokenKind.TEXT}
        by_line: dict[int, list[int]] = {}
        for i in after:
            line = self.tokens[i].line
            if line not in text_lines and self.lines[line].exact:
                by_line.setdefault(line, []).append(i)
        with_figures = [n for n, idx in by_line.items() if any(self.tokens[i].kind is TokenKind.VALUE for i in idx)]
        line = (with_figures or list(by_line) or [None])[0]
        if line is None:
            return False
        cells = by_line[line]
        while len(cells) > len(keys) and self.tokens[cells[-1]].kind is TokenKind.EMPTY:
            cells.pop()
        if len(cells) != len(keys):
            return False
        for run in runs:
            if run.line == line:
                run.claimed = True
        row = Run(cells[0], cells[-1], line, [self.tokens[i].value for i in cells], True,
                  [self.tokens[i].unit for i in cells])
        return self._put_keys(row, keys, f"表{anchor.table.number}")

    def _take_wide_rows(self, table: Table, runs: list[Run], next_begin: int) -> bool:
        """Table 四 printed as one line per part (行政复议 / 未经复议直接起诉 / 复议后起诉), each with its
        label and its five figures: placed when every part is there, each behind its own label."""
        block = table.blocks[0]
        start = self.titles.get(table.key, -1)
        candidates = [r for r in runs if not r.claimed and start < r.first < next_begin
                      and len(r.values) == len(block.columns)]
        if len(candidates) != len(block.rows):
            return False
        if any(label_key(row.label) not in label_key(self._text_before(run.first))
               for row, run in zip(block.rows, candidates)):
            return False
        for row, run in zip(block.rows, candidates):
            self._put(run, table, block, row)
        return True

    def _fill_gaps(self, table: Table, runs: list[Run], stop_token: int) -> None:
        spans = self.spans.get(table.key, {})
        for block, lower, upper in self._block_bounds(table, stop_token):
            free = [r for r in runs if not r.claimed]
            for gap in gaps(block.rows, spans, free, len(block.columns), lower, upper):
                pairs = by_order(gap)
                if not all(self._adds_up(run, table, block, row) for row, run in pairs):
                    pairs = []  # figures that do not make rows of this table: the order is not theirs
                for row, run in pairs:
                    self._put(run, table, block, row)
                if pairs:
                    names = "、".join(f"“{row.label}”" for row, _ in pairs)
                    self.result.notes.append(f"表{table.number}{names}：原文中行标签与数字分离或错位，"
                                             f"按表格的行序放入{self._where(pairs[0][1])}起的 {len(pairs)} 行数字。")
                elif grouped := group_row(gap, lambda r: self._text_before(r.first)):
                    self._put_group(table, block, gap.rows, *grouped)

    def _block_bounds(self, table: Table, stop_token: int) -> list[tuple[Block, int | None, int]]:
        """Each block with the tokens that bound it: its heading (the table's title for a table of
        one block) and the next heading or title after it. A block of several whose heading was not
        found gets no lower bound: rows before its first placed row are left alone."""
        position = self.fmt.tables.index(table)
        later = [self.titles[t.key] for t in self.fmt.tables[position + 1:] if t.key in self.titles]
        table_end = min(later, default=stop_token)
        marks = sorted(t for (tkey, _), t in self.headings.items() if tkey == table.key)
        bounds = []
        for block in table.blocks:
            lower = self.headings.get((table.key, block.key)) if block.label else self.titles.get(table.key)
            upper = min((m for m in marks if lower is not None and m > lower), default=table_end)
            bounds.append((block, lower, upper))
        return bounds

    def _put_group(self, table: Table, block: Block, rows, label: str, run: Run) -> None:
        split, how = group_values(rows, run.values)
        if not split:
            return
        run.claimed = True
        for row in rows:
            row_run = Run(run.first, run.last, run.line, split[row.key], run.alone, list(run.units))
            self._put(row_run, table, block, row)
            self.result.derived += [f"{table.key}.{row.key}.{c.key}" for c in block.columns]
        self.result.notes.append(f"表{table.number}“{label}”在原文中只印一行（2019 版样式），"
                                 f"其下 {len(rows)} 个小项{how}。")

    def _put(self, run: Run | None, table: Table, block: Block, row: Row) -> None:
        keys = [f"{table.key}.{row.key}.{c.key}" for c in block.columns]
        if self._put_keys(run, keys, row_name(table, block, row)):
            self.spans.setdefault(table.key, {})[row.key] = (run.first, run.last)
        elif run is not None:
            self.refused.add((table.key, row.key))

    def _put_keys(self, run: Run | None, keys: list[str], name: str) -> bool:
        if run is None:
            return False
        run.claimed = True
        where = self._where(run)
        values = run.fitted(len(keys))
        if values is None:
            self.result.problems.append(
                f"{name}：应有{len(keys)}个数字，{where}找到{len(run.values)}个（{run.text()}），"
                f"无法确定每个数字属于哪一列，这一行未导入，请对照原文填写。"
            )
            return False
        units = [""] * (len(keys) - len(run.units)) + list(run.units)
        for key, value, unit in zip(keys, values, units):
            self.result.values[key] = self._in_unit(key, value, unit)
            self.result.where[key] = where
            if value is None:
                self.result.blanks.append(key)
        return True

    def _in_unit(self, key: str, value, unit: str):
        """A 万元 cell printed in 元 is converted, and said so."""
        if value is None or unit != "元" or self.fmt.cells[key].kind is not Kind.WAN:
            return value
        converted = round(value / WAN, 6)
        self.result.notes.append(f"{self.fmt.cells[key].label}：原文为 {value:g} 元，已换算为 {converted:g} 万元。")
        return converted

    def _text_before(self, index: int) -> str:
        return text_before(self.tokens, index)

    def _where(self, run: Run) -> str:
        return f"原文{self.lines[run.line].where}"


def place_tables(tokens: list[Token], stream: Stream, fmt: Format, lines, exact_cells: bool = False) -> Placement:
    """``lines``: the Document's lines, for where the figures were found and which are flowing text.

    ``exact_cells``: the source's table cells are real (docx, html: a merged cell is one cell), so an
    empty cell between a label and its figures is a blank of the row, not layout.
    """
    return Placer(tokens, stream, fmt, lines, exact_cells).place()
