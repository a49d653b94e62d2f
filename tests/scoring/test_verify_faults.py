"""The verifier catches every kind of fault injected into a correct result."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from alloc_helpers import flat_input, flat_instances, grouped_input
from hypothesis import given
from hypothesis import strategies as st

from scoring.allocation import AllocationInput, AllocationResult, SchemeOrder, allocate
from scoring.verify import verify

# Lines 0 and 1 have one seat each; candidate 3 is left out; candidate 2 got its 2nd choice.
BASE = flat_input([[90], [80], [70], [60]], [[0, 1], [0, 1], [0, 1], [1, 0]], [1, 2, 1])


def _with(result: AllocationResult, **changes: object) -> AllocationResult:
    return dataclasses.replace(result, **changes)  # type: ignore[arg-type]


def _rules(inp: AllocationInput, result: AllocationResult) -> set[str]:
    return {v.rule for v in verify(inp, result)}


def test_the_correct_result_is_clean() -> None:
    result = allocate(BASE)
    assert result.line.tolist() == [0, 1, 1, -1]
    assert verify(BASE, result) == []


def test_capacity_overflow_is_caught() -> None:
    result = allocate(BASE)
    bad = _with(result, line=np.array([0, 0, 1, 1]), choice=np.array([1, 1, 2, 1]))
    assert "capacity" in _rules(BASE, bad)


def test_shared_excess_that_is_not_a_tie_is_caught() -> None:
    inp = flat_input([[90], [80], [70]], [[0]] * 3, [1], ties="share")
    result = allocate(inp)
    bad = _with(result, line=np.array([0, 0, -1]), choice=np.array([1, 1, 0]))
    assert "capacity" in _rules(inp, bad)


def test_outcome_that_is_not_the_listed_choice_is_caught() -> None:
    result = allocate(BASE)
    bad = _with(result, choice=np.array([2, 1, 2, 0]))
    assert "one_place" in _rules(BASE, bad)


def test_unlisted_line_is_caught() -> None:
    result = allocate(BASE)
    bad = _with(result, line=np.array([0, 1, 1, 2]), choice=np.array([1, 1, 2, 1]))
    assert "one_place" in _rules(BASE, bad)


def test_ineligible_line_is_caught() -> None:
    inp = flat_input([[90], [80]], [[0], [0, 1]], [1, 1], failures=[(1, 1)])
    result = allocate(inp)
    bad = _with(result, line=np.array([0, 1]), choice=np.array([1, 2]))
    assert "eligible" in _rules(inp, bad)


def test_justified_envy_is_caught() -> None:
    result = allocate(BASE)
    bad = _with(result, line=np.array([1, 0, 1, -1]), choice=np.array([2, 1, 2, 0]))
    assert "envy" in _rules(BASE, bad)


def test_wasted_seat_is_caught() -> None:
    result = allocate(BASE)
    bad = _with(result, line=np.array([0, -1, 1, -1]), choice=np.array([1, 0, 2, 0]))
    assert "waste" in _rules(BASE, bad)


def test_wrong_cutoff_is_caught() -> None:
    result = allocate(BASE)
    bad = _with(result, cutoff_candidate=np.array([0, 1, -1]))
    assert "cutoff" in _rules(BASE, bad)
    bad = _with(result, cutoff_candidate=np.array([0, 2, 3]))
    assert "cutoff" in _rules(BASE, bad)
    bad = _with(result, dispatched=np.array([1, 1, 0]))
    assert "cutoff" in _rules(BASE, bad)


def test_placement_faults_in_a_group_are_caught() -> None:
    inp = grouped_input([[90], [80]], [[(0, [0], False)], [(0, [0], True)]], [1, 1, 1], [0, 0, 1])
    result = allocate(inp)
    assert result.line.tolist() == [0, 1]
    assert "placement" in _rules(inp, _with(result, line=np.array([0, 0])))
    assert "placement" in _rules(inp, _with(result, line=np.array([1, 1])))
    assert "placement" in _rules(inp, _with(result, line=np.array([2, 1])))


@given(flat_instances(), st.data())
def test_moving_any_dispatched_candidate_out_is_caught(
    inp: AllocationInput, data: st.DataObject
) -> None:
    result = allocate(inp)
    placed = np.flatnonzero(result.line >= 0)
    if placed.size == 0:
        return
    c = int(data.draw(st.sampled_from(placed.tolist())))
    line, choice = result.line.copy(), result.choice.copy()
    line[c], choice[c] = -1, 0
    assert verify(inp, _with(result, line=line, choice=choice)) != []


@pytest.mark.parametrize("rule", ["waste", "envy"])
def test_each_violation_names_candidate_and_line(rule: str) -> None:
    result = allocate(BASE)
    if rule == "waste":
        bad = _with(result, line=np.array([0, -1, 1, -1]), choice=np.array([1, 0, 2, 0]))
    else:
        bad = _with(result, line=np.array([1, 0, 1, -1]), choice=np.array([2, 1, 2, 0]))
    found = [v for v in verify(BASE, bad) if v.rule == rule]
    assert found and all(v.candidate >= 0 and v.target >= 0 and v.message for v in found)


@pytest.mark.parametrize("listed_by", ["everyone", "one"])
def test_keys_wider_than_62_bits_are_compared_exactly(listed_by: str) -> None:
    # Three columns whose ranges multiply past 2**62: candidate 0 > 1 > 2 by the second column;
    # listed by everyone the scheme is ranked per candidate, by three of 15 per entry.
    big = 2**40
    keys = [[big, big, 0], [big, big - 1, big], [big, 0, big]] + [[0, 0, 0]] * 12
    prefs = [[0], [0], [0]] + ([[1]] * 12 if listed_by == "everyone" else [[]] * 12)
    inp = flat_input(keys, prefs, [1, 12])
    result = allocate(inp)
    assert result.line.tolist()[:3] == [0, -1, -1]
    assert verify(inp, result) == []
    swapped = _with(
        result, line=np.array([-1, 0, -1] + result.line.tolist()[3:]),
        choice=np.array([0, 1, 0] + result.choice.tolist()[3:]),
        cutoff_candidate=np.array([1, result.cutoff_candidate[1]]),
    )  # fmt: skip
    assert {"envy"} <= _rules(inp, swapped)


def test_an_earlier_choice_that_ranks_first_is_envied_by_entry() -> None:
    # Scheme 1 ranks by key then earlier choice; only two entries list it (keys by entry).
    first = SchemeOrder(np.array([[5]] * 6, dtype=np.int64))
    by_choice = SchemeOrder(np.array([[5]] * 6, dtype=np.int64), choice_at=1, ties="share")
    inp = flat_input(
        [], [[1], [0, 1], [0], [0], [0], [0]], [5, 1], schemes=(first, by_choice),
        line_scheme=[0, 1],
    )  # fmt: skip
    result = allocate(inp)
    assert result.line.tolist() == [1, 0, 0, 0, 0, 0]
    assert verify(inp, result) == []
    bad = _with(result, line=np.array([-1, 1, 0, 0, 0, 0]), choice=np.array([0, 2, 1, 1, 1, 1]))
    assert "envy" in _rules(inp, bad)
