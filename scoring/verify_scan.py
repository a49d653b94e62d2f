"""The verifier's scan of every entry listed above each outcome, compiled (numba): written apart
from the allocator's kernels, it reads one rank per candidate and scheme and the lowest
candidate dispatched to each target, and reports wasted seats and justified envy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

F = TypeVar("F", bound=Callable[..., Any])
Int = NDArray[np.int64]
Bool = NDArray[np.bool_]


def _jit(fn: F) -> F:
    return cast(F, numba.njit(cache=True, nogil=True)(fn))


@_jit
def _grow(found: Int, k: int) -> Int:
    if k < found.shape[0]:
        return found
    bigger = np.empty((found.shape[0] * 2, 3), np.int64)
    bigger[: found.shape[0]] = found
    return bigger


@_jit
def scan_above(
    ptr: Int, target: Int, held: Int, choice: Int, ok: Bool, t_row: Int, rank: Int,
    lowest_cand: Int, count: Int, cap: Int,
) -> Int:  # fmt: skip
    """Rows (kind 0 waste / 1 envy, candidate, target) for every eligible entry above a
    candidate's outcome whose target had a seat left, or took someone not ahead of them.
    ``ok`` is empty when every entry is eligible."""
    found = np.empty((16, 3), np.int64)
    k = 0
    for c in range(ptr.shape[0] - 1):
        upto = ptr[c + 1] - ptr[c]
        if held[c] >= 0:
            upto = min(max(choice[c] - 1, 0), upto)
        for e in range(ptr[c], ptr[c] + upto):
            if ok.shape[0] and not ok[e]:
                continue
            t = target[e]
            kind = -1
            if count[t] < cap[t]:
                kind = 0
            elif lowest_cand[t] >= 0 and rank[t_row[t], c] >= rank[t_row[t], lowest_cand[t]]:
                kind = 1
            if kind >= 0:
                found = _grow(found, k)
                found[k, 0], found[k, 1], found[k, 2] = kind, c, t
                k += 1
    return found[:k]
