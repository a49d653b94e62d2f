"""Priorities of proposals as single int64 values (higher is better, equal = tied).

A scheme's order is built only where it is needed: over all candidates for the few schemes
shared by many lines (a table of one row per scheme), or over the listed entries themselves
when schemes are many (each program its own weights) or insert the choice position.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import AllocationInputError, IntArray, SchemeOrder
from .sorting import dense_rank, order_by

_LIMIT = 2**62


def _dense(values: IntArray) -> tuple[IntArray, int]:
    """Dense rank (0 = lowest) and the number of distinct values."""
    return dense_rank(values)


def ordinal(columns: list[IntArray], n_rows: int) -> IntArray:
    """One int64 per row ordering rows as the columns do lexicographically (first column first).

    Columns are combined in mixed radix; only when the product of their ranges would overflow
    is the part built so far replaced by its dense rank (one sort).
    """
    acc = np.zeros(n_rows, dtype=np.int64)
    span = 1
    for col in columns:
        if n_rows == 0:
            break
        lo, hi = int(col.min()), int(col.max())
        width = hi - lo + 1
        if span * width >= _LIMIT and span > 1:
            acc, span = _dense(acc)
        if span * width >= _LIMIT:
            part, width = _dense(col.astype(np.int64))
        else:
            part = col.astype(np.int64) - lo
        acc = acc * width + part if span > 1 else part
        span *= width
    return acc


def scheme_columns(
    scheme: SchemeOrder, keys: list[IntArray], choice: IntArray | None, tie: IntArray | None
) -> list[IntArray]:
    """Key columns of a scheme with the ±choice column inserted and the tie column appended."""
    cols = list(keys)
    if scheme.choice_at is not None:
        assert choice is not None
        cols.insert(scheme.choice_at, scheme.choice_sign * choice)
    if scheme.ties == "candidate_no" and tie is not None:
        cols.append(tie)
    return cols


@dataclass(frozen=True)
class Priorities:
    """Priority of entry ``e`` of candidate ``c`` for target ``t``:
    ``table[table_row[t], e if by_entry else c]``."""

    table: IntArray
    table_row: IntArray
    by_entry: bool
    scheme_row: IntArray | None = None  # row of each scheme, for per-candidate tables
    best_first: IntArray | None = None  # candidates in descending priority, when one row

    def of(self, cand: IntArray, entry: IntArray, target: IntArray) -> IntArray:
        """Priority of each (candidate, kept entry, its target)."""
        return self.table[self.table_row[target], entry if self.by_entry else cand]


def candidate_table(
    schemes: tuple[SchemeOrder, ...], used: list[int], t_scheme: IntArray, cno_rank: IntArray
) -> Priorities:
    """One row per used scheme (none inserts ``choice``), over every candidate."""
    n = cno_rank.shape[0]
    tie = n - 1 - cno_rank
    rows, best_first = [], None
    for s in used:
        keys = schemes[s].keys
        cols = [keys[:, j] for j in range(keys.shape[1])]
        if schemes[s].ties != "candidate_no" or n == 0:
            rows.append(ordinal(cols, n))
            continue
        acc = ordinal(cols, n)
        if (int(acc.max(initial=0)) + 1) * n < _LIMIT:
            rows.append(acc * n + tie)
            continue
        order, _ = order_by(acc, tie)  # the candidate number under the keys: one sort
        row = np.empty(n, dtype=np.int64)
        row[order] = np.arange(n, dtype=np.int64)
        rows.append(row)
        best_first = np.ascontiguousarray(order[::-1]) if len(used) == 1 else None
    lut = np.zeros(len(schemes), dtype=np.int64)
    lut[used] = np.arange(len(used))
    table = np.stack(rows) if rows else np.zeros((1, n), dtype=np.int64)
    return Priorities(np.ascontiguousarray(table), lut[t_scheme], False, lut, best_first)


def entry_table(
    schemes: tuple[SchemeOrder, ...],
    t_scheme: IntArray,
    target: IntArray,
    cand: IntArray,
    choice: IntArray | None,
    cno_rank: IntArray,
) -> Priorities:
    """One priority per kept entry; schemes of the same shape are ranked together."""
    n = cno_rank.shape[0]
    e_scheme = t_scheme[target]
    counts = np.bincount(e_scheme, minlength=len(schemes))
    shapes: dict[tuple[int, int | None, int, str], list[int]] = {}
    for s in np.flatnonzero(counts).tolist():
        sc = schemes[s]
        shapes.setdefault((sc.keys.shape[1], sc.choice_at, sc.choice_sign, sc.ties), []).append(s)
    prio = np.zeros(target.shape[0] if len(shapes) > 1 else 0, dtype=np.int64)
    for (width, _at, _sign, _ties), members in shapes.items():
        if len(shapes) == 1:
            sel = None
            c = cand
        else:
            sel = np.flatnonzero(np.isin(e_scheme, members))
            c = cand[sel]
        if len(members) == 1:
            keys = schemes[members[0]].keys
            cols = [keys[c, j].astype(np.int64) for j in range(width)]
        elif sel is None:
            cols = _gather(schemes, members, e_scheme, counts, c, width)
        else:
            part = e_scheme[sel]
            part_counts = np.bincount(part, minlength=len(schemes))
            cols = _gather(schemes, members, part, part_counts, c, width)
        ch = None if choice is None else (choice if sel is None else choice[sel])
        cols = scheme_columns(schemes[members[0]], cols, ch, n - 1 - cno_rank[c])
        values = ordinal(cols, c.shape[0])
        if sel is None:
            prio = values
        else:
            prio[sel] = values
    if int(prio.max(initial=0)) >= _LIMIT:
        raise AllocationInputError("order keys too large to encode / 排序键超出范围")
    return Priorities(prio[None, :], np.zeros(t_scheme.shape[0], dtype=np.int64), True)


def _gather(
    schemes: tuple[SchemeOrder, ...], members: list[int], e_scheme: IntArray, counts: IntArray,
    cand: IntArray, width: int,
) -> list[IntArray]:  # fmt: skip
    """Key columns of each entry under its own scheme, read scheme by scheme from the entries
    that list it (grouped by scheme in one compiled counting sort; no copy of every scheme's
    whole matrix). Each scheme fills a contiguous slice in scheme order; one scatter puts the
    rows back."""
    from . import kernel

    bounds = np.concatenate(([0], np.cumsum(counts)))  # counts: e_scheme's bincount
    order, by_scheme = kernel.group_by(e_scheme, bounds[:-1], cand)
    sorted_cols = np.empty((width, cand.shape[0]), dtype=np.int64)
    edges = bounds.tolist()  # plain ints: this loop runs once per scheme (hundreds)
    if width == 1:
        out = sorted_cols[0]
        for s in members:
            a, b = edges[s], edges[s + 1]
            schemes[s].keys[:, 0].take(by_scheme[a:b], out=out[a:b], mode="clip")
    else:
        for s in members:
            a, b = edges[s], edges[s + 1]
            sorted_cols[:, a:b] = schemes[s].keys[by_scheme[a:b]].T
    cols = []
    for j in range(width):  # one scatter per column (faster than one 2-D scatter)
        col = np.empty(cand.shape[0], dtype=np.int64)
        col[order] = sorted_cols[j]
        cols.append(col)
    return cols
