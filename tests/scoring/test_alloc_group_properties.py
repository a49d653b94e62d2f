"""Hypothesis properties of the dispatch to groups (院校专业组) and of share ties in flat batches.

In grouped batches the properties are about the group each candidate is dispatched to (投档),
before the placement inside the group: placement can leave a seat to the next round and can
turn a better score into a 退档, by design.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from alloc_helpers import flat_instances, grouped_instances, permute_rows
from hypothesis import given
from hypothesis import strategies as st

from scoring.allocation import AllocationInput, AllocationResult, allocate


def _group_rank(inp: AllocationInput, result: AllocationResult, c: int) -> int:
    """0-based position of the dispatched group (or line) in c's list; list length if none."""
    p = inp.preferences
    listed = int(p.ptr[c + 1] - p.ptr[c])
    return int(result.choice[c]) - 1 if result.choice[c] > 0 else listed


def _check_choice_matches_group(inp: AllocationInput, result: AllocationResult) -> None:
    """The reported choice names the dispatched group in the candidate's own list."""
    p = inp.preferences
    assert hasattr(p, "groups")
    for c in range(inp.n_candidates):
        if result.choice[c] > 0:
            assert int(p.groups[p.ptr[c] + result.choice[c] - 1]) == int(result.group[c])
        else:
            assert int(result.group[c]) == -1


@given(grouped_instances(), st.randoms(use_true_random=False))
def test_group_dispatch_does_not_depend_on_row_order(inp: AllocationInput, rnd: object) -> None:
    perm = np.arange(inp.n_candidates)
    rnd.shuffle(perm)  # type: ignore[attr-defined]
    base, moved = allocate(inp), allocate(permute_rows(inp, perm))
    _check_choice_matches_group(inp, base)
    assert moved.group.tolist() == base.group[perm].tolist()
    assert moved.choice.tolist() == base.choice[perm].tolist()
    # Placement inside the group is deterministic too.
    assert moved.line.tolist() == base.line[perm].tolist()
    assert moved.reason == tuple(base.reason[i] for i in perm)
    assert moved.digest == base.digest


@given(grouped_instances(), st.data())
def test_a_better_score_never_gives_a_worse_listed_group(
    inp: AllocationInput, data: st.DataObject
) -> None:
    c = data.draw(st.integers(0, inp.n_candidates - 1))
    raised = []
    for s in inp.schemes:
        keys = s.keys.copy()
        keys[c, 0] += data.draw(st.integers(1, 3))
        raised.append(dataclasses.replace(s, keys=keys))
    better = dataclasses.replace(inp, schemes=tuple(raised))
    before, after = allocate(inp), allocate(better)
    assert _group_rank(better, after, c) <= _group_rank(inp, before, c)


@given(grouped_instances(), st.data())
def test_an_extra_seat_in_a_group_never_gives_anyone_a_worse_listed_group(
    inp: AllocationInput, data: st.DataObject
) -> None:
    line = data.draw(st.integers(0, inp.n_lines - 1))
    seats = inp.free_seats.copy()
    seats[line] += 1
    more = dataclasses.replace(inp, free_seats=seats)
    a, b = allocate(inp), allocate(more)
    g = int(inp.line_group[line]) if inp.line_group is not None else -1
    assert b.capacity[g] >= a.capacity[g]
    for c in range(inp.n_candidates):
        assert _group_rank(inp, b, c) <= _group_rank(inp, a, c)


@given(flat_instances(), st.data())
def test_an_extra_seat_never_hurts_anyone_under_share_ties(
    inp: AllocationInput, data: st.DataObject
) -> None:
    shared = tuple(dataclasses.replace(s, ties="share") for s in inp.schemes)
    inp = dataclasses.replace(inp, schemes=shared)
    line = data.draw(st.integers(0, inp.n_lines - 1))
    seats = inp.free_seats.copy()
    seats[line] += 1
    more = dataclasses.replace(inp, free_seats=seats)
    a, b = allocate(inp), allocate(more)
    for c in range(inp.n_candidates):
        assert _group_rank(inp, b, c) <= _group_rank(inp, a, c)
