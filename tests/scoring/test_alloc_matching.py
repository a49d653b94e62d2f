"""Agreement with `matching`'s HospitalResident student-optimal solution (strict orders)."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
from alloc_helpers import flat_input

from scoring.allocation import AllocationInput, FlatPreferences, SchemeOrder, allocate

HospitalResident = pytest.importorskip("matching.games").HospitalResident


def _random_batch(seed: int, n: int = 300, n_lines: int = 25) -> AllocationInput:
    rng = np.random.default_rng(seed)
    total = rng.integers(300, 600, n)  # many ties on the total ...
    skill = rng.integers(0, 50, n)  # ... broken by the chain, then by candidate number
    lists = [rng.permutation(n_lines)[: rng.integers(1, 12)].tolist() for _ in range(n)]
    main = SchemeOrder(np.stack((total, skill), axis=1).astype(np.int64))
    own = SchemeOrder(np.stack((skill, total), axis=1).astype(np.int64))
    return flat_input(
        [],
        lists,
        rng.integers(1, 20, n_lines).tolist(),
        schemes=(main, own),
        line_scheme=(rng.random(n_lines) < 0.3).astype(int).tolist(),
        candidate_no=rng.permutation(n) + 1000,
    )


def _solve_with_matching(inp: AllocationInput) -> list[int]:
    p = inp.preferences
    assert isinstance(p, FlatPreferences)
    resident = {c: p.lines[p.ptr[c] : p.ptr[c + 1]].tolist() for c in range(inp.n_candidates)}
    applicants: dict[int, list[int]] = {line: [] for line in range(inp.n_lines)}
    for c, lines in resident.items():
        for line in lines:
            applicants[line].append(c)
    hospital = {}
    for line, cands in applicants.items():
        keys = inp.schemes[int(inp.line_scheme[line])].keys
        hospital[line] = sorted(cands, key=lambda c, k=keys: (*(-k[c]), inp.candidate_no[c]))
    capacity = {line: int(inp.free_seats[line]) for line in range(inp.n_lines)}
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 100_000))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(resident, hospital, capacity)
        solved = game.solve(optimal="resident")
    out = [-1] * inp.n_candidates
    for h, members in solved.items():
        for r in members:
            out[int(r.name)] = int(h.name)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_engine_equals_matching_student_optimal(seed: int) -> None:
    inp = _random_batch(seed)
    expected = _solve_with_matching(inp)
    assert sum(x >= 0 for x in expected) > 0
    assert allocate(inp).line.tolist() == expected
