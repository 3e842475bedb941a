"""The condition language of rules.yaml: tokenizer and parser to a small AST.

Grammar (lowest precedence first)::

    expr    := and ('or' and)*
    and     := not ('and' not)*
    not     := 'not' not | compare
    compare := sum (('==' | '!=' | '<' | '<=' | '>' | '>=') sum)?
    sum     := product (('+' | '-') product)*
    product := unary (('*' | '/') unary)*
    unary   := '-' unary | atom
    atom    := NUMBER | STRING | NAME '(' [expr (',' expr)*] ')' | REF | '(' expr ')'
    REF     := NAME ('.' NAME)*      e.g. t3.new.natural, prev.t3.carry_next.total, format.first_year

Text is parsed, never evaluated as Python.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

FUNCTIONS = {
    # name: (min args, max args or None)
    "sum": (1, None),
    "abs": (1, 1),
    "isnumber": (1, 1),
    "isblank": (1, 1),
    "istext": (1, 1),
    "iswhole": (1, 1),
    "len": (1, 1),
    "trim": (1, 1),
    "iscreditcode": (1, 1),  # a real 统一社会信用代码 (GB 32100-2015 check character), not a placeholder
}
# Functions that look at a cell's type: their arguments need not hold numbers.
TYPE_FUNCTIONS = {"isnumber", "isblank", "istext", "iswhole", "len", "trim", "iscreditcode"}
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
# A condition is a line of arithmetic, not a program: far above any real rule (the longest has 13
# tokens), low enough that judging it and the fast path's generated code never recurse too deep.
MAX_TOKENS = 400
MAX_DEPTH = 40  # operators nested inside one another (a + b + c … nests too); sum() takes a whole family flat


class ExprError(ValueError):
    """Bad condition text; the message is Chinese and says where."""


@dataclass(frozen=True)
class Num:
    value: float | int


@dataclass(frozen=True)
class Str:
    value: str


@dataclass(frozen=True)
class Ref:
    path: tuple[str, ...]

    @property
    def text(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple


@dataclass(frozen=True)
class Unary:
    op: str  # '-' or 'not'
    operand: object


@dataclass(frozen=True)
class Binary:
    op: str  # + - * / == != < <= > >= and or
    left: object
    right: object


_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>\"[^\"]*\"|'[^']*')|(?P<ref>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"|(?P<op>==|!=|<=|>=|[-+*/<>(),]))"
)


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        if len(tokens) >= MAX_TOKENS:
            raise ExprError(f"条件过长（超过 {MAX_TOKENS} 个记号），请拆成几条规则或用 sum()")
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ExprError(f"无法识别第 {pos + 1} 个字符起的“{text[pos:pos + 12]}”")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "ref" and value in ("and", "or", "not"):
            kind = "op"
        tokens.append((kind, value))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(f"条件嵌套过深（超过 {MAX_DEPTH} 层括号、not 或负号）")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ExprError(f"条件“{self.text}”不完整" + (f"，缺少“{value}”" if value else ""))
        if value is not None and token[1] != value:
            raise ExprError(f"条件“{self.text}”中应为“{value}”，实为“{token[1]}”")
        self.pos += 1
        return token

    def accept(self, *values: str) -> str | None:
        token = self.peek()
        if token and token[0] == "op" and token[1] in values:
            self.pos += 1
            return token[1]
        return None

    def parse(self):
        node = self.or_expr()
        if self.peek() is not None:
            raise ExprError(f"条件“{self.text}”中“{self.peek()[1]}”之后的内容无法理解")
        return node

    def or_expr(self):
        node = self.and_expr()
        while self.accept("or"):
            node = Binary("or", node, self.and_expr())
        return node

    def and_expr(self):
        node = self.not_expr()
        while self.accept("and"):
            node = Binary("and", node, self.not_expr())
        return node

    def not_expr(self):
        if self.accept("not"):
            self.deeper()
            node = Unary("not", self.not_expr())
            self.depth -= 1
            return node
        return self.compare()

    def compare(self):
        node = self.additive()
        op = self.accept(*COMPARISONS)
        if op:
            node = Binary(op, node, self.additive())
            if self.accept(*COMPARISONS):
                raise ExprError(f"条件“{self.text}”中比较不能连写，请用 and 连接")
        return node

    def additive(self):
        node = self.product()
        while op := self.accept("+", "-"):
            node = Binary(op, node, self.product())
        return node

    def product(self):
        node = self.unary()
        while op := self.accept("*", "/"):
            node = Binary(op, node, self.unary())
        return node

    def unary(self):
        if self.accept("-"):
            self.deeper()
            node = Unary("-", self.unary())
            self.depth -= 1
            return node
        return self.atom()

    def atom(self):
        kind, value = self.take()
        if kind == "num":
            return Num(float(value) if "." in value else int(value))
        if kind == "str":
            return Str(value[1:-1])
        if kind == "op" and value == "(":
            self.deeper()
            node = self.or_expr()
            self.take(")")
            self.depth -= 1
            return node
        if kind == "ref":
            if self.accept("("):
                self.deeper()
                node = self.call(value)
                self.depth -= 1
                return node
            return Ref(tuple(value.split(".")))
        raise ExprError(f"条件“{self.text}”中“{value}”出现的位置不对")

    def call(self, name: str):
        if name not in FUNCTIONS:
            raise ExprError(f"未知函数“{name}”，可用：{'、'.join(FUNCTIONS)}")
        args = []
        if not self.accept(")"):
            args.append(self.or_expr())
            while self.accept(","):
                args.append(self.or_expr())
            self.take(")")
        low, high = FUNCTIONS[name]
        if len(args) < low or (high is not None and len(args) > high):
            raise ExprError(f"函数 {name}() 的参数个数不对")
        return Call(name, tuple(args))


def parse(text: str):
    """Parse condition text into an AST; raises ExprError with a Chinese message."""
    if not isinstance(text, str) or not text.strip():
        raise ExprError("条件为空")
    return _parsed(text)


# Both formats expand a rule over mostly the same cells, so most condition texts come twice; a tree is
# immutable (frozen nodes), so one parse serves both. Bounded: a rules file expands to at most a few
# thousand distinct conditions.
@functools.lru_cache(maxsize=4096)
def _parsed(text: str):
    parser = _Parser(text)
    tree = parser.parse()
    # every node takes at least one token, so a tree can only be too deep when it has that many tokens
    if len(parser.tokens) > MAX_DEPTH and depth(tree) > MAX_DEPTH:
        raise ExprError(f"条件嵌套过深（运算连写超过 {MAX_DEPTH} 层），请拆成几条规则或用 sum()")
    return tree


def depth(node) -> int:
    """How deeply the operators of a tree nest (a leaf is 1), without recursing."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in _children(node))
    return deepest


def _children(node) -> tuple:
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    return ()


def walk(node):
    """Every node of the tree, parents first."""
    yield node
    if isinstance(node, Call):
        for arg in node.args:
            yield from walk(arg)
    elif isinstance(node, Unary):
        yield from walk(node.operand)
    elif isinstance(node, Binary):
        yield from walk(node.left)
        yield from walk(node.right)
