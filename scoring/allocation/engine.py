"""allocate(): one round of one batch, all categories (平行志愿, flat or grouped)."""

from __future__ import annotations

from typing import Literal

import numpy as np

from .deferred import deferred_acceptance, serial_dictatorship
from .digest import input_digest
from .grouped import GROUP_FULL, NO_ADJUST, place_in_groups
from .model import AllocationInput, AllocationResult, BoolArray, IntArray
from .order import EntryPriority, candidate_no_rank, candidate_priority
from .prepare import Entries, build_groups, check_shapes, flat_entries, grouped_entries

Method = Literal["auto", "da", "sd"]
_CODES = ("dispatched", "excluded", "no_preferences", "not_qualified", "requirements",
          "below_cutoffs", "no_adjust", "group_full")  # fmt: skip


def capacity_of(free_seats: IntArray, inp: AllocationInput) -> IntArray:
    """⌊free seats × ratio⌋, exactly."""
    num, den = inp.ratio.numerator, inp.ratio.denominator
    return (free_seats.astype(np.int64) * num) // den


def common_scheme_per_category(
    inp: AllocationInput, target_cat: IntArray, target_scheme: IntArray
) -> IntArray | None:
    """The one scheme (without ``choice``) used by all targets of each category, or None."""
    n_cat = int(max(inp.category.max(initial=-1), target_cat.max(initial=-1))) + 1
    scheme = np.full(n_cat, -1, dtype=np.int64)
    scheme[target_cat] = target_scheme
    if np.any(scheme[target_cat] != target_scheme):
        return None
    used = np.unique(target_scheme)
    if any(inp.schemes[int(s)].choice_at is not None for s in used):
        return None
    return scheme


def allocate(inp: AllocationInput, method: Method = "auto") -> AllocationResult:
    """Dispatch every candidate of one round; see AllocationResult for what comes back.

    ``method``: "auto" and "da" run deferred acceptance; when every category's lines share one
    scheme without ``choice`` ("auto"), every line ranks by one priority per candidate (the
    fast path: no per-entry keys), and the result is that of serial dictatorship. "sd" runs
    the sequential serial dictatorship itself (the reference the fast path is tested against).
    """
    check_shapes(inp)
    cno_rank = candidate_no_rank(inp.candidate_no)
    groups = build_groups(inp) if inp.grouped else None
    if groups is not None:
        entries = grouped_entries(inp, groups)
        t_cat, t_scheme, t_free = groups.category, groups.scheme, groups.free_seats
    else:
        entries = flat_entries(inp)
        t_cat, t_scheme, t_free = inp.line_category, inp.line_scheme, inp.free_seats
    excluded = inp.excluded if inp.excluded is not None else np.zeros(inp.n_candidates, bool)
    keep, ptr, target = _eligible_entries(entries, excluded)
    capacity = capacity_of(t_free, inp)
    share_t = np.array([s.ties == "share" for s in inp.schemes], dtype=bool)[t_scheme]
    cat_scheme = common_scheme_per_category(inp, t_cat, t_scheme) if method != "da" else None
    if method == "sd" and cat_scheme is None:
        raise ValueError("serial dictatorship needs one scheme per category without choice")
    priority: CandidatePriority | EntryPriority
    if cat_scheme is not None:
        cand_scheme = cat_scheme[inp.category]
        priority = CandidatePriority(_candidate_prio(inp, cand_scheme, cno_rank))
    else:
        max_choice = int(np.diff(entries.ptr).max(initial=0))
        priority = EntryPriority(
            inp.schemes, cno_rank, t_scheme, target,
            lambda c, e: entries.choice(c, e if keep is None else keep[e]), max_choice,
        )  # fmt: skip
    if method == "sd":
        share_c = np.array([s.ties == "share" for s in inp.schemes] + [False])[cand_scheme]
        held = serial_dictatorship(
            ptr, target, priority(np.arange(inp.n_candidates), ptr[:-1]), capacity, share_c
        )
    else:
        held = deferred_acceptance(ptr, target, priority, capacity, share_t)
    got = np.flatnonzero(held >= 0)
    held_prio = np.zeros(inp.n_candidates, dtype=np.int64)
    held_prio[got] = priority(got, held[got])
    return _result(inp, entries, keep, held, held_prio, capacity, excluded, cno_rank, groups)


def _eligible_entries(
    entries: Entries, excluded: BoolArray
) -> tuple[IntArray | None, IntArray, IntArray]:
    """(kept entry ids or None for all, CSR offsets, targets) of the entries that can count."""
    eligible: BoolArray | None = None
    for flags in (entries.qualified, entries.meets):
        if flags is not None:
            eligible = flags if eligible is None else eligible & flags
    if excluded.any():
        out = np.repeat(~excluded, np.diff(entries.ptr))
        eligible = out if eligible is None else eligible & out
    if eligible is None:
        return None, entries.ptr, entries.target
    keep = np.flatnonzero(eligible)
    ptr = np.concatenate(([0], np.cumsum(eligible, dtype=np.int64)))[entries.ptr]
    return keep, ptr, entries.target[keep]


class CandidatePriority:
    """Priority of a proposal = the candidate's (one key for every line of the category)."""

    def __init__(self, prio: IntArray) -> None:
        self.prio = prio
        self.upper = int(prio.max(initial=0)) + 1

    def __call__(self, cand: IntArray, entry: IntArray) -> IntArray:
        """Priority of each proposal."""
        return self.prio[cand]


def _candidate_prio(inp: AllocationInput, cand_scheme: IntArray, cno_rank: IntArray) -> IntArray:
    prio = np.zeros(inp.n_candidates, dtype=np.int64)
    for s in np.unique(cand_scheme[cand_scheme >= 0]).tolist():
        mine = cand_scheme == s
        prio[mine] = candidate_priority(inp.schemes[s], cno_rank)[mine]
    return prio


def _result(
    inp: AllocationInput,
    entries: Entries,
    keep: IntArray | None,
    held: IntArray,
    held_prio: IntArray,
    capacity: IntArray,
    excluded: BoolArray,
    cno_rank: IntArray,
    groups: object,
) -> AllocationResult:
    n = inp.n_candidates
    got = held >= 0
    orig = held if keep is None else _take(keep, held, -1)
    target = _take(entries.target, orig, -1)
    choice = np.where(got, orig - entries.ptr[:-1] + 1, 0)
    code = _unplaced_codes(inp, entries, excluded)
    code[got] = 0
    if groups is not None:
        from .prepare import Groups

        assert isinstance(groups, Groups)
        line, outcome = place_in_groups(inp, groups, orig, held_prio, cno_rank)
        code[outcome == NO_ADJUST] = _CODES.index("no_adjust")
        code[outcome == GROUP_FULL] = _CODES.index("group_full")
        group = target
    else:
        line, group = target, np.full(n, -1, dtype=np.int64)
    n_targets = capacity.shape[0]
    dispatched = np.bincount(target[got], minlength=n_targets).astype(np.int64)
    cutoff = np.full(n_targets, -1, dtype=np.int64)
    c = np.flatnonzero(got)
    order = c[np.lexsort((-cno_rank[c], held_prio[c], target[c]))]
    first = np.unique(target[order], return_index=True)
    cutoff[first[0]] = order[first[1]]
    names = np.array(_CODES)[code]
    return AllocationResult(
        line=line, group=group, choice=choice, reason=tuple(names.tolist()),
        capacity=capacity, dispatched=dispatched, cutoff_candidate=cutoff,
        digest=input_digest(inp, cno_rank),
    )  # fmt: skip


def _take(values: IntArray, index: IntArray, missing: int) -> IntArray:
    """values[index] where index >= 0, else ``missing``."""
    out = np.full(index.shape[0], missing, dtype=np.int64)
    ok = index >= 0
    out[ok] = values[index[ok]]
    return out


def _unplaced_codes(inp: AllocationInput, entries: Entries, excluded: BoolArray) -> IntArray:
    """Why a candidate without a place has none (before dispatch results are applied)."""
    ptr = entries.ptr

    def any_per_candidate(flags: BoolArray | None) -> BoolArray:
        if flags is None:
            return np.asarray(ptr[1:] > ptr[:-1])
        running = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
        return np.asarray(running[ptr[1:]] > running[ptr[:-1]])

    listed = ptr[1:] > ptr[:-1]
    qualified = any_per_candidate(entries.qualified)
    both = qualified
    if entries.meets is not None:
        q = entries.qualified
        both = any_per_candidate(entries.meets if q is None else q & entries.meets)
    code = np.full(inp.n_candidates, _CODES.index("below_cutoffs"), dtype=np.int64)
    code[~both] = _CODES.index("requirements")
    code[~qualified] = _CODES.index("not_qualified")
    code[~listed] = _CODES.index("no_preferences")
    code[excluded] = _CODES.index("excluded")
    return code
