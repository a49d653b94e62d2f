"""Turn scheme key matrices into single int64 priorities (higher is better, equal = tied)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .model import AllocationInputError, IntArray, SchemeOrder


def dense_rank(columns: list[IntArray], n: int) -> IntArray:
    """Dense rank (0 = worst) of rows compared lexicographically over ``columns`` (first wins)."""
    out = np.zeros(n, dtype=np.int64)
    if not columns or n == 0:
        return out
    order = np.lexsort(tuple(reversed(columns)))
    changed = np.zeros(n - 1, dtype=bool)
    for col in columns:
        s = col[order]
        changed |= s[1:] != s[:-1]
    out[order] = np.concatenate(([0], np.cumsum(changed, dtype=np.int64)))
    return out


def candidate_no_rank(candidate_no: np.ndarray) -> IntArray:
    """Rank of each candidate number (0 = lowest number); numbers must be unique."""
    uniq, inverse = np.unique(candidate_no, return_inverse=True)
    if uniq.shape[0] != candidate_no.shape[0]:
        raise AllocationInputError("candidate numbers are not unique / 考生号重复")
    return inverse.astype(np.int64).reshape(-1)


def _columns(scheme: SchemeOrder, lo: int, hi: int | None, tie: IntArray | None) -> list[IntArray]:
    cols = [scheme.keys[:, j].astype(np.int64) for j in range(scheme.keys.shape[1])[lo:hi]]
    if tie is not None:
        cols.append(tie)
    return cols


def candidate_priority(scheme: SchemeOrder, cno_rank: IntArray) -> IntArray:
    """Priority of each candidate under a scheme without ``choice``: dense rank of the full key."""
    n = cno_rank.shape[0]
    tie = (n - 1 - cno_rank) if scheme.ties == "candidate_no" else None
    return dense_rank(_columns(scheme, 0, None, tie), n)


class EntryPriority:
    """Lazy priority of (candidate, kept entry) pairs over the schemes of their targets.

    ``target`` and ``choice_of`` describe the kept entries; without ``choice`` a scheme's
    priority is the candidate's; with it, prefix/suffix ranks are combined with the position.
    """

    def __init__(
        self,
        schemes: tuple[SchemeOrder, ...],
        cno_rank: IntArray,
        t_scheme: IntArray,
        target: IntArray,
        choice_of: Callable[[IntArray, IntArray], IntArray],
        max_choice: int,
    ) -> None:
        n = cno_rank.shape[0]
        self._t_scheme, self._target, self._choice_of = t_scheme, target, choice_of
        self._max_choice = max_choice
        self._parts: dict[int, tuple[IntArray, IntArray, int, int]] = {}
        self.upper = 1
        for s in np.unique(t_scheme).tolist():
            scheme = schemes[s]
            tie = (n - 1 - cno_rank) if scheme.ties == "candidate_no" else None
            if scheme.choice_at is None:
                base = dense_rank(_columns(scheme, 0, None, tie), n)
                self._parts[s] = (base, base, 0, 0)
                self.upper = max(self.upper, int(base.max(initial=0)) + 1)
                continue
            prefix = dense_rank(_columns(scheme, 0, scheme.choice_at, None), n)
            suffix = dense_rank(_columns(scheme, scheme.choice_at, None, tie), n)
            s_span = int(suffix.max(initial=0)) + 1
            top = (int(prefix.max(initial=0)) + 1) * (max_choice + 1) * s_span
            if top >= 2**62:
                raise AllocationInputError("order keys too large to encode / 排序键超出范围")
            self._parts[s] = (prefix, suffix, s_span, scheme.choice_sign)
            self.upper = max(self.upper, top)

    def __call__(self, cand: IntArray, entry: IntArray) -> IntArray:
        """Priority of each proposal (higher = better)."""
        if len(self._parts) == 1:
            ((s, part),) = self._parts.items()
            return self._eval(part, cand, entry)
        scheme = self._t_scheme[self._target[entry]]
        out = np.zeros(cand.shape[0], dtype=np.int64)
        for s, part in self._parts.items():
            mine = np.flatnonzero(scheme == s)
            out[mine] = self._eval(part, cand[mine], entry[mine])
        return out

    def _eval(
        self, part: tuple[IntArray, IntArray, int, int], cand: IntArray, entry: IntArray
    ) -> IntArray:
        prefix, suffix, s_span, sign = part
        if s_span == 0:
            return prefix[cand]
        pos = self._choice_of(cand, entry)
        term = self._max_choice - pos if sign < 0 else pos
        return (prefix[cand] * (self._max_choice + 1) + term) * s_span + suffix[cand]
