"""Lines reserved to candidate types: never dispatched to another type (engine and verifier)."""

from __future__ import annotations

import dataclasses

import numpy as np
from alloc_helpers import flat_input, flat_instances, grouped_instances
from hypothesis import given
from hypothesis import strategies as st

from scoring.allocation import AllocationInput, allocate
from scoring.reserved import group_pairs, reserved_failures, type_codes, type_matrix
from scoring.verify import reserved_violations, verify

TYPES = ("应届中职毕业生", "往届中职毕业生", "具有工作经历")


def _listed(inp: AllocationInput) -> tuple[np.ndarray, np.ndarray]:
    prefs = inp.preferences
    owner = np.repeat(np.arange(inp.n_candidates, dtype=np.int64), np.diff(prefs.ptr))
    if hasattr(prefs, "lines"):
        return owner, prefs.lines.astype(np.int64)
    return group_pairs(prefs.ptr, prefs.groups.astype(np.int64), inp.line_group.astype(np.int64))


@st.composite
def reserved_instances(draw: st.DrawFn, grouped: bool = False):
    inp = draw(grouped_instances() if grouped else flat_instances())
    reserved = [
        draw(st.lists(st.sampled_from(TYPES), max_size=2, unique=True)) for _ in range(inp.n_lines)
    ]
    kinds = [draw(st.sampled_from(TYPES)) for _ in range(inp.n_candidates)]
    codes, allowed = type_codes(kinds, TYPES), type_matrix(reserved, TYPES)
    cand, line = _listed(inp)
    failures = np.union1d(inp.requirement_failures,
                          reserved_failures(cand, line, codes, allowed, inp.n_lines)).astype(np.int64)  # fmt: skip
    return dataclasses.replace(inp, requirement_failures=failures), codes, allowed


@given(reserved_instances())
def test_flat_lines_reserved_to_types_never_go_to_others(case) -> None:
    inp, codes, allowed = case
    result = allocate(inp)
    assert verify(inp, result) == []
    assert reserved_violations(result.line.astype(np.int64), codes, allowed) == []


@given(reserved_instances(grouped=True))
def test_grouped_majors_reserved_to_types_never_go_to_others(case) -> None:
    inp, codes, allowed = case
    result = allocate(inp)
    assert verify(inp, result) == []
    assert reserved_violations(result.line.astype(np.int64), codes, allowed) == []


def test_the_reserved_line_goes_to_the_lower_score_of_the_right_type() -> None:
    # candidate 0 (应届, key 9) and 1 (具有工作经历, key 5) both list line 0, reserved to work experience
    codes, allowed = type_codes([TYPES[0], TYPES[2]], TYPES), type_matrix([[TYPES[2]], []], TYPES)
    cand, line = np.array([0, 0, 1]), np.array([0, 1, 0])
    failures = reserved_failures(cand, line, codes, allowed, 2)
    assert failures.tolist() == [0]
    inp = flat_input([[9], [5]], [[0, 1], [0]], [1, 1], failures=[(0, 0)])
    assert allocate(inp).line.tolist() == [1, 0]


def test_the_verifier_finds_a_reserved_line_given_to_another_type() -> None:
    codes, allowed = type_codes([TYPES[0], "退休人员"], TYPES), type_matrix([[TYPES[2]], []], TYPES)
    found = reserved_violations(np.array([0, 0]), codes, allowed)
    assert [(v.rule, v.candidate, v.target) for v in found] == [
        ("reserved", 0, 0),
        ("reserved", 1, 0),
    ]
    assert reserved_violations(np.array([1, 1]), codes, allowed) == []


def test_group_pairs_expand_each_listed_group_to_its_lines() -> None:
    # lines 0,2 in group 0, line 1 in group 1; candidate 0 lists group 1 then 0, candidate 1 nothing
    cand, line = group_pairs(np.array([0, 2, 2]), np.array([1, 0]), np.array([0, 1, 0]))
    assert list(zip(cand.tolist(), line.tolist(), strict=True)) == [(0, 1), (0, 0), (0, 2)]
