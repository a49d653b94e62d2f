"""Hand-built cases for grouped batches (院校专业组) and for rounds."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from alloc_helpers import flat_input, grouped_input

from scoring.allocation import allocate, next_round_input
from scoring.verify import verify

# Group 0 = lines 0 and 1 (one seat each); group 1 = line 2 (two seats).
GROUPS = [0, 0, 1]
SEATS = [1, 1, 2]


def test_dispatch_to_group_then_placement_by_score() -> None:
    inp = grouped_input(
        [[90], [80], [70]],
        [[(0, [1], False)], [(0, [1, 0], False)], [(0, [1], True), (1, [2], False)]],
        SEATS,
        GROUPS,
    )
    result = allocate(inp)
    assert result.group.tolist() == [0, 0, 1]
    assert result.line.tolist() == [1, 0, 2]
    assert verify(inp, result) == []


def test_without_adjust_a_full_major_means_rejection() -> None:
    inp = grouped_input([[90], [80]], [[(0, [1], False)], [(0, [1], False)]], SEATS, GROUPS)
    result = allocate(inp)
    assert result.group.tolist() == [0, 0]
    assert result.line.tolist() == [1, -1]
    assert result.reason[1] == "no_adjust"
    assert result.message(1) == "专业不服从调剂"
    assert verify(inp, result) == []


def test_adjust_takes_the_lowest_program_code_with_a_seat() -> None:
    inp = grouped_input(
        [[90], [80], [70]],
        [[(0, [2], False)], [(0, [2], True)], [(0, [2], True)]],
        [1, 1, 1],
        [0, 0, 0],
        program_rank=[1, 0, 2],
    )
    result = allocate(inp)
    # Line 1 has the lowest program code, then line 0.
    assert result.line.tolist() == [2, 1, 0]


def test_adjust_skips_a_major_whose_requirements_fail() -> None:
    inp = grouped_input(
        [[90], [80]],
        [[(0, [0], False)], [(0, [0], True)]],
        [1, 1, 0],
        [0, 0, 1],
        failures=[(1, 1)],
    )
    result = allocate(inp)
    assert result.line.tolist() == [0, -1]
    assert result.reason[1] == "group_full"


def test_ratio_dispatches_more_than_the_seats_and_placement_rejects_the_excess() -> None:
    inp = grouped_input(
        [[90], [80], [70]],
        [[(0, [0, 1], True)]] * 3,
        [1, 1, 0],
        GROUPS,
        ratio=Fraction(3, 2),
    )
    result = allocate(inp)
    assert result.capacity.tolist() == [3, 0]
    assert result.group.tolist() == [0, 0, 0]
    assert result.line.tolist() == [0, 1, -1]
    assert result.reason[2] == "group_full"
    assert verify(inp, result) == []


def test_a_better_score_can_be_rejected_inside_the_group() -> None:
    # The province's rule: the higher score, not adjusting, is rejected while a lower one adjusts in.
    inp = grouped_input(
        [[90], [85], [80]],
        [[(0, [0], False)], [(0, [0], False)], [(0, [0], True)]],
        [1, 1, 0],
        GROUPS,
        ratio=Fraction(3, 2),
    )
    result = allocate(inp)
    assert result.line.tolist() == [0, -1, 1]
    assert result.reason[1] == "no_adjust"
    assert verify(inp, result) == []


def test_a_rejected_candidate_returns_in_the_next_round_even_to_the_same_line() -> None:
    inp = flat_input([[90], [80], [70]], [[0], [0], [0, 1]], [1, 1])
    first = allocate(inp)
    assert first.line.tolist() == [0, -1, 1]
    # Line 0 rejects candidate 0 (退档); line 1 admits candidate 2.
    admitted = np.array([False, False, True])
    second_input = next_round_input(inp, first, admitted)
    assert second_input.free_seats.tolist() == [1, 0]
    second = allocate(second_input)
    assert second.line.tolist() == [0, -1, -1]
    assert second.reason[2] == "excluded"
    assert verify(second_input, second) == []


def test_next_round_takes_fresh_preferences_and_keeps_earlier_admissions_out() -> None:
    inp = flat_input([[90], [80]], [[0], [0]], [1, 1])
    first = allocate(inp)
    nxt = next_round_input(
        inp, first, np.array([True, False]), flat_input([[0], [0]], [[1], [1]], [1, 1]).preferences
    )
    result = allocate(nxt)
    assert result.line.tolist() == [-1, 1]
    assert next_round_input(nxt, result, np.array([False, True])).free_seats.tolist() == [0, 0]
