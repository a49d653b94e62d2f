"""Integer orders of many candidates: numpy's (vectorised) quicksort, then each run of equal
values put in order by a second key in a compiled pass. Equal values are rare among a million
keys, so this costs one fast sort instead of a stable or lexicographic one. (The compiled pass
is in ``kernel``, loaded only when a run of equal values is met.)"""

from __future__ import annotations

import numpy as np

from .model import IntArray


def order_by(values: IntArray, tie: IntArray | None = None) -> tuple[IntArray, IntArray]:
    """(positions sorted by ``values`` ascending, then by ``tie`` ascending or by position;
    the values in that order)."""
    values = np.asarray(values)
    order = np.argsort(values).astype(np.int64, copy=False)
    ordered = values[order]
    same = ordered[1:] == ordered[:-1]
    if same.any():
        first = np.flatnonzero(same & ~np.concatenate(([False], same[:-1])))
        ties = tie if tie is not None else np.arange(values.shape[0], dtype=np.int64)
        from . import kernel

        kernel.order_runs(
            order, first.astype(np.int64), ordered, np.ascontiguousarray(ties, np.int64)
        )
        ordered = values[order]
    return order, ordered


def stable_order(values: IntArray, descending: bool = False) -> IntArray:
    """``np.argsort(values, kind="stable")``, or of ``-values`` when descending (int64)."""
    return order_by(-values if descending else values)[0]


def dense_rank(values: IntArray) -> tuple[IntArray, int]:
    """Dense rank (0 = lowest) of each value and the number of distinct values."""
    n = values.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64), 0
    order, ordered = order_by(values)
    step = np.zeros(n, dtype=np.int64)
    step[1:] = ordered[1:] != ordered[:-1]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.cumsum(step)
    return rank, int(rank[order[-1]]) + 1
