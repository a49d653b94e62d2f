"""Hand-built cases for flat batches: one rule each."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from alloc_helpers import flat_input

from scoring.allocation import REASONS, SchemeOrder, allocate, capacity_of
from scoring.verify import verify


def test_higher_score_takes_its_first_choice() -> None:
    inp = flat_input([[300], [400], [350]], [[0, 1], [0, 1], [0, 1]], [1, 1])
    result = allocate(inp)
    assert result.line.tolist() == [-1, 0, 1]
    assert result.choice.tolist() == [0, 1, 2]
    assert result.reason[0] == "below_cutoffs"
    assert result.message(0) == "分数未达到所填志愿的投档线"


def test_share_dispatches_everyone_tied_at_the_last_seat() -> None:
    inp = flat_input([[90], [80], [80], [70]], [[0]] * 4, [2], ties="share")
    result = allocate(inp)
    assert result.line.tolist() == [0, 0, 0, -1]
    assert result.dispatched.tolist() == [3]
    assert result.capacity.tolist() == [2]
    assert verify(inp, result) == []


def test_share_compares_the_whole_chain_not_only_the_total() -> None:
    keys = [[90, 5], [80, 7], [80, 6], [80, 6]]
    result = allocate(flat_input(keys, [[0]] * 4, [2], ties="share"))
    assert result.line.tolist() == [0, 0, -1, -1]


def test_candidate_no_lower_number_wins_the_last_seat() -> None:
    inp = flat_input([[80], [80]], [[0], [0]], [1], candidate_no=[202, 101])
    assert allocate(inp).line.tolist() == [-1, 0]


def test_ratio_above_one_floors_the_capacity() -> None:
    seats = np.array([20, 10, 0], dtype=np.int64)
    inp = flat_input([[1]], [[0]], [20, 10, 0], ratio=Fraction(105, 100))
    assert capacity_of(seats, inp).tolist() == [21, 10, 0]
    keys = [[100 - i] for i in range(25)]
    result = allocate(flat_input(keys, [[0]] * 25, [20], ratio=Fraction(105, 100)))
    assert int((result.line == 0).sum()) == 21


def test_earlier_preference_wins_a_tie_with_minus_choice() -> None:
    scheme = SchemeOrder(
        np.array([[80], [80]], np.int64), choice_at=1, choice_sign=-1, ties="share"
    )
    inp = flat_input([], [[1, 0], [0]], [1, 1], schemes=(scheme,))
    # Candidate 1 lists line 0 first; candidate 0 lists it second: 1 wins line 0.
    assert allocate(inp).line.tolist() == [1, 0]
    later_wins = SchemeOrder(scheme.keys, choice_at=1, choice_sign=1, ties="share")
    inp = flat_input([], [[1, 0], [0]], [1, 0], schemes=(later_wins,))
    # With +choice the later listing wins: candidate 0 (line 0 second) beats candidate 1.
    assert allocate(inp).line.tolist() == [0, -1]


def test_choice_counts_lines_that_cannot_count() -> None:
    scheme = SchemeOrder(np.array([[80], [80]], np.int64), choice_at=1, choice_sign=-1)
    inp = flat_input([], [[1, 0], [0]], [1, 1], schemes=(scheme,), failures=[(0, 1)])
    # Candidate 0 fails line 1 but still listed line 0 second; candidate 1 listed it first.
    result = allocate(inp)
    assert result.line.tolist() == [-1, 0]
    assert result.reason[0] == "below_cutoffs"


def test_lines_with_their_own_scheme_rank_by_it() -> None:
    total = SchemeOrder(np.array([[500], [400]], np.int64))
    skill = SchemeOrder(np.array([[100], [200]], np.int64))
    inp = flat_input([], [[0, 1], [1, 0]], [1, 1], schemes=(total, skill), line_scheme=[0, 1])
    assert allocate(inp).line.tolist() == [0, 1]
    inp = flat_input([], [[1, 0], [1, 0]], [1, 1], schemes=(total, skill), line_scheme=[0, 1])
    # Line 1 ranks by skill: candidate 1 wins it although candidate 0 has the higher total.
    assert allocate(inp).line.tolist() == [0, 1]


def test_requirements_skip_the_failing_line() -> None:
    inp = flat_input([[90], [80]], [[0, 1], [0]], [1, 1], failures=[(0, 0)])
    result = allocate(inp)
    assert result.line.tolist() == [1, 0]
    assert result.choice.tolist() == [2, 1]


def test_reasons_for_no_place() -> None:
    qualified = np.array([[True, False, True, True, True]])
    inp = flat_input(
        [[90], [80], [70], [60], [50]],
        [[0], [0], [0], [], [0]],
        [1],
        qualified=qualified,
        failures=[(2, 0)],
        excluded=[False, False, False, False, False],
    )
    result = allocate(inp)
    assert result.reason == (
        "dispatched",
        "not_qualified",
        "requirements",
        "no_preferences",
        "below_cutoffs",
    )
    assert [result.message(i) for i in range(1, 4)] == [
        "未达到资格要求",
        "不符合报考要求",
        "未填报志愿",
    ]
    assert set(result.reason) <= set(REASONS)


def test_excluded_candidates_are_not_dispatched() -> None:
    inp = flat_input([[90], [80]], [[0], [0]], [1], excluded=[True, False])
    result = allocate(inp)
    assert result.line.tolist() == [-1, 0]
    assert result.reason[0] == "excluded"


def test_categories_are_independent_markets() -> None:
    inp = flat_input(
        [[90], [10], [80]],
        [[0], [1], [0]],
        [1, 1],
        category=[0, 1, 0],
        line_category=[0, 1],
    )
    assert allocate(inp).line.tolist() == [0, 1, -1]


def test_cutoff_is_the_lowest_dispatched() -> None:
    inp = flat_input([[90], [70], [80], [60]], [[0], [0], [0], [1]], [3, 2])
    result = allocate(inp)
    assert result.cutoff_candidate.tolist() == [1, 3]
    assert result.dispatched.tolist() == [3, 1]


def test_zero_seats_take_nobody_even_when_shared() -> None:
    result = allocate(flat_input([[80], [80]], [[0, 1], [0]], [0, 1], ties="share"))
    assert result.line.tolist() == [1, -1]
    assert result.cutoff_candidate.tolist() == [-1, 0]


def test_string_candidate_numbers_order_like_numbers() -> None:
    inp = flat_input([[80], [80]], [[0], [0]], [1], candidate_no=[0, 0])
    inp = type(inp)(**{**inp.__dict__, "candidate_no": np.array(["26370102", "26370101"])})
    assert allocate(inp).line.tolist() == [-1, 0]


def test_same_input_same_digest_and_a_change_changes_it() -> None:
    a = allocate(flat_input([[90], [80]], [[0], [0]], [1]))
    b = allocate(flat_input([[90], [80]], [[0], [0]], [1]))
    c = allocate(flat_input([[90], [81]], [[0], [0]], [1]))
    assert a.digest == b.digest != c.digest
    assert len(a.digest) == 64
