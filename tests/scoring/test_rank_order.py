"""Order keys (the allocator's contract), 位次 per category and the 一分一段 table."""

from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from scoring.bulk import bulk_compute
from scoring.order import dense_rank, order_keys, rank_category, rank_keys, score_rank_table
from scoring.rules import load_rules
from scoring.vector import Column
from tests.scoring.rules_strategies import PRESETS

D = Decimal
SD = load_rules(PRESETS / "shandong.toml")
HB = load_rules(PRESETS / "hubei.toml")


def _sd_frame(rows: list[tuple[float, float, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["chinese", "math", "english", "knowledge", "skill"])


def test_keys_are_total_then_tiebreaks_higher_is_better() -> None:
    frame = _sd_frame([(100, 100, 50, 150, 200), (100, 100, 50, 160, 190), (90, 90, 50, 150, 200)])
    keys = order_keys(SD, "standard", bulk_compute(SD, "standard", frame))
    # totals 600, 600, 580; skill 200, 190, 200
    assert keys.keys[:, 0].tolist() == [1, 1, 0]
    assert keys.keys[:, 1].tolist() == [1, 0, 1]
    assert (keys.choice_at, keys.choice_sign, keys.ties) == (None, 0, "share")
    assert keys.keys.dtype == np.int64 and keys.keys.shape == (3, 6)


def test_choice_position_and_sign() -> None:
    keys = order_keys(
        HB, "standard", bulk_compute(HB, "standard", pd.DataFrame({"skill": [300.0]}))
    )
    assert (keys.choice_at, keys.choice_sign, keys.ties) == (2, -1, "candidate_no")
    assert keys.keys.shape == (1, 2)  # total, skill; choice is inserted by the allocator


def test_rank_shares_exact_ties_and_counts_strictly_ahead() -> None:
    frame = _sd_frame(
        [
            (100, 100, 50, 150, 200),
            (100, 100, 50, 150, 200),
            (100, 100, 50, 160, 190),
            (1, 1, 1, 1, 1),
        ]
    )
    ranks = rank_category(SD, bulk_compute(SD, "standard", frame), ["IT", "IT", "IT", "IT"])
    assert ranks.tolist() == [1, 1, 3, 4]


def test_rank_is_per_category() -> None:
    frame = _sd_frame([(100, 100, 50, 150, 200), (1, 1, 1, 1, 1), (50, 50, 50, 50, 50)])
    ranks = rank_category(SD, bulk_compute(SD, "standard", frame), ["IT", "AGR", "AGR"])
    assert ranks.tolist() == [1, 2, 1]


@given(
    keys=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 2), st.sampled_from("ABC")),
        min_size=1,
        max_size=40,
    ),
    seed=st.integers(0, 2**32 - 1),
)
def test_rank_is_invariant_under_row_order(keys, seed) -> None:  # type: ignore[no-untyped-def]
    arr = np.array([k[:2] for k in keys], dtype=np.int64)
    cats = np.array([k[2] for k in keys], dtype=object)
    ranks = rank_keys(arr, cats)
    perm = np.random.default_rng(seed).permutation(len(keys))
    assert np.array_equal(rank_keys(arr[perm], cats[perm]), ranks[perm])
    for i, (a, b, cat) in enumerate(keys):
        ahead = sum(1 for x, y, c in keys if c == cat and (x, y) > (a, b))
        assert ranks[i] == ahead + 1


def test_dense_rank_on_decimals_and_scaled_ints() -> None:
    assert dense_rank([D("1.10"), D("1.1"), D("0.5"), D(3)]).tolist() == [1, 1, 0, 2]
    col = Column(np.array([110, 50, 110], dtype=np.int64), 2, 110)
    assert dense_rank(col).tolist() == [1, 0, 1]


def test_score_rank_table_rows_count_s_le_total_lt_s_plus_1() -> None:
    totals = [D("600.5"), D("600"), D("599.99"), D("598"), D("700")]
    table = score_rank_table(totals, ["IT", "IT", "IT", "IT", "AGR"])
    it = table[table.category == "IT"]
    assert it.score.tolist() == [600, 599, 598]
    assert it["count"].tolist() == [2, 1, 1]
    assert it.cumulative.tolist() == [2, 3, 4]
    assert table[table.category == "AGR"][["score", "count", "cumulative"]].values.tolist() == [
        [700, 1, 1]
    ]


def test_score_rank_table_from_bulk_includes_bonus() -> None:
    frame = _sd_frame([(100, 100, 50, 150, 199.5), (100, 100, 50, 150, 199)])
    frame["bonus"] = [0.0, 0.5]
    result = bulk_compute(SD, "standard", frame)
    table = score_rank_table(result.total, ["IT", "IT"])
    assert table.values.tolist() == [["IT", 599, 2, 2]]


def test_empty_exam() -> None:
    result = bulk_compute(SD, "standard", _sd_frame([]))
    assert len(result) == 0
    assert order_keys(SD, "standard", result).keys.shape == (0, 6)
    assert rank_category(SD, result, []).tolist() == []
    assert score_rank_table(result.total, []).empty


@given(
    rows=st.lists(
        st.tuples(
            *(st.integers(0, 6).map(lambda k: k * 12.5) for _ in range(5)),
            st.sampled_from(["IT", "AGR"]),
        ),
        min_size=1,
        max_size=30,
    ),
    seed=st.integers(0, 2**32 - 1),
)
def test_bulk_ranks_do_not_depend_on_row_order(rows, seed) -> None:  # type: ignore[no-untyped-def]
    frame = _sd_frame([r[:5] for r in rows])
    cats = np.array([r[5] for r in rows], dtype=object)
    ranks = rank_category(SD, bulk_compute(SD, "standard", frame), cats)
    perm = np.random.default_rng(seed).permutation(len(rows))
    shuffled = frame.iloc[perm].reset_index(drop=True)
    again = rank_category(SD, bulk_compute(SD, "standard", shuffled), cats[perm])
    assert np.array_equal(again, ranks[perm])


def test_wide_keys_fall_back_to_lexsort_and_unique() -> None:
    big = 2**40
    keys = np.array([[big, 0], [big, big], [0, big], [big, big], [5, 5]], dtype=np.int64)
    ranks = rank_keys(keys, ["A"] * 5)
    assert ranks.tolist() == [3, 1, 5, 1, 4]
    col = Column(np.array([big, 0, -big, big], dtype=np.int64), 0, big)
    assert dense_rank(col).tolist() == [2, 1, 0, 2]


@given(
    rows=st.lists(
        st.tuples(
            *(st.integers(0, 6).map(lambda k: k * 12.5) for _ in range(5)), st.integers(0, 3)
        ),
        min_size=2,
        max_size=20,
    )
)
def test_key_rows_compare_like_the_decimal_chain(rows) -> None:  # type: ignore[no-untyped-def]
    from scoring.composite import CandidateInput, compute_candidate

    names = ["chinese", "math", "english", "knowledge", "skill"]
    comps = [
        compute_candidate(
            SD,
            "standard",
            CandidateInput(
                {n: D(str(v)) for n, v in zip(names, r[:5], strict=True)}, bonus=D(r[5])
            ),
        )
        for r in rows
    ]
    keys = order_keys(SD, "standard", comps).keys
    chains = [(c.total, *c.tiebreak) for c in comps]
    for i in range(len(rows)):
        for j in range(len(rows)):
            a, b = tuple(keys[i]), tuple(keys[j])
            assert (a > b) == (chains[i] > chains[j])
            assert (a == b) == (chains[i] == chains[j])
