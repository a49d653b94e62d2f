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
