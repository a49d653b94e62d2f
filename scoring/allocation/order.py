"""Turn scheme key matrices into single int64 priorities (higher is better, equal = tied)."""

from __future__ import annotations

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


def entry_priority(
    scheme: SchemeOrder,
    cno_rank: IntArray,
    entry_cand: IntArray,
    entry_choice: IntArray,
    max_choice: int,
) -> IntArray:
    """Priority of each (candidate, choice position) entry under one scheme.

    Without ``choice`` in the chain this is the candidate's priority. With it, the key is
    (columns before ``choice_at``, ±choice, remaining columns, candidate number) encoded in one
    int64 as ``(prefix * (C + 1) + choice_term) * (S + 1) + suffix``.
    """
    n = cno_rank.shape[0]
    if scheme.choice_at is None:
        return candidate_priority(scheme, cno_rank)[entry_cand]
    tie = (n - 1 - cno_rank) if scheme.ties == "candidate_no" else None
    prefix = dense_rank(_columns(scheme, 0, scheme.choice_at, None), n)
    suffix = dense_rank(_columns(scheme, scheme.choice_at, None, tie), n)
    p_span, s_span = int(prefix.max(initial=0)) + 1, int(suffix.max(initial=0)) + 1
    if p_span * (max_choice + 1) * s_span >= 2**62:
        raise AllocationInputError("order keys too large to encode / 排序键超出范围")
    sign = scheme.choice_sign
    term = max_choice - entry_choice if sign < 0 else entry_choice.astype(np.int64)
    return (prefix[entry_cand] * (max_choice + 1) + term) * s_span + suffix[entry_cand]
