"""Vectorised exact evaluation of expressions over columns (used by the bulk path).

A value column is either *scaled integers* (``ints * 10**-scale``, int64, with a static bound that
proves no overflow) or, when integers cannot be exact (a division, or a bound past int64), an
object array of ``Decimal`` computed with the same context as the per-candidate path.  Every
integer result fits in 19 digits, so ``Decimal`` arithmetic (28 digits) on the same inputs is exact
and equal: the two paths agree by construction, and a property test checks it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from scoring.expr import EXACT, Bin, BoolOp, Call, Compare, Name, Neg, Node, Not, Num

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]
_LIMIT = 2**62


@dataclass(frozen=True)
class Column:
    """Exact numbers: ``ints``/``scale``/``bound`` when integral, else ``objs`` of Decimal."""

    ints: IntArray | None
    scale: int = 0
    bound: int = 0
    objs: ObjArray | None = None

    def decimals(self) -> ObjArray:
        """The values as an object array of ``Decimal``."""
        if self.objs is not None:
            return self.objs
        assert self.ints is not None
        return _to_decimal(self.ints, self.scale)

    def at(self, i: int) -> Decimal:
        """The exact value of row ``i``."""
        if self.objs is not None:
            value: Decimal = self.objs[i]
            return value
        assert self.ints is not None
        return Decimal(int(self.ints[i])).scaleb(-self.scale, EXACT)

    def at_scale(self, scale: int) -> IntArray:
        """Integers at a larger ``scale`` (the caller has checked the bound)."""
        assert self.ints is not None and scale >= self.scale
        return self.ints * np.int64(10 ** (scale - self.scale))

    def rescaled_bound(self, scale: int) -> int:
        """The bound at a larger ``scale``."""
        return int(self.bound * 10 ** (scale - self.scale))


def _to_decimal(ints: IntArray, scale: int) -> ObjArray:
    conv = np.frompyfunc(lambda v: Decimal(int(v)).scaleb(-scale, EXACT), 1, 1)
    out: ObjArray = conv(ints).astype(object)
    return out


def constant(value: Decimal, n: int) -> Column:
    """A literal broadcast to ``n`` rows."""
    exp = value.as_tuple().exponent
    scale = max(0, -int(exp)) if isinstance(exp, int) else 0
    v = int(value.scaleb(scale, EXACT))
    if abs(v) >= _LIMIT:
        return Column(None, objs=np.full(n, value, dtype=object))
    return Column(np.full(n, v, dtype=np.int64), scale, abs(v))


def _obj_op(fn: Callable[[Any, Any], Any]) -> Callable[[ObjArray, ObjArray], ObjArray]:
    ufunc = np.frompyfunc(fn, 2, 1)

    def apply(a: ObjArray, b: ObjArray) -> ObjArray:
        out: ObjArray = np.asarray(ufunc(a, b), dtype=object)
        return out

    return apply


def _divide(a: Decimal, b: Decimal) -> Decimal:
    if b == 0:
        raise ZeroDivisionError("division by zero")
    return EXACT.divide(a, b)


_OBJ = {
    "+": _obj_op(EXACT.add),
    "-": _obj_op(EXACT.subtract),
    "*": _obj_op(EXACT.multiply),
    "/": _obj_op(_divide),
    "max": _obj_op(lambda a, b: a if a >= b else b),
    "min": _obj_op(lambda a, b: a if a <= b else b),
}


def combine(op: str, a: Column, b: Column) -> Column:
    """``a op b`` for ``+ - * / max min``: scaled integers when provably exact, else Decimal."""
    if a.ints is not None and b.ints is not None and op != "/":
        if op == "*":
            bound = a.bound * b.bound
            if bound < _LIMIT:
                return Column(a.ints * b.ints, a.scale + b.scale, bound)
        else:
            s = max(a.scale, b.scale)
            ba, bb = a.rescaled_bound(s), b.rescaled_bound(s)
            if ba + bb < _LIMIT:
                x, y = a.at_scale(s), b.at_scale(s)
                if op == "+":
                    return Column(x + y, s, ba + bb)
                if op == "-":
                    return Column(x - y, s, ba + bb)
                pick = np.maximum if op == "max" else np.minimum
                return Column(pick(x, y), s, max(ba, bb))
    return Column(None, objs=_OBJ[op](a.decimals(), b.decimals()))


def value(node: Node, env: Mapping[str, Column], n: int) -> Column:
    """Evaluate a number-valued node over ``n`` rows."""
    if isinstance(node, Num):
        return constant(node.value, n)
    if isinstance(node, Name):
        return env[node.name]
    if isinstance(node, Neg):
        inner = value(node.operand, env, n)
        if inner.ints is not None:
            return Column(-inner.ints, inner.scale, inner.bound)
        negated = np.frompyfunc(EXACT.minus, 1, 1)(inner.decimals())
        return Column(None, objs=np.asarray(negated, dtype=object))
    if isinstance(node, Bin):
        return combine(node.op, value(node.left, env, n), value(node.right, env, n))
    if isinstance(node, Call):
        acc = value(node.args[0], env, n)
        for arg in node.args[1:]:
            acc = combine(node.func, acc, value(arg, env, n))
        return acc
    raise TypeError("not a number-valued expression")


def truth(node: Node, env: Mapping[str, Column], n: int) -> BoolArray:
    """Evaluate a condition node over ``n`` rows."""
    if isinstance(node, Compare):
        return compare(node.op, value(node.left, env, n), value(node.right, env, n))
    if isinstance(node, BoolOp):
        a, b = truth(node.left, env, n), truth(node.right, env, n)
        return (a & b) if node.op == "and" else (a | b)
    if isinstance(node, Not):
        return ~truth(node.operand, env, n)
    raise TypeError("not a condition")


_CMP = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal,
        "<": np.less, "==": np.equal, "!=": np.not_equal}  # fmt: skip


def compare(op: str, a: Column, b: Column) -> BoolArray:
    """Exact elementwise comparison."""
    fn = _CMP[op]
    if a.ints is not None and b.ints is not None:
        s = max(a.scale, b.scale)
        if a.rescaled_bound(s) < _LIMIT and b.rescaled_bound(s) < _LIMIT:
            return np.asarray(fn(a.at_scale(s), b.at_scale(s)), dtype=bool)
    return np.asarray(fn(a.decimals(), b.decimals()), dtype=bool)


def round_half_up(col: Column, decimals: int) -> Column:
    """Round half away from zero to ``decimals`` places; integer result at that scale."""
    if col.ints is None:
        from scoring.composite import round_half_up as exact_round

        conv = np.frompyfunc(lambda d: int(exact_round(d, decimals).scaleb(decimals, EXACT)), 1, 1)
        ints = np.asarray(conv(col.objs), dtype=object)
        bound = int(np.max(np.abs(ints))) if ints.size else 0
        if bound >= _LIMIT:
            raise OverflowError("composite too large for the bulk path")
        return Column(ints.astype(np.int64), decimals, bound)
    if col.scale <= decimals:
        if col.rescaled_bound(decimals) >= _LIMIT:
            raise OverflowError("composite too large for the bulk path")
        return Column(col.at_scale(decimals), decimals, col.rescaled_bound(decimals))
    q = np.int64(10 ** (col.scale - decimals))
    mag = (np.abs(col.ints) + q // 2) // q
    return Column(np.where(col.ints < 0, -mag, mag), decimals, col.bound // int(q) + 1)
