"""The safe expression language of rules files: parsed once, never ``eval``'d.

Grammar (docs/rules-reference.md)::

    condition := or
    or        := and ("or" and)*
    and       := not ("and" not)*
    not       := "not" not | compare
    compare   := arith [(">=" | ">" | "<=" | "<" | "==" | "!=") arith]
    arith     := term (("+" | "-") term)*
    term      := unary (("*" | "/") unary)*
    unary     := ("-" | "+") unary | atom
    atom      := NUMBER | NAME | ("max" | "min") "(" arith ("," arith)+ ")" | "(" condition ")"

Public API: :func:`parse_expression` (a number-valued expression), :func:`parse_condition`
(a true/false condition), :func:`evaluate` and :func:`holds` (exact ``Decimal`` evaluation in
Python's default decimal context: 28 significant digits), and :class:`ExprError`, which carries
the 1-based column of the problem (messages in Chinese).  Anything outside the language (attribute access, calls other
than ``max``/``min``, powers, huge literals, unknown names) is refused at parse time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Context, Decimal

from scoring.expr_nodes import (
    Bin,
    BoolOp,
    Call,
    Compare,
    Expression,
    Name,
    Neg,
    Node,
    Not,
    Num,
    iter_names,
)

__all__ = [
    "EXACT", "NEGATED", "Bin", "BoolOp", "Call", "Compare", "ExprError", "Expression", "Name",
    "Neg", "Node", "Not", "Num", "evaluate", "holds", "iter_names", "parse_condition",
    "parse_expression",
]  # fmt: skip

#: Python's default decimal context (28 digits, half-even, traps on errors), pinned here so a
#: caller's thread-local context can never change a result.
EXACT = Context()

MAX_SOURCE_CHARS = 2000
MAX_DEPTH = 40
MAX_INT_DIGITS = 9
MAX_FRACTION_DIGITS = 6
FUNCTIONS = frozenset({"max", "min"})
KEYWORDS = frozenset({"and", "or", "not"})
COMPARATORS = (">=", "<=", "==", "!=", ">", "<")
NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}

_TOKEN = re.compile(
    r"(?P<ws>\s+)|(?P<num>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>>=|<=|==|!=|\*\*|[-+*/(),<>])"
)


class ExprError(ValueError):
    """A refused expression; ``column`` is 1-based within the expression text."""

    def __init__(self, column: int, message: str) -> None:
        super().__init__(f"第 {column} 列：{message}")
        self.column = column
        self.message = message


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    col: int


def _tokenize(source: str) -> list[_Tok]:
    if len(source) > MAX_SOURCE_CHARS:
        raise ExprError(1, f"表达式超过 {MAX_SOURCE_CHARS} 个字符")
    toks: list[_Tok] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        col = pos + 1
        if m is None:
            ch = source[pos]
            if ch == ".":
                raise ExprError(col, "不允许用“.”访问属性")
            raise ExprError(col, f"不允许的字符“{ch}”")
        kind = m.lastgroup or ""
        text = m.group()
        if kind == "op" and text == "**":
            raise ExprError(col, "不允许乘方“**”")
        if kind == "num":
            _check_literal(text, col)
        if kind != "ws":
            toks.append(_Tok(kind, text, col))
        pos = m.end()
    toks.append(_Tok("end", "", len(source) + 1))
    return toks


def _check_literal(text: str, col: int) -> None:
    whole, _, frac = text.partition(".")
    if len(whole.lstrip("0")) > MAX_INT_DIGITS or len(frac) > MAX_FRACTION_DIGITS:
        raise ExprError(
            col,
            f"数字 {text} 太大或小数位太多（整数部分最多 {MAX_INT_DIGITS} 位，"
            f"小数部分最多 {MAX_FRACTION_DIGITS} 位）",
        )


class _Parser:
    def __init__(self, source: str, allowed: frozenset[str]) -> None:
        self.toks = _tokenize(source)
        self.i = 0
        self.allowed = allowed
        self.depth = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, text: str) -> _Tok:
        if self.tok.text != text or self.tok.kind in ("num", "end"):
            raise ExprError(self.tok.col, f"此处应为“{text}”，实际是{_describe(self.tok)}")
        return self.take()

    def parse_or(self) -> Node:
        left = self.parse_and()
        while self.tok.kind == "name" and self.tok.text == "or":
            col = self.take().col
            left = BoolOp("or", _bool(left), _bool(self.parse_and()), col)
        return left

    def parse_and(self) -> Node:
        left = self.parse_not()
        while self.tok.kind == "name" and self.tok.text == "and":
            col = self.take().col
            left = BoolOp("and", _bool(left), _bool(self.parse_not()), col)
        return left

    def parse_not(self) -> Node:
        if self.tok.kind == "name" and self.tok.text == "not":
            col = self.take().col
            return Not(_bool(self._nested(self.parse_not)), col)
        return self.parse_compare()

    def parse_compare(self) -> Node:
        start = self.tok.col
        left = self.parse_arith()
        if self.tok.kind == "op" and self.tok.text in COMPARATORS:
            op = self.take().text
            right = self.parse_arith()
            if self.tok.kind == "op" and self.tok.text in COMPARATORS:
                raise ExprError(self.tok.col, "比较不能连写（如 a < b < c），请用 and 连接两个比较")
            return Compare(op, _num(left), _num(right), start, self.tok.col)
        return left

    def parse_arith(self) -> Node:
        left = self.parse_term()
        while self.tok.kind == "op" and self.tok.text in "+-":
            t = self.take()
            left = Bin(t.text, _num(left), _num(self.parse_term()), t.col)
        return left

    def parse_term(self) -> Node:
        left = self.parse_unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/"):
            t = self.take()
            left = Bin(t.text, _num(left), _num(self.parse_unary()), t.col)
        return left

    def parse_unary(self) -> Node:
        if self.tok.kind == "op" and self.tok.text in "+-":
            t = self.take()
            operand = _num(self._nested(self.parse_unary))
            return Neg(operand, t.col) if t.text == "-" else operand
        return self.parse_atom()

    def _nested(self, rule: Callable[[], Node]) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(self.tok.col, f"表达式嵌套超过 {MAX_DEPTH} 层")
        try:
            return rule()
        finally:
            self.depth -= 1

    def parse_atom(self) -> Node:
        t = self.tok
        if t.kind == "num":
            self.take()
            return Num(Decimal(t.text), t.col)
        if t.kind == "op" and t.text == "(":
            self.take()
            inner = self._nested(self.parse_or)
            self.expect(")")
            return inner
        if t.kind == "name" and t.text not in KEYWORDS:
            self.take()
            if self.tok.kind == "op" and self.tok.text == "(":
                return self.parse_call(t)
            if t.text in FUNCTIONS:
                raise ExprError(t.col, f"{t.text} 须带括号使用，如 {t.text}(a, b)")
            if t.text not in self.allowed:
                raise ExprError(t.col, f"未知的名称“{t.text}”")
            return Name(t.text, t.col)
        raise ExprError(t.col, f"此处应为数字、名称或“(”，实际是{_describe(t)}")

    def parse_call(self, t: _Tok) -> Node:
        if t.text not in FUNCTIONS:
            raise ExprError(t.col, f"只允许调用 max() 和 min()，不允许“{t.text}”")
        self.take()
        args = [_num(self._nested(self.parse_arith))]
        while self.tok.kind == "op" and self.tok.text == ",":
            self.take()
            args.append(_num(self._nested(self.parse_arith)))
        self.expect(")")
        if len(args) < 2:
            raise ExprError(t.col, f"{t.text}() 至少需要两个参数")
        return Call(t.text, tuple(args), t.col)


def _describe(t: _Tok) -> str:
    return "表达式结尾" if t.kind == "end" else f"“{t.text}”"


def _is_bool(node: Node) -> bool:
    return isinstance(node, Compare | BoolOp | Not)


def _bool(node: Node) -> Node:
    if not _is_bool(node):
        raise ExprError(node.col, "此处应为条件（比较式，如 skill >= 138）")
    return node


def _num(node: Node) -> Node:
    if _is_bool(node):
        raise ExprError(node.col, "此处应为数值，实际是条件")
    return node


def _parse(source: str, allowed: Iterable[str], condition: bool) -> Expression:
    p = _Parser(source, frozenset(allowed))
    if p.tok.kind == "end":
        raise ExprError(1, "表达式为空")
    root = p.parse_or()
    if p.tok.kind != "end":
        raise ExprError(p.tok.col, f"多余的{_describe(p.tok)}")
    if condition and not _is_bool(root):
        raise ExprError(1, "此处应为条件（比较式，如 skill >= 138）")
    if not condition:
        _num(root)
    return Expression(source, root, condition)


def parse_expression(source: str, names: Iterable[str]) -> Expression:
    """Parse a number-valued expression over ``names``; raise :class:`ExprError` if refused."""
    return _parse(source, names, condition=False)


def parse_condition(source: str, names: Iterable[str]) -> Expression:
    """Parse a true/false condition over ``names``; raise :class:`ExprError` if refused."""
    return _parse(source, names, condition=True)


def evaluate(node: Node, env: Mapping[str, Decimal]) -> Decimal:
    """Evaluate a number-valued node exactly (28 significant digits, like ``Decimal``)."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Name):
        return env[node.name]
    if isinstance(node, Neg):
        return EXACT.minus(evaluate(node.operand, env))
    if isinstance(node, Bin):
        a, b = evaluate(node.left, env), evaluate(node.right, env)
        if node.op == "/" and b == 0:
            raise ZeroDivisionError(f"column {node.col}: division by zero")
        return _ARITH[node.op](a, b)
    if isinstance(node, Call):
        values = [evaluate(arg, env) for arg in node.args]
        return max(values) if node.func == "max" else min(values)
    raise TypeError(f"column {node.col}: not a number-valued expression")


_ARITH = {"+": EXACT.add, "-": EXACT.subtract, "*": EXACT.multiply, "/": EXACT.divide}


def holds(node: Node, env: Mapping[str, Decimal]) -> bool:
    """Evaluate a condition node."""
    if isinstance(node, Compare):
        a, b = evaluate(node.left, env), evaluate(node.right, env)
        return _compare(node.op, a, b)
    if isinstance(node, BoolOp):
        if node.op == "and":
            return holds(node.left, env) and holds(node.right, env)
        return holds(node.left, env) or holds(node.right, env)
    if isinstance(node, Not):
        return not holds(node.operand, env)
    raise TypeError(f"column {node.col}: not a condition")


def _compare(op: str, a: Decimal, b: Decimal) -> bool:
    if op == ">=":
        return a >= b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    if op == "<":
        return a < b
    if op == "==":
        return a == b
    return a != b
