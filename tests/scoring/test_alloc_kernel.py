"""The compiled kernels against the pure references (textbook DA, literal serial dictatorship)
on the shapes that pick each of their paths: a scheme per line (priorities per entry), many
ties under ``share`` (heaps holding more than their seats) and one common key."""

from __future__ import annotations

import dataclasses

import numpy as np
from alloc_helpers import flat_input, flat_instances, reference_flat
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.allocation import AllocationInput, SchemeOrder, allocate
from scoring.allocation.priority import ordinal
from scoring.verify import verify


@st.composite
def own_scheme_instances(draw: st.DrawFn, max_n: int = 30) -> AllocationInput:
    """Every line ranks by its own weights of two subjects (the Chile-style shape)."""
    n = draw(st.integers(1, max_n))
    n_lines = draw(st.integers(1, 6))
    subjects = np.array(draw(st.lists(st.integers(0, 5), min_size=2 * n, max_size=2 * n)))
    subjects = subjects.reshape(n, 2)
    ties = draw(st.sampled_from(["share", "candidate_no"]))
    schemes = []
    for _ in range(n_lines):
        w = draw(st.tuples(st.integers(0, 3), st.integers(0, 3)))
        schemes.append(SchemeOrder((subjects @ np.array(w)).reshape(n, 1), ties=ties))
    prefs = [
        draw(st.permutations(range(n_lines)))[: draw(st.integers(0, n_lines))] for _ in range(n)
    ]
    seats = draw(st.lists(st.integers(0, 3), min_size=n_lines, max_size=n_lines))
    numbers = draw(st.permutations(list(range(500, 500 + n))))
    return flat_input(
        [], prefs, seats, schemes=tuple(schemes), line_scheme=list(range(n_lines)),
        candidate_no=numbers,
    )  # fmt: skip


@given(own_scheme_instances())
def test_a_scheme_per_line_equals_textbook_deferred_acceptance(inp: AllocationInput) -> None:
    result = allocate(inp)
    assert result.line.tolist() == reference_flat(inp)
    assert verify(inp, result) == []


@settings(max_examples=50)
@given(flat_instances(max_n=60))
def test_large_tie_classes_under_share_equal_textbook_deferred_acceptance(
    inp: AllocationInput,
) -> None:
    flat = tuple(
        dataclasses.replace(s, keys=s.keys // 3, ties="share") for s in inp.schemes
    )  # coarse keys: classes of tied candidates larger than the seats
    inp = dataclasses.replace(inp, schemes=flat)
    assert allocate(inp, method="da").line.tolist() == reference_flat(inp)


@given(flat_instances(common=True))
def test_compiled_serial_dictatorship_equals_the_literal_one(inp: AllocationInput) -> None:
    literal, compiled = allocate(inp, method="sd"), allocate(inp)
    assert compiled.line.tolist() == literal.line.tolist()
    assert compiled.choice.tolist() == literal.choice.tolist()
    assert compiled.cutoff_candidate.tolist() == literal.cutoff_candidate.tolist()


@given(st.lists(st.lists(st.integers(-(2**40), 2**40), min_size=3, max_size=3), max_size=40))
def test_ordinal_orders_rows_as_their_columns_do(rows: list[list[int]]) -> None:
    cols = [np.array([r[j] for r in rows], dtype=np.int64) for j in range(3)]
    code = ordinal(cols, len(rows)).tolist()
    for i in range(len(rows)):
        for j in range(len(rows)):
            assert (code[i] < code[j]) == (rows[i] < rows[j])
            assert (code[i] == code[j]) == (rows[i] == rows[j])
