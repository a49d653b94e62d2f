"""Hypothesis properties of the allocation engine on small random batches."""

from __future__ import annotations

import dataclasses

import numpy as np
from alloc_helpers import flat_instances, grouped_instances, permute_rows, reference_flat
from hypothesis import given
from hypothesis import strategies as st

from scoring.allocation import AllocationInput, FlatPreferences, allocate
from scoring.verify import verify


@given(flat_instances())
def test_flat_result_passes_the_verifier(inp: AllocationInput) -> None:
    assert verify(inp, allocate(inp)) == []


@given(flat_instances())
def test_flat_equals_textbook_deferred_acceptance(inp: AllocationInput) -> None:
    assert allocate(inp).line.tolist() == reference_flat(inp)


@given(grouped_instances())
def test_grouped_dispatch_passes_the_verifier(inp: AllocationInput) -> None:
    assert verify(inp, allocate(inp)) == []


@given(flat_instances(common=True))
def test_deferred_acceptance_equals_serial_dictatorship_under_a_common_key(
    inp: AllocationInput,
) -> None:
    sd = allocate(inp, method="sd")
    for other in (allocate(inp, method="da"), allocate(inp)):  # per-entry keys; fast path
        assert other.line.tolist() == sd.line.tolist()
        assert other.cutoff_candidate.tolist() == sd.cutoff_candidate.tolist()


@given(flat_instances(), st.randoms(use_true_random=False))
def test_row_order_does_not_change_the_result(inp: AllocationInput, rnd: object) -> None:
    perm = np.arange(inp.n_candidates)
    rnd.shuffle(perm)  # type: ignore[attr-defined]
    base, moved = allocate(inp), allocate(permute_rows(inp, perm))
    assert moved.line.tolist() == base.line[perm].tolist()
    assert moved.reason == tuple(base.reason[i] for i in perm)
    assert moved.digest == base.digest


def _rank_of_outcome(inp: AllocationInput, c: int, line: int) -> int:
    p = inp.preferences
    assert isinstance(p, FlatPreferences)
    lst = p.lines[p.ptr[c] : p.ptr[c + 1]].tolist()
    return lst.index(line) if line >= 0 else len(lst)


@given(flat_instances(), st.data())
def test_a_better_score_never_worsens_the_outcome(
    inp: AllocationInput, data: st.DataObject
) -> None:
    c = data.draw(st.integers(0, inp.n_candidates - 1))
    raised = []
    for s in inp.schemes:
        keys = s.keys.copy()
        keys[c, 0] += data.draw(st.integers(1, 3))
        raised.append(dataclasses.replace(s, keys=keys))
    better = dataclasses.replace(inp, schemes=tuple(raised))
    before = _rank_of_outcome(inp, c, int(allocate(inp).line[c]))
    after = _rank_of_outcome(better, c, int(allocate(better).line[c]))
    assert after <= before


@given(flat_instances(), st.data())
def test_an_extra_seat_never_hurts_anyone(inp: AllocationInput, data: st.DataObject) -> None:
    strict = tuple(dataclasses.replace(s, ties="candidate_no") for s in inp.schemes)
    inp = dataclasses.replace(inp, schemes=strict)
    line = data.draw(st.integers(0, inp.n_lines - 1))
    seats = inp.free_seats.copy()
    seats[line] += 1
    more = dataclasses.replace(inp, free_seats=seats)
    a, b = allocate(inp).line, allocate(more).line
    for c in range(inp.n_candidates):
        assert _rank_of_outcome(inp, c, int(b[c])) <= _rank_of_outcome(inp, c, int(a[c]))
