"""Plan lines reserved to candidate types (考生类型): the engine's input treats a line reserved to
other types exactly like a failed requirement, so the line is never dispatched to the candidate.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Int = NDArray[np.int64]
Bool = NDArray[np.bool_]


def type_matrix(line_types: list[list[str]], vocabulary: tuple[str, ...]) -> Bool:
    """``allowed[j, t]``: line j admits type ``vocabulary[t]`` (an empty list admits every type).

    The last column stands for a type outside the vocabulary, admitted only by open lines.
    """
    allowed = np.ones((len(line_types), len(vocabulary) + 1), dtype=bool)
    for j, types in enumerate(line_types):
        if types:
            allowed[j] = [t in types for t in vocabulary] + [False]
    return allowed


def type_codes(candidate_types: list[str], vocabulary: tuple[str, ...]) -> Int:
    """Each candidate's type as a column of ``type_matrix`` (unknown: the last column)."""
    index = {t: i for i, t in enumerate(vocabulary)}
    return np.asarray([index.get(t, len(vocabulary)) for t in candidate_types], dtype=np.int64)


def reserved_failures(cand: Int, line: Int, codes: Int, allowed: Bool, n_lines: int) -> Int:
    """Failure codes ``candidate * n_lines + line`` of the listed pairs (``cand[i]``, ``line[i]``)
    whose line is reserved to types other than the candidate's, sorted and unique."""
    if not cand.size:
        return np.zeros(0, dtype=np.int64)
    bad = ~allowed[line, codes[cand]]
    return np.unique(cand[bad] * n_lines + line[bad]).astype(np.int64)


def group_pairs(ptr: Int, groups: Int, line_group: Int) -> tuple[Int, Int]:
    """(candidate, line) for every line of every group a candidate lists: in grouped batches a
    candidate may be placed by adjustment (服从调剂) into a major of the group not listed."""
    owner = np.repeat(np.arange(ptr.shape[0] - 1, dtype=np.int64), np.diff(ptr))
    order = np.argsort(line_group, kind="stable").astype(np.int64)
    n_groups = int(line_group.max(initial=-1)) + 1
    counts = np.bincount(line_group, minlength=max(n_groups, int(groups.max(initial=-1)) + 1))
    starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    sizes = counts[groups]
    cand = np.repeat(owner, sizes)
    offsets = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(sizes) - sizes, sizes
    )
    line = order[np.repeat(starts[groups], sizes) + offsets]
    return cand, line.astype(np.int64)
