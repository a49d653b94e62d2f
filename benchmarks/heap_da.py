"""The floor every allocation engine should beat by far: textbook deferred acceptance in plain
Python, one proposal at a time, a binary heap per target (strict order: keys, then the lower
candidate number). It reads the engine's own input and dispatches to lines (flat) or groups
(grouped, without the placement inside the group).
"""

from __future__ import annotations

from heapq import heappush, heapreplace

import numpy as np

from scoring.allocation import AllocationInput, GroupedPreferences


def _targets(inp: AllocationInput) -> tuple[list[int], list[int], list[int]]:
    """(listed targets, capacity per target, scheme per target)."""
    p = inp.preferences
    if isinstance(p, GroupedPreferences):
        assert inp.line_group is not None
        n_groups = int(inp.line_group.max()) + 1
        scheme = np.zeros(n_groups, dtype=np.int64)
        scheme[inp.line_group] = inp.line_scheme
        seats = np.bincount(inp.line_group, weights=inp.free_seats, minlength=n_groups)
        return p.groups.tolist(), seats.astype(np.int64).tolist(), scheme.tolist()
    return p.lines.tolist(), inp.free_seats.tolist(), inp.line_scheme.tolist()


def heap_da(inp: AllocationInput) -> list[int]:
    """Target (line or group) held by each candidate, -1 for none."""
    targets, capacity, scheme_of = _targets(inp)
    ptr = inp.preferences.ptr.tolist()
    keys = [s.keys[:, 0].tolist() if s.keys.shape[1] == 1 else s.keys.tolist() for s in inp.schemes]
    neg_no = (-inp.candidate_no).tolist()
    n = inp.n_candidates
    heaps: list[list[tuple[object, int, int]]] = [[] for _ in capacity]
    nxt = ptr[:-1]
    held = [-1] * n
    free = [c for c in range(n - 1, -1, -1) if ptr[c] < ptr[c + 1]]
    while free:
        c = free.pop()
        e, end = nxt[c], ptr[c + 1]
        while e < end:
            t = targets[e]
            cap = capacity[t]
            if cap:
                item = (keys[scheme_of[t]][c], neg_no[c], c)
                heap = heaps[t]
                if len(heap) < cap:
                    heappush(heap, item)
                    held[c] = t
                    break
                if item > heap[0]:
                    d = heapreplace(heap, item)[2]
                    held[c], held[d] = t, -1
                    nxt[d] += 1
                    if nxt[d] < ptr[d + 1]:
                        free.append(d)
                    break
            e += 1
        nxt[c] = e
    return held
