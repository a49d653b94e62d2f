"""Independent verifier of an allocation result (written apart from the allocator).

It rebuilds eligibility and the lexicographic order of candidates from the raw key matrices and
checks: (1) capacity, (2) one place each, (3) listed and eligible only, (4) no justified envy,
(5) no wasted seat, (6) the published cutoffs reproduce the allocation. In grouped batches
(4)-(6) apply to the dispatch to groups; placement is checked for seats and membership.
``reserved_violations`` checks (7), lines reserved to candidate types, from the types themselves.

Key rows are never materialised for every entry: columns are gathered only for the entries a
check looks at (those held, and those listed above each outcome), scheme by scheme.
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


@dataclass
class _Listed:
    """The listed entries: target of each, the CSR offsets, the candidate of each (int32).

    A scheme listed by at least as many entries as there are candidates (and without
    ``choice``) is compared through one rank per candidate, built once by sorting its key
    rows; the others through their key columns, gathered for the entries a check reads.
    """

    inp: AllocationInput
    ptr: Int
    target: Int
    cand: NDArray[np.int32]
    t_scheme: Int
    cno_pos: Int
    dense: set[int]
    used: set[int]  # schemes of the listed entries
    ranks: dict[int, Int]

    def eligible(self, e: Int) -> Bool:
        """Qualified, not excluded, and (flat) meeting the line's requirements."""
        inp = self.inp
        ok = np.ones(e.shape[0], dtype=bool)
        fails = (
            not isinstance(inp.preferences, GroupedPreferences) and inp.requirement_failures.size
        )
        if inp.qualified.all() and inp.excluded is None and not fails:
            return ok
        c, t = self.cand[e], self.target[e]
        if not inp.qualified.all():
            ok &= inp.qualified[self.t_scheme[t], c]
        if inp.excluded is not None:
            ok &= ~inp.excluded[c]
        if fails:
            ok &= ~np.isin(c.astype(np.int64) * inp.n_lines + t, inp.requirement_failures)
        return ok

    def _raw(self, scheme: int, c: NDArray[np.integer], e: Int | None) -> list[Int]:
        s = self.inp.schemes[scheme]
        cols = [np.asarray(s.keys[c, j], dtype=np.int64) for j in range(s.keys.shape[1])]
        if s.choice_at is not None:
            assert e is not None
            cols.insert(s.choice_at, s.choice_sign * (e - self.ptr[c] + 1))
        if s.ties == "candidate_no":
            cols.append(-self.cno_pos[c])
        return cols

    def columns(self, scheme: int, e: Int) -> list[Int]:
        """Key columns (compared high to low, first decides) of entries ``e`` of one scheme."""
        c = self.cand[e]
        if scheme not in self.dense:
            return self._raw(scheme, c, e)
        return [self.rank_of(scheme)[c]]

    def rank_of(self, scheme: int) -> Int:
        """Dense rank (0 = last) of every candidate under a scheme without ``choice``."""
        if scheme not in self.ranks:
            everyone = np.arange(self.cno_pos.shape[0])
            cols = self._raw(scheme, everyone, None)
            order = np.lexsort(tuple(reversed(cols))) if cols else everyone
            step = np.zeros(everyone.shape[0], dtype=np.int64)
            step[1:] = 1  # unique by candidate number: no ties to find
            if self.inp.schemes[scheme].ties != "candidate_no":
                step[1:] = 0
                for col in cols:
                    step[1:] |= col[order][1:] != col[order][:-1]
            rank = np.empty(everyone.shape[0], dtype=np.int64)
            rank[order] = np.cumsum(step)
            self.ranks[scheme] = rank
        return self.ranks[scheme]


def _compare(a: list[Int], b: list[Int], n: int) -> Int:
    """Row-wise lexicographic comparison of n rows: 1 if a is ahead, -1 if behind, 0 if equal."""
    out = np.zeros(n, dtype=np.int64)
    open_ = np.arange(n)
    for x, y in zip(a, b, strict=True):
        if not open_.size:
            break
        out[open_] = np.sign(x[open_] - y[open_])
        open_ = open_[out[open_] == 0]
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


def _by_scheme(scheme_of: Int) -> list[tuple[int, Int]]:
    """Positions grouped by scheme: [(scheme, positions), ...]."""
    order = np.argsort(scheme_of, kind="stable")
    s = scheme_of[order]
    cuts = np.flatnonzero(s[1:] != s[:-1]) + 1
    return [(int(scheme_of[p[0]]), p) for p in np.split(order, cuts) if p.size]


def verify(inp: AllocationInput, result: AllocationResult) -> list[Violation]:
    """Every violation of the allocation rules in ``result`` for ``inp`` (empty = correct)."""
    t_scheme, free = _targets(inp)
    cap = free * inp.ratio.numerator // inp.ratio.denominator
    prefs = inp.preferences
    grouped = isinstance(prefs, GroupedPreferences)
    outcome = (result.group if grouped else result.line).astype(np.int64)
    ptr = prefs.ptr.astype(np.int64)
    target = (prefs.groups if isinstance(prefs, GroupedPreferences) else prefs.lines).astype(
        np.int64, copy=False
    )
    cand = np.repeat(np.arange(inp.n_candidates, dtype=np.int32), np.diff(ptr))
    cno_pos = np.unique(inp.candidate_no, return_inverse=True)[1].reshape(-1).astype(np.int64)
    per_scheme = np.bincount(t_scheme, weights=np.bincount(target, minlength=t_scheme.shape[0]))
    dense = {
        s for s in np.flatnonzero(per_scheme >= inp.n_candidates).tolist()
        if inp.schemes[s].choice_at is None
    }  # fmt: skip
    used = set(np.flatnonzero(per_scheme).tolist())
    listed = _Listed(inp, ptr, target, cand, t_scheme, cno_pos, dense, used, {})
    found: list[Violation] = []
    held = _check_places(inp, result, outcome, listed, found)
    lowest = _check_capacity(inp, held, listed, cap, found)
    _check_envy_waste(inp, result, listed, lowest, cap, held, found)
    _check_cutoffs(result, listed, lowest, held, found)
    if grouped:
        _check_placement(inp, result, found)
    return found


def _check_places(
    inp: AllocationInput, result: AllocationResult, outcome: Int, listed: _Listed,
    found: list[Violation],
) -> Int:  # fmt: skip
    """(2)+(3): the outcome is the listed entry at ``choice``, and eligible. Returns entry or -1."""
    held = np.full(inp.n_candidates, -1, dtype=np.int64)
    ptr = listed.ptr
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
    ok = np.zeros(e.shape, bool)
    ok[in_list] = listed.eligible(e[in_list])
    bad = in_list & ~ok
    for c, tc in zip(who[bad].tolist(), t[bad].tolist(), strict=True):
        found.append(Violation("eligible", c, tc, "dispatched to a line they are not eligible for"))
    good = in_list & ~bad
    held[who[good]] = e[good]
    return held


def _check_capacity(
    inp: AllocationInput, held: Int, listed: _Listed, cap: Int, found: list[Violation]
) -> Int:
    """(1): at most cap per target, excess only ties with the last seat under ``share``.

    Returns, per target, the entry with the lowest key dispatched there (-1 if none).
    """
    lowest = np.full(cap.shape[0], -1, dtype=np.int64)
    entries = held[held >= 0]
    for s, pos in _by_scheme(listed.t_scheme[listed.target[entries]]):
        e = entries[pos]
        t = listed.target[e]
        cols = listed.columns(s, e)
        if len(cols) == 1 and cols[0].size:  # one rank: a single integer sort key
            span = int(cols[0].max()) - int(cols[0].min()) + 1
            order = np.argsort(t * span + (cols[0] - cols[0].min()))
        else:
            order = np.lexsort((*reversed(cols), t))  # by target, then key ascending
        e, t, cols = e[order], t[order], [col[order] for col in cols]
        starts = np.flatnonzero(np.concatenate(([True], t[1:] != t[:-1])))
        count = np.diff(np.append(starts, t.shape[0]))
        lowest[t[starts]] = e[starts]
        over = np.flatnonzero(count > cap[t[starts]])
        if not over.size:
            continue
        share = inp.schemes[s].ties == "share"
        for i in over.tolist():
            tt, c = int(t[starts[i]]), int(cap[t[starts[i]]])
            if c == 0 or not share:
                found.append(Violation("capacity", -1, tt, f"{count[i]} dispatched, capacity {c}"))
                continue
            a, last = starts[i], starts[i] + count[i] - c  # the last seat, ascending
            rows = np.arange(a, last)
            same = _compare(
                [col[rows] for col in cols], [col[[last] * rows.size] for col in cols], rows.size
            )
            if np.any(same != 0):
                found.append(
                    Violation(
                        "capacity", -1, tt, "excess over capacity is not a tie at the last seat"
                    )
                )
    return lowest


def _above(listed: _Listed, held: Int, result: AllocationResult) -> Int:
    """Entries listed above each candidate's outcome (all of them for those without one)."""
    ptr = listed.ptr
    length = np.diff(ptr)
    upto = np.where(held >= 0, np.minimum(result.choice.astype(np.int64) - 1, length), length)
    upto = np.maximum(upto, 0)
    total = int(upto.sum())
    starts = np.concatenate(([0], np.cumsum(upto)[:-1]))
    return np.repeat(ptr[:-1] - starts, upto) + np.arange(total, dtype=np.int64)


def _check_envy_waste(
    inp: AllocationInput, result: AllocationResult, listed: _Listed, lowest: Int, cap: Int,
    held: Int, found: list[Violation],
) -> None:  # fmt: skip
    """(4) envy and (5) waste, over eligible entries above each outcome."""
    if _scan_compiled(inp, result, listed, lowest, cap, held, found):
        return
    idx = _above(listed, held, result)
    idx = idx[listed.eligible(idx)]
    count = np.bincount(listed.target[held[held >= 0]], minlength=cap.shape[0])
    t = listed.target[idx]
    waste = count[t] < cap[t]
    for c, tc in zip(listed.cand[idx[waste]].tolist(), t[waste].tolist(), strict=True):
        found.append(Violation("waste", c, tc, "a listed line above the outcome had a seat left"))
    idx, t = idx[~waste], t[~waste]
    floor = lowest[t]
    idx, t, floor = idx[floor >= 0], t[floor >= 0], floor[floor >= 0]
    for s, pos in _by_scheme(listed.t_scheme[t]):
        mine, ahead = idx[pos], listed.columns(s, floor[pos])
        envy = _compare(listed.columns(s, mine), ahead, mine.shape[0]) >= 0
        for c, tc in zip(listed.cand[mine[envy]].tolist(), t[pos][envy].tolist(), strict=True):
            found.append(
                Violation("envy", c, tc, "ahead of someone dispatched to a line listed above")
            )


def _check_cutoffs(
    result: AllocationResult, listed: _Listed, lowest: Int, held: Int, found: list[Violation]
) -> None:
    """(6): each published cutoff is the lowest dispatched key of its target."""
    cutoff = result.cutoff_candidate.astype(np.int64)
    n_t = min(cutoff.shape[0], lowest.shape[0])
    for t in np.flatnonzero((lowest[:n_t] < 0) & (cutoff[:n_t] >= 0)).tolist():
        found.append(
            Violation("cutoff", int(cutoff[t]), t, "cutoff published for a line nobody reached")
        )
    ts = np.flatnonzero(lowest[:n_t] >= 0)
    c = cutoff[ts]
    e = np.where(c >= 0, held[np.maximum(c, 0)], -1)
    there = (e >= 0) & (listed.target[np.maximum(e, 0)] == ts)
    for tc, cc in zip(ts[~there].tolist(), c[~there].tolist(), strict=True):
        found.append(Violation("cutoff", cc, tc, "cutoff candidate is not dispatched there"))
    ts, e = ts[there], e[there]
    for s, pos in _by_scheme(listed.t_scheme[ts]):
        diff = _compare(listed.columns(s, e[pos]), listed.columns(s, lowest[ts[pos]]), pos.size)
        for tc in ts[pos][diff != 0].tolist():
            found.append(
                Violation("cutoff", int(cutoff[tc]), tc, "cutoff is not the lowest dispatched key")
            )
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


def _scan_compiled(
    inp: AllocationInput, result: AllocationResult, listed: _Listed, lowest: Int, cap: Int,
    held: Int, found: list[Violation],
) -> bool:  # fmt: skip
    """(4) and (5) in one compiled pass when every listed scheme ranks by candidate alone."""
    if not listed.used or not listed.used <= listed.dense:
        return False
    from scoring.verify_scan import scan_above

    ok = np.zeros(0, dtype=bool)  # empty: every entry is eligible
    if _some_ineligible(inp):
        ok = listed.eligible(np.arange(listed.target.shape[0]))
    rows = sorted(listed.used)
    rank = np.stack([listed.rank_of(s) for s in rows])
    lut = np.zeros(len(inp.schemes), dtype=np.int64)
    lut[rows] = np.arange(len(rows))
    lowest_cand = np.where(lowest >= 0, listed.cand[np.maximum(lowest, 0)], -1).astype(np.int64)
    count = np.bincount(listed.target[held[held >= 0]], minlength=cap.shape[0]).astype(np.int64)
    hits = scan_above(
        listed.ptr, listed.target, held, result.choice.astype(np.int64), ok,
        lut[listed.t_scheme], rank, lowest_cand, count, cap.astype(np.int64),
    )  # fmt: skip
    for kind, c, t in hits.tolist():
        if kind == 0:
            found.append(
                Violation("waste", c, t, "a listed line above the outcome had a seat left")
            )
        else:
            found.append(
                Violation("envy", c, t, "ahead of someone dispatched to a line listed above")
            )
    return True


def _some_ineligible(inp: AllocationInput) -> bool:
    fails = not isinstance(inp.preferences, GroupedPreferences) and inp.requirement_failures.size
    return bool(not inp.qualified.all() or inp.excluded is not None or fails)


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
