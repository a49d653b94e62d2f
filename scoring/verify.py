"""Independent verifier of an allocation result (written apart from the allocator).

It rebuilds eligibility and the lexicographic order of candidates from the raw key matrices and
checks: (1) capacity, (2) one place each, (3) listed and eligible only, (4) no justified envy,
(5) no wasted seat, (6) the published cutoffs reproduce the allocation. In grouped batches
(4)-(6) apply to the dispatch to groups; placement is checked for seats and membership.
``reserved_violations`` checks (7), lines reserved to candidate types, from the types themselves.

A scheme's key columns become one integer per candidate (schemes listed by many entries, without
``choice``) or per listed entry (the others), comparable within the scheme, by mixed radix
(a sort only if the columns' ranges overflow 62 bits); the candidate number breaks ties
separately. The checks walk the lists in compiled passes (``verify_scan``): nothing is sorted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from scoring.allocation.model import AllocationInput, AllocationResult, GroupedPreferences

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
class _Keys:
    """Keys as the compiled passes read them (see ``verify_scan``)."""

    t_row: Int
    cand_key: Int
    entry_key: Int
    t_tie: Bool
    tie: Int


def _ints(a: np.ndarray) -> Int:
    return np.ascontiguousarray(a, dtype=np.int64)


def _targets(inp: AllocationInput) -> tuple[Int, Int]:
    """(scheme, free seats) per target: lines (flat) or groups (grouped)."""
    if not isinstance(inp.preferences, GroupedPreferences):
        return _ints(inp.line_scheme), _ints(inp.free_seats)
    assert inp.line_group is not None
    n_groups = int(inp.line_group.max(initial=-1)) + 1
    scheme = np.zeros(n_groups, dtype=np.int64)
    scheme[inp.line_group] = inp.line_scheme
    free = np.bincount(inp.line_group, weights=inp.free_seats, minlength=n_groups)
    return scheme, free.astype(np.int64)


def _number_rank(candidate_no: np.ndarray) -> Int:
    """Position of each candidate number among all of them (0 = lowest)."""
    n = candidate_no.shape[0]
    if candidate_no.dtype.kind in "iu" and (
        n < 2 or bool(np.all(candidate_no[1:] > candidate_no[:-1]))
    ):
        return np.arange(n, dtype=np.int64)
    return np.unique(candidate_no, return_inverse=True)[1].reshape(-1).astype(np.int64)


def _dense(cols: list[Int]) -> Int:
    """Dense rank of rows under lexicographic order of the columns (first column first)."""
    m = cols[0].shape[0]
    order = np.lexsort(tuple(reversed(cols)))
    step = np.zeros(m, dtype=np.int64)
    for col in cols:
        step[1:] |= col[order][1:] != col[order][:-1]
    rank = np.empty(m, dtype=np.int64)
    rank[order] = np.cumsum(step)
    return rank


def _mixed(cols: list[Int]) -> Int:
    """One integer per row ordering rows as the columns do (mixed radix; dense rank on overflow)."""
    if not cols or cols[0].shape[0] == 0:
        return np.zeros(cols[0].shape[0] if cols else 0, dtype=np.int64)
    out, span = None, 1
    for col in cols:
        lo, hi = int(col.min()), int(col.max())
        span *= hi - lo + 1
        if span >= 2**62:
            return _dense(cols)
        out = col - lo if out is None else out * (hi - lo + 1) + (col - lo)
    assert out is not None
    return out


def _keys(inp: AllocationInput, ptr: Int, target: Int, t_scheme: Int) -> _Keys:
    n, n_t, schemes = inp.n_candidates, t_scheme.shape[0], inp.schemes
    listed = np.bincount(target, minlength=n_t)[:n_t] if target.size else np.zeros(n_t, np.int64)
    per_scheme = np.bincount(t_scheme, weights=listed, minlength=len(schemes))
    used = np.flatnonzero(per_scheme).tolist()
    by_cand = [s for s in used if schemes[s].choice_at is None and per_scheme[s] * 4 >= n]
    by_entry = [s for s in used if s not in set(by_cand)]
    row = np.full(len(schemes), -1, dtype=np.int64)
    cand_key = np.zeros((len(by_cand), n), dtype=np.int64)
    for r, s in enumerate(by_cand):
        keys = schemes[s].keys
        cand_key[r] = _mixed([_ints(keys[:, j]) for j in range(keys.shape[1])])
        row[s] = r
    entry_key = np.zeros(0, dtype=np.int64)
    if by_entry:
        entry_key = _entry_keys(inp, ptr, target, t_scheme, by_entry)
    tie = -_number_rank(inp.candidate_no)
    t_tie = np.array([s.ties == "candidate_no" for s in schemes], dtype=bool)[t_scheme]
    return _Keys(row[t_scheme], cand_key, entry_key, t_tie, tie)


def _entry_keys(
    inp: AllocationInput, ptr: Int, target: Int, t_scheme: Int, by_entry: list[int]
) -> Int:
    """One integer per entry of the schemes in ``by_entry`` (``choice`` inserted where asked),
    read scheme by scheme from the entries that list it; 0 for the other entries."""
    schemes = inp.schemes
    wanted = np.zeros(len(schemes), dtype=bool)
    wanted[by_entry] = True
    e_scheme = t_scheme[target]
    sel = np.flatnonzero(wanted[e_scheme])
    small = np.int16 if len(schemes) < 2**15 else np.int64
    sel = sel[np.argsort(e_scheme[sel].astype(small), kind="stable")]
    small_n = np.int32 if ptr.shape[0] < 2**31 else np.int64
    cand = np.repeat(np.arange(ptr.shape[0] - 1, dtype=small_n), np.diff(ptr))[sel]
    bounds = np.searchsorted(e_scheme[sel], np.asarray(by_entry + [len(schemes)])).astype(np.int64)
    width = np.array(
        [schemes[s].keys.shape[1] + (schemes[s].choice_at is not None) for s in by_entry],
        dtype=np.int64,
    )
    cols = np.zeros((max(int(width.max()), 1), sel.shape[0]), dtype=np.int64)
    for i, s in enumerate(by_entry):
        a, b, sc = int(bounds[i]), int(bounds[i + 1]), schemes[s]
        c = cand[a:b]
        block = sc.keys[c].T
        at = sc.choice_at
        if at is None:
            cols[: block.shape[0], a:b] = block
        else:
            cols[:at, a:b] = block[:at]
            cols[at, a:b] = sc.choice_sign * (sel[a:b] - ptr[c] + 1)
            cols[at + 1 : block.shape[0] + 1, a:b] = block[at:]
    from scoring import verify_scan as scan

    values, fits = scan.combine_segments(cols, bounds, width)
    for i in np.flatnonzero(~fits).tolist():
        a, b = int(bounds[i]), int(bounds[i + 1])
        values[a:b] = _dense([cols[j, a:b] for j in range(int(width[i]))])
    out = np.zeros(target.shape[0], dtype=np.int64)
    out[sel] = values
    return out


def verify(inp: AllocationInput, result: AllocationResult) -> list[Violation]:
    """Every violation of the allocation rules in ``result`` for ``inp`` (empty = correct)."""
    t_scheme, free = _targets(inp)
    cap = free * inp.ratio.numerator // inp.ratio.denominator
    prefs = inp.preferences
    grouped = isinstance(prefs, GroupedPreferences)
    outcome = _ints(result.group if grouped else result.line)
    choice = _ints(result.choice)
    ptr = _ints(prefs.ptr)
    target = _ints(prefs.groups if isinstance(prefs, GroupedPreferences) else prefs.lines)
    keys = _keys(inp, ptr, target, t_scheme)
    share = np.array([s.ties == "share" for s in inp.schemes], dtype=bool)[t_scheme]
    qualified = np.ascontiguousarray(inp.qualified, dtype=bool)
    if qualified.all():
        qualified = np.zeros((0, 0), dtype=bool)
    excluded = np.zeros(0, dtype=bool)
    if inp.excluded is not None:
        excluded = np.ascontiguousarray(inp.excluded, dtype=bool)
    fails = np.zeros(0, dtype=np.int64)
    if not grouped and inp.requirement_failures.size:
        fails = np.unique(_ints(inp.requirement_failures))
    elig = (t_scheme, qualified, excluded, fails, inp.n_lines)
    key = (keys.t_row, keys.cand_key, keys.entry_key, keys.t_tie, keys.tie)
    from scoring import verify_scan as scan  # numba, loaded when a result is verified

    held, hp, hq, count, low, rows = scan.check_held(
        ptr, target, outcome, choice, *elig, cap, share, *key
    )
    above = scan.scan_above(ptr, target, held, choice, *elig, count, cap, low, hp, hq, *key)
    cut = scan.check_cutoffs(_ints(result.cutoff_candidate), held, target, low, hp, hq)
    found = [_violation(*r) for part in (rows, above, cut) for r in part.tolist()]
    if result.dispatched.shape[0] != result.cutoff_candidate.shape[0]:
        found.append(Violation("cutoff", -1, -1, "counts and cutoffs differ in length"))
    else:
        n_d = result.dispatched.shape[0]
        counted = np.zeros(n_d, dtype=np.int64)
        counted[: min(n_d, count.shape[0])] = count[:n_d]
        for t in np.flatnonzero(counted != result.dispatched).tolist():
            found.append(Violation("cutoff", -1, t, "published dispatched count is wrong"))
    if grouped:
        _check_placement(inp, result, found)
    return found


# (rule, message) of each kind of row the compiled passes report, in their order (ONE_PLACE,
# ELIGIBLE, OVER, NOT_TIED, WASTE, ENVY, CUT_NOBODY, CUT_ELSEWHERE, CUT_KEY of verify_scan).
_MESSAGES = (
    ("one_place", "outcome {t} is not choice {a} of the list"),
    ("eligible", "dispatched to a line they are not eligible for"),
    ("capacity", "{a} dispatched, capacity {b}"),
    ("capacity", "excess over capacity is not a tie at the last seat"),
    ("waste", "a listed line above the outcome had a seat left"),
    ("envy", "ahead of someone dispatched to a line listed above"),
    ("cutoff", "cutoff published for a line nobody reached"),
    ("cutoff", "cutoff candidate is not dispatched there"),
    ("cutoff", "cutoff is not the lowest dispatched key"),
)


def _violation(kind: int, c: int, t: int, a: int, b: int) -> Violation:
    rule, text = _MESSAGES[kind]
    return Violation(rule, c, t, text.format(t=t, a=a, b=b))


def _check_placement(
    inp: AllocationInput, result: AllocationResult, found: list[Violation]
) -> None:
    """Grouped: a placed major is in the group, listed or adjusted into, within its seats."""
    prefs = inp.preferences
    assert isinstance(prefs, GroupedPreferences) and inp.line_group is not None
    placed = np.bincount(result.line[result.line >= 0], minlength=inp.n_lines)
    for over in np.flatnonzero(placed > inp.free_seats).tolist():
        found.append(Violation("placement", -1, over, "more placed than the line's free seats"))
    chosen = result.choice.astype(np.int64)
    who = np.flatnonzero((result.line >= 0) & (chosen >= 1) & (chosen <= np.diff(prefs.ptr)))
    line, g = result.line[who].astype(np.int64), result.group[who].astype(np.int64)
    j = prefs.ptr[who] + result.choice[who].astype(np.int64) - 1
    outside = inp.line_group[line] != g
    m_len = prefs.major_ptr[j + 1] - prefs.major_ptr[j]
    m_start = np.concatenate(([0], np.cumsum(m_len)[:-1]))
    m_idx = np.repeat(prefs.major_ptr[j] - m_start, m_len) + np.arange(int(m_len.sum()))
    hit = prefs.majors[m_idx] == np.repeat(line, m_len)
    listed = np.bincount(np.repeat(np.arange(who.shape[0]), m_len)[hit], minlength=who.shape[0]) > 0
    unlisted = ~outside & ~listed & ~prefs.adjust[j]
    failing = ~outside & ~unlisted & np.isin(who * inp.n_lines + line, inp.requirement_failures)
    for mask, why in (
        (outside, "placed outside the dispatched group"),
        (unlisted, "placed into an unlisted major without adjust"),
        (failing, "placed into a major whose requirements fail"),
    ):
        for c, x in zip(who[mask].tolist(), line[mask].tolist(), strict=True):
            found.append(Violation("placement", c, x, why))


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
