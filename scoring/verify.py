"""Independent verifier of an allocation result (written apart from the allocator).

It rebuilds eligibility and the lexicographic order of candidates from the raw key matrices and
checks: (1) capacity, (2) one place each, (3) listed and eligible only, (4) no justified envy,
(5) no wasted seat, (6) the published cutoffs reproduce the allocation. In grouped batches
(4)-(6) apply to the dispatch to groups; placement is checked for seats and membership.
``reserved_violations`` checks (7), lines reserved to candidate types, from the types themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from scoring.allocation.model import (
    AllocationInput,
    AllocationResult,
    GroupedPreferences,
    SchemeOrder,
)

Int = NDArray[np.int64]
Bool = NDArray[np.bool_]


@dataclass(frozen=True)
class Violation:
    """One broken rule: ``rule`` is capacity|one_place|eligible|envy|waste|cutoff|placement."""

    rule: str
    candidate: int
    target: int
    message: str


@dataclass(frozen=True)
class _Listed:
    cand: Int
    target: Int
    choice: Int
    eligible: Bool
    scheme: Int
    t_scheme: Int


def _listed(inp: AllocationInput, t_scheme: Int) -> _Listed:
    prefs = inp.preferences
    targets = prefs.groups if isinstance(prefs, GroupedPreferences) else prefs.lines
    lengths = np.diff(prefs.ptr)
    cand = np.repeat(np.arange(inp.n_candidates, dtype=np.int64), lengths)
    choice = np.arange(cand.shape[0], dtype=np.int64) - prefs.ptr[cand] + 1
    targets = targets.astype(np.int64)
    ok = inp.qualified[t_scheme[targets], cand].copy()
    if inp.excluded is not None:
        ok &= ~inp.excluded[cand]
    if not isinstance(prefs, GroupedPreferences) and inp.requirement_failures.size:
        ok &= ~np.isin(cand * inp.n_lines + targets, inp.requirement_failures)
    return _Listed(cand, targets, choice.astype(np.int64), ok, t_scheme[targets], t_scheme)


def _key_matrix(scheme: SchemeOrder, cand: Int, choice: Int, cno_pos: Int) -> Int:
    """Rows to compare high-to-low: scheme keys, ±choice inserted, then -candidate-number."""
    cols = [scheme.keys[cand, j].astype(np.int64) for j in range(scheme.keys.shape[1])]
    if scheme.choice_at is not None:
        cols.insert(scheme.choice_at, scheme.choice_sign * choice)
    if scheme.ties == "candidate_no":
        cols.append(-cno_pos[cand])
    if not cols:
        return np.zeros((cand.shape[0], 0), dtype=np.int64)
    return np.stack(cols, axis=1)


def _compare(a: Int, b: Int) -> Int:
    """Row-wise lexicographic comparison: 1 if a is ahead, -1 if behind, 0 if equal."""
    out = np.zeros(a.shape[0], dtype=np.int64)
    for j in range(a.shape[1]):
        undecided = out == 0
        out[undecided] = np.sign(a[undecided, j] - b[undecided, j])
    return out


def _targets(inp: AllocationInput) -> tuple[Int, Int]:
    """(scheme, free seats) per target: lines (flat) or groups (grouped)."""
    if not isinstance(inp.preferences, GroupedPreferences):
        return inp.line_scheme.astype(np.int64), inp.free_seats.astype(np.int64)
    assert inp.line_group is not None
    n_groups = int(inp.line_group.max(initial=-1)) + 1
    scheme = np.zeros(n_groups, dtype=np.int64)
    scheme[inp.line_group] = inp.line_scheme
    free = np.bincount(inp.line_group, weights=inp.free_seats, minlength=n_groups)
    return scheme, free.astype(np.int64)


def verify(inp: AllocationInput, result: AllocationResult) -> list[Violation]:
    """Every violation of the allocation rules in ``result`` for ``inp`` (empty = correct)."""
    t_scheme, free = _targets(inp)
    cap = free * inp.ratio.numerator // inp.ratio.denominator
    grouped = isinstance(inp.preferences, GroupedPreferences)
    outcome = (result.group if grouped else result.line).astype(np.int64)
    listed = _listed(inp, t_scheme)
    cno_pos = np.unique(inp.candidate_no, return_inverse=True)[1].reshape(-1).astype(np.int64)
    found: list[Violation] = []
    held = _check_places(inp, result, outcome, listed, found)
    keys = _keys_of(inp, listed, t_scheme, cno_pos)
    lowest = _check_capacity(inp, held, listed, keys, t_scheme, cap, found)
    _check_envy_waste(inp, result, outcome, listed, keys, lowest, cap, held, found)
    if grouped:
        _check_placement(inp, result, found)
    return found


def _keys_of(inp: AllocationInput, listed: _Listed, t_scheme: Int, cno_pos: Int) -> list[Int]:
    """Per scheme, the key rows of the listed entries of that scheme (others zero-filled)."""
    out: list[Int] = []
    for s, scheme in enumerate(inp.schemes):
        mine = listed.scheme == s
        width = (
            scheme.keys.shape[1] + (scheme.choice_at is not None) + (scheme.ties == "candidate_no")
        )
        rows = np.zeros((listed.cand.shape[0], width), dtype=np.int64)
        rows[mine] = _key_matrix(scheme, listed.cand[mine], listed.choice[mine], cno_pos)
        out.append(rows)
    return out


def _check_places(
    inp: AllocationInput,
    result: AllocationResult,
    outcome: Int,
    listed: _Listed,
    found: list[Violation],
) -> Int:
    """(2)+(3): the outcome is the listed entry at ``choice``, and eligible. Returns entry or -1."""
    held = np.full(inp.n_candidates, -1, dtype=np.int64)
    ptr = inp.preferences.ptr
    who = np.flatnonzero((outcome >= 0) | (result.choice != 0))
    k, t = result.choice[who].astype(np.int64), outcome[who]
    in_list = (t >= 0) & (k >= 1) & (k <= ptr[who + 1] - ptr[who])
    e = np.where(in_list, ptr[who] + k - 1, 0)
    at = listed.target[e] if listed.target.size else np.full(e.shape, -2, dtype=np.int64)
    in_list &= at == t
    for c, tc, kc in zip(
        who[~in_list].tolist(), t[~in_list].tolist(), k[~in_list].tolist(), strict=True
    ):
        found.append(Violation("one_place", c, tc, f"outcome {tc} is not choice {kc} of the list"))
    bad = in_list & ~(listed.eligible[e] if listed.target.size else np.zeros(e.shape, bool))
    for c, tc in zip(who[bad].tolist(), t[bad].tolist(), strict=True):
        found.append(Violation("eligible", c, tc, "dispatched to a line they are not eligible for"))
    good = in_list & ~bad
    held[who[good]] = e[good]
    return held


def _check_capacity(
    inp: AllocationInput, held: Int, listed: _Listed, keys: list[Int], t_scheme: Int, cap: Int,
    found: list[Violation],
) -> dict[int, Int]:  # fmt: skip
    """(1): at most cap per target, excess only ties with the last seat under ``share``.

    Returns, per target with someone dispatched, the key row of its lowest dispatched entry.
    """
    lowest: dict[int, Int] = {}
    entries = held[held >= 0]
    by_target = entries[np.argsort(listed.target[entries], kind="stable")]
    targets = listed.target[by_target]
    bounds = np.flatnonzero(np.diff(targets)) + 1
    for mine in np.split(by_target, bounds) if by_target.size else []:
        t = int(listed.target[mine[0]])
        rows = keys[int(t_scheme[t])][mine]
        order = np.lexsort(tuple(rows[:, j] for j in reversed(range(rows.shape[1]))))[::-1]
        rows = rows[order]
        lowest[t] = rows[-1]
        c = int(cap[t])
        share = inp.schemes[int(t_scheme[t])].ties == "share"
        if rows.shape[0] <= c:
            continue
        if c == 0 or not share:
            found.append(Violation("capacity", -1, t, f"{rows.shape[0]} dispatched, capacity {c}"))
            continue
        tied = _compare(rows[c:], np.broadcast_to(rows[c - 1], rows[c:].shape)) == 0
        if not tied.all():
            found.append(
                Violation("capacity", -1, t, "excess over capacity is not a tie at the last seat")
            )
    return lowest


def _check_envy_waste(
    inp: AllocationInput, result: AllocationResult, outcome: Int, listed: _Listed, keys: list[Int],
    lowest: dict[int, Int], cap: Int, held: Int, found: list[Violation],
) -> None:  # fmt: skip
    """(4) envy, (5) waste and (6) the published cutoffs, over entries above each outcome."""
    got_pos = np.where(held >= 0, result.choice, np.iinfo(np.int64).max)
    above = listed.eligible & (listed.choice < got_pos[listed.cand])
    count = np.bincount(listed.target[held[held >= 0]], minlength=cap.shape[0])
    idx = np.flatnonzero(above)
    t = listed.target[idx]
    waste = count[t] < cap[t]
    for c, tc in zip(listed.cand[idx[waste]].tolist(), t[waste].tolist(), strict=True):
        found.append(Violation("waste", c, tc, "a listed line above the outcome had a seat left"))
    idx, t = idx[~waste], t[~waste]
    for s, rows in enumerate(keys):
        mine = listed.scheme[idx] == s
        ei, ti = idx[mine], t[mine]
        floor = np.zeros((cap.shape[0], rows.shape[1]), dtype=np.int64)
        has = np.zeros(cap.shape[0], dtype=bool)
        for tt, row in lowest.items():
            if row.shape[0] == rows.shape[1] and int(listed.t_scheme[tt]) == s:
                floor[tt], has[tt] = row, True
        envy = has[ti] & (_compare(rows[ei], floor[ti]) >= 0)
        for c, tc in zip(listed.cand[ei[envy]].tolist(), ti[envy].tolist(), strict=True):
            found.append(
                Violation("envy", c, tc, "ahead of someone dispatched to a line listed above")
            )
    _check_cutoffs(inp, result, listed, keys, lowest, held, found)


def _check_cutoffs(
    inp: AllocationInput, result: AllocationResult, listed: _Listed, keys: list[Int],
    lowest: dict[int, Int], held: Int, found: list[Violation],
) -> None:  # fmt: skip
    """(6): each published cutoff is the lowest dispatched key of its target."""
    for t in range(result.cutoff_candidate.shape[0]):
        c = int(result.cutoff_candidate[t])
        if t not in lowest:
            if c >= 0:
                found.append(
                    Violation("cutoff", c, t, "cutoff published for a line nobody reached")
                )
            continue
        e = int(held[c]) if c >= 0 else -1
        if e < 0 or int(listed.target[e]) != t:
            found.append(Violation("cutoff", c, t, "cutoff candidate is not dispatched there"))
        elif _compare(keys[int(listed.scheme[e])][e][None, :], lowest[t][None, :])[0] != 0:
            found.append(Violation("cutoff", c, t, "cutoff is not the lowest dispatched key"))
    if result.dispatched.shape[0] != result.cutoff_candidate.shape[0]:
        found.append(Violation("cutoff", -1, -1, "counts and cutoffs differ in length"))
        return
    count = np.bincount(listed.target[held[held >= 0]], minlength=result.dispatched.shape[0])
    for t in np.flatnonzero(count != result.dispatched).tolist():
        found.append(Violation("cutoff", -1, t, "published dispatched count is wrong"))


def _check_placement(
    inp: AllocationInput, result: AllocationResult, found: list[Violation]
) -> None:
    """Grouped: a placed major is in the group, listed or adjusted into, within its seats."""
    prefs = inp.preferences
    assert isinstance(prefs, GroupedPreferences) and inp.line_group is not None
    placed = np.bincount(result.line[result.line >= 0], minlength=inp.n_lines)
    for line in np.flatnonzero(placed > inp.free_seats).tolist():
        found.append(Violation("placement", -1, line, "more placed than the line's free seats"))
    failing = set(inp.requirement_failures.tolist())
    for c in np.flatnonzero(result.line >= 0).tolist():
        line, g = int(result.line[c]), int(result.group[c])
        j = int(prefs.ptr[c]) + int(result.choice[c]) - 1
        majors = prefs.majors[prefs.major_ptr[j] : prefs.major_ptr[j + 1]].tolist()
        if int(inp.line_group[line]) != g:
            found.append(Violation("placement", c, line, "placed outside the dispatched group"))
        elif line not in majors and not prefs.adjust[j]:
            found.append(
                Violation("placement", c, line, "placed into an unlisted major without adjust")
            )
        elif c * inp.n_lines + line in failing:
            found.append(
                Violation("placement", c, line, "placed into a major whose requirements fail")
            )


def reserved_violations(line: Int, codes: Int, allowed: Bool) -> list[Violation]:
    """(7) A line reserved to candidate types holds candidates of those types only: ``line`` is
    the line each candidate holds (-1: none; grouped: the major placed in), ``codes`` each
    candidate's type column and ``allowed[j, t]`` whether line j admits type t (see
    ``scoring.reserved.type_matrix``)."""
    held = np.flatnonzero(line >= 0)
    bad = held[~allowed[line[held], codes[held]]]
    return [
        Violation("reserved", int(c), int(line[c]), "dispatched to a line reserved to other types")
        for c in bad.tolist()
    ]
