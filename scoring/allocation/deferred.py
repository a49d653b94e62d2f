"""The literal serial dictatorship, one candidate at a time in plain Python: the reference the
compiled kernels are tested against (``allocate(inp, method="sd")``).

It takes the candidates' eligible entries as CSR arrays (``ptr``; ``target`` = line or group of
each entry; priorities higher = better) and a capacity per target, and returns the entry each
candidate holds at the end (-1 for none).
"""

from __future__ import annotations

import numpy as np

from .model import BoolArray, IntArray


def serial_dictatorship(
    ptr: IntArray, target: IntArray, cand_prio: IntArray, capacity: IntArray, share: BoolArray
) -> IntArray:
    """Candidates in descending priority each take their first target with a seat left.

    ``share`` is per candidate (the policy of the scheme of their category). Under it a class
    of tied candidates chooses together against the seats left before the class, so all of
    them fit the line whose last seat they reach.
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
