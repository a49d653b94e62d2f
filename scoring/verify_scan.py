"""The verifier's compiled passes (numba), written apart from the allocator's kernels.

Keys are read as (primary, tie) pairs: ``primary`` is one integer per candidate of a scheme
(``cand_key[row, c]``, where ``row = t_row[t] >= 0``) or one integer per listed entry
(``entry_key[e]`` where ``t_row[t] < 0``), comparable within one scheme; ``tie`` is
``tie[c]`` (higher = lower candidate number) under candidate-number ties, else 0. Higher is
ahead. Rows of findings are (kind, candidate, target, a, b): kinds are listed below.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .compiled import jit

Int = NDArray[np.int64]
Bool = NDArray[np.bool_]

ONE_PLACE, ELIGIBLE, OVER, NOT_TIED, WASTE, ENVY, CUT_NOBODY, CUT_ELSEWHERE, CUT_KEY = range(9)


@jit
def _add(rows: Int, k: int, kind: int, c: int, t: int, a: int, b: int) -> Int:
    if k == rows.shape[0]:
        bigger = np.empty((rows.shape[0] * 2, 5), np.int64)
        bigger[:k] = rows
        rows = bigger
    rows[k, 0], rows[k, 1], rows[k, 2], rows[k, 3], rows[k, 4] = kind, c, t, a, b
    return rows


@jit
def _eligible(
    c: int, t: int, t_scheme: Int, qualified: Bool, excluded: Bool, fails: Int, n_lines: int
) -> bool:
    if qualified.shape[0] and not qualified[t_scheme[t], c]:
        return False
    if excluded.shape[0] and excluded[c]:
        return False
    if fails.shape[0]:
        code = c * n_lines + t
        i = np.searchsorted(fails, code)
        if i < fails.shape[0] and fails[i] == code:
            return False
    return True


@jit
def check_held(
    ptr: Int, target: Int, outcome: Int, choice: Int, t_scheme: Int, qualified: Bool,
    excluded: Bool, fails: Int, n_lines: int, cap: Int, share: Bool, t_row: Int, cand_key: Int,
    entry_key: Int, t_tie: Bool, tie: Int,
) -> tuple[Int, Int, Int, Int, Int, Int]:  # fmt: skip
    """(2)+(3) each outcome is the listed entry at ``choice`` and eligible; (1) capacity.

    Returns the entry held (or -1) and its key (primary, tie) per candidate, the count held and
    the candidate with the lowest key (or -1) per target, and the rows found."""
    n, n_t = ptr.shape[0] - 1, cap.shape[0]
    held = np.full(n, -1, np.int64)
    hp = np.zeros(n, np.int64)
    hq = np.zeros(n, np.int64)
    count = np.zeros(n_t, np.int64)
    low = np.full(n_t, -1, np.int64)
    rows = np.empty((16, 5), np.int64)
    k = 0
    some_ineligible = qualified.shape[0] > 0 or excluded.shape[0] > 0 or fails.shape[0] > 0
    for c in range(n):
        o, j = outcome[c], choice[c]
        if o < 0 and j == 0:
            continue
        e = ptr[c] + j - 1
        if o < 0 or o >= n_t or j < 1 or e >= ptr[c + 1] or target[e] != o:
            rows = _add(rows, k, ONE_PLACE, c, o, j, 0)
            k += 1
            continue
        if some_ineligible and not _eligible(c, o, t_scheme, qualified, excluded, fails, n_lines):
            rows = _add(rows, k, ELIGIBLE, c, o, 0, 0)
            k += 1
            continue
        held[c] = e
        count[o] += 1
        r = t_row[o]
        p = cand_key[r, c] if r >= 0 else entry_key[e]
        q = tie[c] if t_tie[o] else 0
        hp[c], hq[c] = p, q
        lc = low[o]
        if lc < 0 or p < hp[lc] or (p == hp[lc] and q < hq[lc]):
            low[o] = c
    over = np.flatnonzero(count > cap)
    if over.shape[0]:
        better = np.zeros(n_t, np.int64)  # held strictly ahead of the lowest of their target
        for c in range(n):
            if held[c] < 0:
                continue
            o = target[held[c]]
            if count[o] <= cap[o] or not share[o]:
                continue
            lc = low[o]
            if hp[c] > hp[lc] or (hp[c] == hp[lc] and hq[c] > hq[lc]):
                better[o] += 1
        for i in range(over.shape[0]):
            t = int(over[i])
            if cap[t] == 0 or not share[t]:
                rows = _add(rows, k, OVER, -1, t, count[t], cap[t])
                k += 1
            elif better[t] >= cap[t]:  # the last seat is not tied with the lowest
                rows = _add(rows, k, NOT_TIED, -1, t, count[t], cap[t])
                k += 1
    return held, hp, hq, count, low, rows[:k]


@jit
def scan_above(
    ptr: Int, target: Int, held: Int, choice: Int, t_scheme: Int, qualified: Bool,
    excluded: Bool, fails: Int, n_lines: int, count: Int, cap: Int, low: Int, hp: Int, hq: Int,
    t_row: Int, cand_key: Int, entry_key: Int, t_tie: Bool, tie: Int,
) -> Int:  # fmt: skip
    """(5) waste and (4) envy: every eligible entry listed above a candidate's outcome (all of
    them without one) whose target had a seat left, or holds someone not ahead of them."""
    n, n_t = ptr.shape[0] - 1, cap.shape[0]
    low_p = np.zeros(n_t, np.int64)
    low_q = np.zeros(n_t, np.int64)
    for t in range(n_t):
        if low[t] >= 0:
            low_p[t], low_q[t] = hp[low[t]], hq[low[t]]
    per_entry = qualified.shape[0] > 0 or fails.shape[0] > 0
    rows = np.empty((16, 5), np.int64)
    k = 0
    for c in range(n):
        if excluded.shape[0] and excluded[c]:
            continue
        upto = ptr[c + 1] - ptr[c]
        if held[c] >= 0:
            upto = min(max(choice[c] - 1, 0), upto)
        q = tie[c]
        for e in range(ptr[c], ptr[c] + upto):
            t = target[e]
            if t < 0 or t >= n_t:
                continue
            kind = -1
            if count[t] < cap[t]:
                kind = WASTE
            elif low[t] >= 0:
                r = t_row[t]
                p = cand_key[r, c] if r >= 0 else entry_key[e]
                pl = low_p[t]
                if p > pl or (p == pl and (not t_tie[t] or q >= low_q[t])):
                    kind = ENVY
            if kind < 0:
                continue
            if per_entry and not _eligible(c, t, t_scheme, qualified, excluded, fails, n_lines):
                continue
            rows = _add(rows, k, kind, c, t, 0, 0)
            k += 1
    return rows[:k]


@jit
def check_cutoffs(cutoff: Int, held: Int, target: Int, low: Int, hp: Int, hq: Int) -> Int:
    """(6) each published cutoff candidate is dispatched to its target with its lowest key."""
    n, n_t = held.shape[0], min(cutoff.shape[0], low.shape[0])
    rows = np.empty((16, 5), np.int64)
    k = 0
    for t in range(n_t):
        cc, lc = cutoff[t], low[t]
        kind = -1
        if lc < 0:
            if cc >= 0:
                kind = CUT_NOBODY
        elif cc < 0 or cc >= n or held[cc] < 0 or target[held[cc]] != t:
            kind = CUT_ELSEWHERE
        elif hp[cc] != hp[lc] or hq[cc] != hq[lc]:
            kind = CUT_KEY
        if kind >= 0:
            rows = _add(rows, k, kind, cc, t, 0, 0)
            k += 1
    return rows[:k]


@jit
def combine_segments(cols: Int, seg: Int, width: Int) -> tuple[Int, Bool]:
    """One integer per entry ordering each segment's rows as its first ``width[s]`` columns do
    (first column first), and whether each segment fitted in 62 bits."""
    m = cols.shape[1]
    out = np.zeros(m, np.int64)
    fits = np.ones(seg.shape[0] - 1, np.bool_)
    for s in range(seg.shape[0] - 1):
        a, b = seg[s], seg[s + 1]
        if a == b:
            continue
        span = 1.0
        for j in range(width[s]):
            lo, hi = cols[j, a], cols[j, a]
            for i in range(a, b):
                lo, hi = min(lo, cols[j, i]), max(hi, cols[j, i])
            w = hi - lo + 1
            span *= float(w)
            if span >= 2.0**62:
                fits[s] = False
                break
            for i in range(a, b):
                out[i] = out[i] * w + (cols[j, i] - lo)
    return out, fits
