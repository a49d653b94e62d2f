"""Syntax tree of the expression language (see :mod:`scoring.expr` for the grammar)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Num:
    """A decimal literal."""

    value: Decimal
    col: int


@dataclass(frozen=True)
class Name:
    """A reference to a component code or a derived name."""

    name: str
    col: int


@dataclass(frozen=True)
class Neg:
    """Unary minus."""

    operand: Node
    col: int


@dataclass(frozen=True)
class Bin:
    """Arithmetic: ``+ - * /``."""

    op: str
    left: Node
    right: Node
    col: int


@dataclass(frozen=True)
class Call:
    """``max(...)`` or ``min(...)``."""

    func: str
    args: tuple[Node, ...]
    col: int


@dataclass(frozen=True)
class Compare:
    """A comparison; ``start``/``end`` delimit its text for messages."""

    op: str
    left: Node
    right: Node
    col: int
    end: int


@dataclass(frozen=True)
class BoolOp:
    """``and`` / ``or``."""

    op: str
    left: Node
    right: Node
    col: int


@dataclass(frozen=True)
class Not:
    """``not``."""

    operand: Node
    col: int


Node = Num | Name | Neg | Bin | Call | Compare | BoolOp | Not


@dataclass(frozen=True)
class Expression:
    """A parsed expression or condition with its source text."""

    source: str
    root: Node
    is_condition: bool

    @property
    def names(self) -> frozenset[str]:
        """Every name the expression refers to."""
        return frozenset(iter_names(self.root))


def iter_names(node: Node) -> Iterable[str]:
    """Yield every name referenced under ``node``."""
    if isinstance(node, Name):
        yield node.name
    elif isinstance(node, Neg | Not):
        yield from iter_names(node.operand)
    elif isinstance(node, Bin | Compare | BoolOp):
        yield from iter_names(node.left)
        yield from iter_names(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from iter_names(arg)
