"""Synthetic allocation inputs for the benchmarks (deterministic from a seed).

- ``province(n, case)``: a province of 30 categories x 100 lines, about 30 choices each;
  case a: one scheme; b: 10 % of lines rank by their own scheme (ties shared); c: grouped
  (院校专业组 of 5 lines, about 8 groups listed, 70 % accept adjustment).
- ``programs(n, weighted)``: 200 programs with Zipf popularity, 10-30 choices per candidate,
  seats 0.8 x candidates; weighted: every program ranks by its own weights of four subjects
  (200 schemes), else one common key.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from scoring.allocation import (
    AllocationInput,
    FlatPreferences,
    GroupedPreferences,
    SchemeOrder,
)

CATEGORIES, LINES, GROUP_SIZE = 30, 3000, 5


def _lengths(rng: np.random.Generator, n: int, low: int, high: int, mean: float) -> np.ndarray:
    """List lengths in [low, high] with roughly the given mean (binomial)."""
    p = (mean - low) / (high - low)
    return (low + rng.binomial(high - low, p, size=n)).astype(np.int64)


def _choose(
    rng: np.random.Generator, n_items: int, weight: np.ndarray, lengths: np.ndarray
) -> np.ndarray:
    """Per row, ``lengths[i]`` distinct items drawn by popularity (Gumbel top-k), flattened."""
    out = []
    for start in range(0, lengths.shape[0], 50_000):
        k = lengths[start : start + 50_000]
        g = np.log(weight)[None, :] - np.log(-np.log(rng.random((k.shape[0], n_items))))
        order = np.argsort(-g, axis=1)
        out.append(order[np.arange(n_items)[None, :] < k[:, None]])
    return np.concatenate(out).astype(np.int64)


def province(n: int, case: str, seed: int = 7) -> AllocationInput:
    """1 scheme (a), 10 % of lines with their own scheme (b), or grouped (c)."""
    rng = np.random.default_rng(seed)
    category = rng.integers(0, CATEGORIES, n).astype(np.int64)
    order_c = np.argsort(category, kind="stable")
    total = np.clip(rng.normal(50_000, 9_000, n), 0, 75_000).astype(np.int64)
    skill = np.clip(total * 0.3 + rng.normal(0, 3_000, n), 0, 23_000).astype(np.int64)
    culture = total - skill
    schemes = [SchemeOrder(np.stack((total, skill, culture), axis=1))]
    per_cat = LINES // CATEGORIES
    line_category = np.repeat(np.arange(CATEGORIES), per_cat).astype(np.int64)
    line_scheme = np.zeros(LINES, dtype=np.int64)
    if case == "b":
        schemes.append(SchemeOrder(np.stack((skill * 2 + culture, skill), axis=1), ties="share"))
        line_scheme[rng.random(LINES) < 0.10] = 1
    counts = np.bincount(category, minlength=CATEGORIES)
    weight = rng.pareto(1.5, per_cat) + 0.2
    seats = np.zeros(LINES, dtype=np.int64)
    for cat in range(CATEGORIES):
        share = rng.dirichlet(np.ones(per_cat) * 2)
        seats[cat * per_cat : (cat + 1) * per_cat] = np.round(share * counts[cat] * 0.8)
    if case == "c":
        return _grouped(
            rng, n, category, order_c, schemes, line_category, line_scheme, seats, weight
        )
    lengths = _lengths(rng, n, 1, 96, 30)
    lengths = np.minimum(lengths, per_cat)
    local = _choose(rng, per_cat, weight, lengths[order_c])
    ptr_sorted = np.concatenate(([0], np.cumsum(lengths[order_c])))
    lines_sorted = local + np.repeat(category[order_c] * per_cat, lengths[order_c])
    ptr, lines = _unsort(order_c, ptr_sorted, lines_sorted, lengths)
    return AllocationInput(
        category=category, candidate_no=np.arange(26_000_000_000, 26_000_000_000 + n),
        schemes=tuple(schemes), qualified=np.ones((len(schemes), n), bool),
        line_category=line_category, line_scheme=line_scheme, free_seats=seats,
        preferences=FlatPreferences(ptr, lines), ratio=Fraction(1),
    )  # fmt: skip


def _unsort(
    order: np.ndarray, ptr_sorted: np.ndarray, flat: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """CSR built in ``order`` of rows, back to row order 0..n-1."""
    inv = np.argsort(order)
    ptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    src = np.repeat(ptr_sorted[:-1][inv] - ptr[:-1], lengths) + np.arange(int(ptr[-1]))
    return ptr, flat[src]


def _grouped(rng, n, category, order_c, schemes, line_category, line_scheme, seats, weight):  # type: ignore[no-untyped-def]
    per_group = (LINES // CATEGORIES) // GROUP_SIZE
    line_group = np.arange(LINES, dtype=np.int64) // GROUP_SIZE
    lengths = np.minimum(_lengths(rng, n, 1, 20, 8), per_group)
    gweight = weight.reshape(per_group, GROUP_SIZE).sum(axis=1)
    local = _choose(rng, per_group, gweight, lengths[order_c])
    groups_sorted = local + np.repeat(category[order_c] * per_group, lengths[order_c])
    ptr_sorted = np.concatenate(([0], np.cumsum(lengths[order_c])))
    ptr, groups = _unsort(order_c, ptr_sorted, groups_sorted, lengths)
    m = groups.shape[0]
    k = rng.integers(1, GROUP_SIZE + 1, m)
    offs = np.argsort(rng.random((m, GROUP_SIZE)), axis=1)
    majors = (groups[:, None] * GROUP_SIZE + offs)[np.arange(GROUP_SIZE)[None, :] < k[:, None]]
    major_ptr = np.concatenate(([0], np.cumsum(k))).astype(np.int64)
    prefs = GroupedPreferences(ptr, groups, rng.random(m) < 0.7, major_ptr, majors.astype(np.int64))
    return AllocationInput(
        category=category, candidate_no=np.arange(26_000_000_000, 26_000_000_000 + n),
        schemes=tuple(schemes), qualified=np.ones((len(schemes), n), bool),
        line_category=line_category, line_scheme=line_scheme, free_seats=seats,
        preferences=prefs, ratio=Fraction(1), line_group=line_group,
    )  # fmt: skip


PROGRAMS = 200


def programs(n: int, weighted: bool, seed: int = 11) -> AllocationInput:
    """200 programs, Zipf popularity, 10-30 choices, seats 0.8 n; one key or 200 schemes."""
    rng = np.random.default_rng(seed)
    subjects = np.clip(rng.normal(90, 25, (n, 4)), 0, 150).astype(np.int64)
    popularity = 1.0 / np.arange(1, PROGRAMS + 1)
    lengths = rng.integers(10, 31, n).astype(np.int64)
    lines = _choose(rng, PROGRAMS, popularity, lengths)
    ptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    share = np.sqrt(popularity) / np.sqrt(popularity).sum()
    seats = np.maximum(np.floor(share * 0.8 * n), 1).astype(np.int64)
    if weighted:
        weights = rng.integers(1, 6, (PROGRAMS, 4))
        schemes = tuple(SchemeOrder((subjects @ w).reshape(n, 1)) for w in weights)
        line_scheme = np.arange(PROGRAMS, dtype=np.int64)
    else:
        schemes = (SchemeOrder(subjects.sum(axis=1).reshape(n, 1)),)
        line_scheme = np.zeros(PROGRAMS, dtype=np.int64)
    return AllocationInput(
        category=np.zeros(n, dtype=np.int64), candidate_no=rng.permutation(n) + 26_000_000_000,
        schemes=schemes, qualified=np.ones((len(schemes), n), bool),
        line_category=np.zeros(PROGRAMS, dtype=np.int64), line_scheme=line_scheme,
        free_seats=seats, preferences=FlatPreferences(ptr, lines), ratio=Fraction(1),
    )  # fmt: skip
