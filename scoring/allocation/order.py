"""The rank of each candidate number (the last tie-break of every order)."""

from __future__ import annotations

import numpy as np

from .model import AllocationInputError, IntArray


def candidate_no_rank(candidate_no: np.ndarray) -> IntArray:
    """Rank of each candidate number (0 = lowest number); numbers must be unique."""
    n = candidate_no.shape[0]
    if n < 2 or bool(np.all(candidate_no[1:] > candidate_no[:-1])):
        return np.arange(n, dtype=np.int64)  # already in order: no sort
    uniq, inverse = np.unique(candidate_no, return_inverse=True)
    if uniq.shape[0] != candidate_no.shape[0]:
        raise AllocationInputError("candidate numbers are not unique / 考生号重复")
    return inverse.astype(np.int64).reshape(-1)
