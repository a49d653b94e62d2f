"""Compiled loops of the allocation engine (numba): deferred acceptance with one heap per target,
serial dictatorship, cutoffs, placement inside groups and the checks that walk every entry.

Every function takes int64/bool arrays and returns arrays; the work follows the list entries
(each proposal costs O(log capacity)), never schemes x candidates. The engine imports this module
only when it allocates, so commands that never allocate do not load numba.
"""

from __future__ import annotations

import numpy as np

from ..compiled import jit
from .model import BoolArray, IntArray

_AHEAD = 64  # candidates whose list starts are loaded together before they choose


@jit
def _sift_up(hp: IntArray, hc: IntArray, base: int, i: int) -> None:
    p, c = hp[base + i], hc[base + i]
    while i > 0:
        parent = (i - 1) >> 1
        if hp[base + parent] <= p:
            break
        hp[base + i], hc[base + i] = hp[base + parent], hc[base + parent]
        i = parent
    hp[base + i], hc[base + i] = p, c


@jit
def _sift_down(hp: IntArray, hc: IntArray, base: int, size: int) -> None:
    p, c = hp[base], hc[base]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and hp[base + child + 1] < hp[base + child]:
            child += 1
        if hp[base + child] >= p:
            break
        hp[base + i], hc[base + i] = hp[base + child], hc[base + child]
        i = child
    hp[base + i], hc[base + i] = p, c


@jit
def deferred_acceptance(
    ptr: IntArray,
    target: IntArray,
    table: IntArray,
    table_row: IntArray,
    by_entry: bool,
    capacity: IntArray,
    share: BoolArray,
    room: IntArray,
    order: IntArray,
) -> tuple[IntArray, IntArray, IntArray]:
    """Candidate-proposing DA, one proposal at a time; each target keeps a min-heap.

    The priority (higher is better) of entry ``e`` of candidate ``c`` for target ``t`` is
    ``table[table_row[t], e if by_entry else c]``. A target keeps its best ``capacity`` and,
    under ``share``, everyone tied with the last seat. ``room[t]`` bounds the heap of ``t``
    (capacity, or the number of its proposers under ``share``). Candidates first propose in
    ``order``: the result does not depend on it, the work does (best first, few are displaced).
    Returns (entry held or -1, its target or -1, its priority) per candidate.
    """
    n, n_t = ptr.shape[0] - 1, capacity.shape[0]
    off = np.zeros(n_t + 1, np.int64)
    for t in range(n_t):
        off[t + 1] = off[t] + room[t] + 1  # one more: a proposal is pushed before the eviction
    hp = np.empty(off[n_t], np.int64)
    hc = np.empty(off[n_t], np.int64)
    size = np.zeros(n_t, np.int64)
    nxt = ptr[:-1].copy()
    held = np.full(n, -1, np.int64)
    held_t = np.full(n, -1, np.int64)
    held_p = np.zeros(n, np.int64)
    stack = np.empty(n, np.int64)
    top = 0
    for i in range(order.shape[0] - 1, -1, -1):
        c = order[i]
        if ptr[c] < ptr[c + 1]:
            stack[top] = c
            top += 1
    # Lowest priority still held by a full target (MIN while seats are left, MAX without seats).
    thr = np.where(capacity > 0, np.iinfo(np.int64).min, np.iinfo(np.int64).max)
    spill = np.empty(16, np.int64)
    mark, sink = top, 0  # stack[mark:] was read ahead
    while top > 0:
        if top <= mark:  # read the next candidates' lists ahead, their loads overlapping
            mark = max(0, top - _AHEAD)
            for k in range(mark, top):
                sink += (ptr[stack[k] + 1] + nxt[stack[k]]) & 1
            for k in range(mark, top):
                c = stack[k]
                if nxt[c] < ptr[c + 1]:
                    sink += (target[nxt[c]] + table[0, nxt[c] if by_entry else c]) & 1
        top -= 1
        c = stack[top]
        e, end = nxt[c], ptr[c + 1]
        while e < end:
            t = target[e]
            p = table[table_row[t], e if by_entry else c]
            if p < thr[t] or (p == thr[t] and not share[t]):
                e += 1
                continue
            cap, base, k = capacity[t], off[t], size[t]
            evict = k >= cap and p > hp[base]  # else it fits, or ties with the last seat
            hp[base + k], hc[base + k] = p, c
            _sift_up(hp, hc, base, k)
            held[c], held_t[c], held_p[c] = e, t, p
            k += 1
            while evict and k > cap:  # drop the lowest class if the rest still fills the seats
                low, m = hp[base], 0
                while k > 0 and hp[base] == low:
                    if m == spill.shape[0]:
                        spill = np.concatenate((spill, np.empty(m, np.int64)))
                    spill[m] = hc[base]
                    m += 1
                    k -= 1
                    hp[base], hc[base] = hp[base + k], hc[base + k]
                    _sift_down(hp, hc, base, k)
                if k >= cap:
                    for i in range(m):
                        d = spill[i]
                        held[d], held_t[d] = -1, -1
                        nxt[d] += 1
                        if nxt[d] < ptr[d + 1]:
                            stack[top] = d
                            top += 1
                else:
                    for i in range(m):
                        hp[base + k], hc[base + k] = low, spill[i]
                        _sift_up(hp, hc, base, k)
                        k += 1
                    break
            size[t] = k
            if k >= cap:
                thr[t] = hp[base]
            break
        nxt[c] = e
    if sink < 0:  # never (a count of bits): keeps the read-ahead loads
        raise ValueError("read-ahead count overflowed")
    return held, held_t, held_p


@jit
def serial_dictatorship(
    order: IntArray,
    prio: IntArray,
    ptr: IntArray,
    target: IntArray,
    capacity: IntArray,
    share: BoolArray,
) -> tuple[IntArray, IntArray]:
    """Candidates in ``order`` (best first) each take their first target with a seat left.

    ``share`` is per candidate: a class of tied candidates under it chooses together against the
    seats left before the class. Returns the entry each candidate holds and its target (-1 for
    none). The lists of the next candidates are read ahead, a block at a time, so their memory
    loads overlap instead of waiting one by one.
    """
    n = order.shape[0]
    left = capacity.copy()
    held = np.full(ptr.shape[0] - 1, -1, np.int64)
    held_t = np.full(ptr.shape[0] - 1, -1, np.int64)
    sink = 0
    ahead = 0
    i = 0
    while i < n:
        if i >= ahead:
            ahead = min(n, i + _AHEAD)
            for k in range(i, ahead):
                sink += ptr[order[k] + 1]
            for k in range(i, ahead):
                c = order[k]
                if ptr[c] < ptr[c + 1]:
                    sink += target[ptr[c]]
        j = i + 1
        if share[order[i]]:
            while j < n and share[order[j]] and prio[order[j]] == prio[order[i]]:
                j += 1
        for k in range(i, j):
            c = order[k]
            for e in range(ptr[c], ptr[c + 1]):
                t = target[e]
                if left[t] > 0:
                    held[c], held_t[c] = e, t
                    break
            if j == i + 1 and held[c] >= 0:
                left[held_t[c]] -= 1
        if j > i + 1:
            for k in range(i, j):
                if held[order[k]] >= 0:
                    left[held_t[order[k]]] -= 1
        i = j
    if sink < 0:  # never (offsets and targets are checked): keeps the read-ahead loads
        raise ValueError("negative list offsets")
    return held, held_t


@jit
def lowest_held(
    held_target: IntArray, held_p: IntArray, cno_rank: IntArray, n_targets: int
) -> IntArray:
    """Per target, the candidate with the lowest priority held there (the higher candidate
    number among exact ties), or -1."""
    out = np.full(n_targets, -1, np.int64)
    for c in range(held_target.shape[0]):
        t = held_target[c]
        if t < 0:
            continue
        o = out[t]
        if o < 0 or held_p[c] < held_p[o] or (held_p[c] == held_p[o] and cno_rank[c] > cno_rank[o]):
            out[t] = c
    return out


@jit
def targets_outside(
    ptr: IntArray, target: IntArray, category: IntArray, target_category: IntArray, n_t: int
) -> int:
    """0 if every entry names an existing target of its candidate's category; 1 for an unknown
    target; 2 for a target of another category."""
    for c in range(ptr.shape[0] - 1):
        for e in range(ptr[c], ptr[c + 1]):
            t = target[e]
            if t < 0 or t >= n_t:
                return 1
            if target_category[t] != category[c]:
                return 2
    return 0


@jit
def failing_entries(ptr: IntArray, lines: IntArray, failures: IntArray, n_lines: int) -> BoolArray:
    """Per entry, whether its (candidate, line) pair is in the sorted codes ``failures``."""
    out = np.zeros(lines.shape[0], np.bool_)
    for code in failures:
        c, line = code // n_lines, code % n_lines
        if c < 0 or c >= ptr.shape[0] - 1:
            continue
        for e in range(ptr[c], ptr[c + 1]):
            if lines[e] == line:
                out[e] = True
    return out


@jit
def _fails(failures: IntArray, code: int) -> bool:
    i = np.searchsorted(failures, code)
    return bool(i < failures.shape[0] and failures[i] == code)


@jit
def place_in_groups(
    order: IntArray,
    held: IntArray,
    groups: IntArray,
    adjust: BoolArray,
    major_ptr: IntArray,
    majors: IntArray,
    group_ptr: IntArray,
    group_lines: IntArray,
    free_seats: IntArray,
    failures: IntArray,
    n_lines: int,
) -> tuple[IntArray, IntArray]:
    """Candidates in ``order`` take the first listed major of their held group entry with a seat
    left whose requirements they meet; else, with adjust, the group's first such line. Returns
    (line or -1, outcome 0 placed / 1 no adjust / 2 group full) per candidate."""
    n = held.shape[0]
    line = np.full(n, -1, np.int64)
    outcome = np.zeros(n, np.int64)
    left = free_seats.copy()
    for c in order:
        j = held[c]
        base = c * n_lines
        placed = -1
        for k in range(major_ptr[j], major_ptr[j + 1]):
            m = majors[k]
            if left[m] > 0 and not _fails(failures, base + m):
                placed = m
                break
        if placed < 0 and adjust[j]:
            g = groups[j]
            for k in range(group_ptr[g], group_ptr[g + 1]):
                m = group_lines[k]
                if left[m] > 0 and not _fails(failures, base + m):
                    placed = m
                    break
        if placed >= 0:
            left[placed] -= 1
            line[c] = placed
        else:
            outcome[c] = 2 if adjust[j] else 1
    return line, outcome


@jit
def order_runs(order: IntArray, starts: IntArray, ordered: IntArray, tie: IntArray) -> None:
    """Sort, by ``tie``, each run of equal ``ordered`` values beginning at a position in
    ``starts`` (ascending, the first of each run), in place in ``order``."""
    n = order.shape[0]
    for s in starts:
        e = s + 1
        while e < n and ordered[e] == ordered[s]:
            e += 1
        run = order[s:e].copy()
        t = np.empty(e - s, np.int64)
        for k in range(e - s):
            t[k] = tie[run[k]]
        by = np.argsort(t, kind="mergesort")
        for k in range(e - s):
            order[s + k] = run[by[k]]


@jit
def group_by(keys: IntArray, starts: IntArray, values: IntArray) -> tuple[IntArray, IntArray]:
    """Positions of ``keys`` grouped by key (ascending; in position order within a group) and
    ``values`` in that order: a counting sort, where ``starts[k]`` is where key k's group begins.
    ``starts`` must be the exclusive running sum of ``bincount(keys)`` (nothing is bounds-checked)."""
    fill = starts.copy()
    order = np.empty(keys.shape[0], dtype=np.int64)
    moved = np.empty(keys.shape[0], dtype=np.int64)
    for i in range(keys.shape[0]):
        k = keys[i]
        order[fill[k]] = i
        moved[fill[k]] = values[i]
        fill[k] += 1
    return order, moved
