"""Student-proposing deferred acceptance (vectorised) and serial dictatorship.

Both take a candidate's eligible entries as CSR arrays (``ptr``; ``target`` = line or group of
each entry; priorities higher = better) and a capacity per target, and return the entry each
candidate holds at the end (-1 for none). ``share`` (per target) keeps everyone tied with the
candidate at the last seat.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from .model import BoolArray, IntArray

_MIN = np.iinfo(np.int64).min
_MAX = np.iinfo(np.int64).max


def _select(
    pool_t: IntArray,
    pool_p: IntArray,
    capacity: IntArray,
    share: BoolArray,
    thresh: IntArray,
    span: int | None,
) -> BoolArray:
    """Keep, per target, the best ``capacity`` of a pool (plus ties at the last seat).

    Also sets ``thresh`` of every target in the pool: its lowest kept priority when full.
    """
    if span is not None:  # one int64 sort key: target ascending, priority descending
        order = np.argsort(pool_t * span + (span - 1 - pool_p))
    else:
        order = np.lexsort((-pool_p, pool_t))
    t, p = pool_t[order], pool_p[order]
    counts = np.bincount(t, minlength=capacity.shape[0])
    starts = np.cumsum(counts) - counts
    cap = capacity[t]
    keep_sorted = (np.arange(t.shape[0]) - starts[t]) < cap
    full = (counts >= capacity) & (capacity > 0)
    if share.any():
        last = np.minimum(starts + capacity - 1, max(t.shape[0] - 1, 0))
        boundary = np.where(share & full, p[last] if t.size else 0, _MAX)
        keep_sorted |= p == boundary[t]
    touched = np.flatnonzero(counts)
    kept = np.bincount(t[keep_sorted], minlength=capacity.shape[0])
    lowest = p[starts[touched] + kept[touched] - 1]
    thresh[touched] = np.where(full[touched], lowest, _MIN)
    keep = np.empty_like(keep_sorted)
    keep[order] = keep_sorted
    return keep


class Priority(Protocol):
    """Priority of proposals, computed lazily: only entries actually proposed are ranked."""

    upper: int  # every priority is in [0, upper)

    def __call__(self, cand: IntArray, entry: IntArray) -> IntArray: ...


def deferred_acceptance(
    ptr: IntArray, target: IntArray, priority: Priority, capacity: IntArray, share: BoolArray
) -> IntArray:
    """Student-proposing DA in synchronous rounds; each target ranks by the entry priority.

    ``priority(candidates, entries)`` gives the priority of proposals; ``share`` is per target.
    """
    n, n_targets = ptr.shape[0] - 1, capacity.shape[0]
    pos, end = ptr[:-1].copy(), ptr[1:]
    held = np.full(n, -1, dtype=np.int64)
    held_t = np.full(n, -1, dtype=np.int64)
    held_p = np.zeros(n, dtype=np.int64)
    thresh = np.where(capacity > 0, _MIN, _MAX).astype(np.int64)
    active = np.flatnonzero(pos < end)
    fits = priority.upper * (n_targets + 1) < 2**62
    span = priority.upper if fits else None
    while active.size:
        e = pos[active]
        t, p = target[e], priority(active, e)
        quick = p < thresh[t]
        rejected = [active[quick]]
        cont, ce, ct, cp = active[~quick], e[~quick], t[~quick], p[~quick]
        if cont.size:
            affected = np.zeros(n_targets + 1, dtype=bool)
            affected[ct] = True
            holders = np.flatnonzero(affected[held_t])
            pool_c = np.concatenate((holders, cont))
            pool_e = np.concatenate((held[holders], ce))
            pool_t = np.concatenate((held_t[holders], ct))
            pool_p = np.concatenate((held_p[holders], cp))
            keep = _select(pool_t, pool_p, capacity, share, thresh, span)
            kc = pool_c[keep]
            held[kc], held_t[kc], held_p[kc] = pool_e[keep], pool_t[keep], pool_p[keep]
            lost = pool_c[~keep]
            held[lost], held_t[lost] = -1, -1
            rejected.append(lost)
        out = np.concatenate(rejected)
        pos[out] += 1
        active = out[pos[out] < end[out]]
    return held


def serial_dictatorship(
    ptr: IntArray, target: IntArray, cand_prio: IntArray, capacity: IntArray, share: BoolArray
) -> IntArray:
    """Candidates in descending priority each take their first target with a seat left.

    ``share`` is per candidate (the policy of the scheme of their category). Under it a class of tied candidates chooses together against the seats left before
    the class, so all of them fit the line whose last seat they reach.
    """
    n = ptr.shape[0] - 1
    order = np.lexsort((np.arange(n), -cand_prio)).tolist()
    shared = share.tolist()
    prio, starts, ends = cand_prio.tolist(), ptr[:-1].tolist(), ptr[1:].tolist()
    tgt = target.tolist()
    left = capacity.tolist()
    held = [-1] * n
    i = 0
    while i < n:
        j = i + 1
        if shared[order[i]]:
            while j < n and shared[order[j]] and prio[order[j]] == prio[order[i]]:
                j += 1
        taken: list[int] = []
        for c in order[i:j]:
            for e in range(starts[c], ends[c]):
                if left[tgt[e]] > 0:
                    held[c] = e
                    taken.append(tgt[e])
                    break
        for t in taken:
            left[t] -= 1
        i = j
    return np.asarray(held, dtype=np.int64)
