"""The engine's integer orders equal numpy's stable ones, ties and all."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from scoring.allocation.sorting import dense_rank, order_by, stable_order

values = st.lists(st.integers(-(2**61), 2**61) | st.integers(-3, 3), max_size=60)


@given(values, st.booleans())
def test_stable_order_is_numpys_stable_argsort(xs: list[int], descending: bool) -> None:
    v = np.array(xs, dtype=np.int64)
    expected = np.argsort(-v if descending else v, kind="stable")
    assert stable_order(v, descending).tolist() == expected.tolist()


@given(values)
def test_order_by_breaks_equal_values_by_the_second_key(xs: list[int]) -> None:
    v = np.array(xs, dtype=np.int64)
    tie = np.random.default_rng(len(xs)).permutation(len(xs)).astype(np.int64)
    order, ordered = order_by(v, tie)
    assert order.tolist() == np.lexsort((tie, v)).tolist()
    assert ordered.tolist() == v[order].tolist()


@given(values)
def test_dense_rank_is_the_rank_among_distinct_values(xs: list[int]) -> None:
    v = np.array(xs, dtype=np.int64)
    rank, k = dense_rank(v)
    uniq, inverse = np.unique(v, return_inverse=True)
    assert rank.tolist() == inverse.reshape(-1).tolist() and k == uniq.shape[0]


@given(st.lists(st.integers(0, 7), max_size=200), st.integers(0, 3))
def test_group_by_is_a_stable_sort_by_key_moving_the_values_along(
    keys: list[int], more: int
) -> None:
    from scoring.allocation.kernel import group_by

    k = np.array(keys, dtype=np.int64)
    n_keys = (max(keys) + 1 if keys else 0) + more  # keys nobody has are empty groups
    starts = np.concatenate(([0], np.cumsum(np.bincount(k, minlength=n_keys))))[:-1]
    values = np.arange(len(keys), dtype=np.int64) * 10 + 3
    order, moved = group_by(k, starts.astype(np.int64), values)
    assert order.tolist() == np.argsort(k, kind="stable").tolist()
    assert moved.tolist() == values[order].tolist()
