"""allocate(): one round of one batch, all categories (平行志愿, flat or grouped)."""

from __future__ import annotations

import functools
from typing import Literal

import numpy as np

from .deferred import serial_dictatorship
from .digest import input_digest
from .grouped import GROUP_FULL, NO_ADJUST, place_in_groups
from .model import AllocationInput, AllocationResult, BoolArray, IntArray
from .order import candidate_no_rank
from .prepare import Entries, Groups, build_groups, check_shapes, flat_entries, grouped_entries
from .priority import Priorities, candidate_table, entry_table
from .sorting import stable_order

Method = Literal["auto", "da", "sd"]
_CODES = ("dispatched", "excluded", "no_preferences", "not_qualified", "requirements",
          "below_cutoffs", "no_adjust", "group_full")  # fmt: skip
_CODE_NAMES = np.array(_CODES, dtype=object)


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

    ``method``: "auto" and "da" run deferred acceptance (compiled, one proposal at a time);
    when every category's lines share one scheme without ``choice`` ("auto"), every line ranks
    by one priority per candidate and the compiled serial dictatorship gives the same result.
    "sd" runs the literal sequential serial dictatorship (the reference the others are tested
    against).
    """
    from . import kernel

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
    share_s = np.array([s.ties == "share" for s in inp.schemes] + [False], dtype=bool)
    cat_scheme = common_scheme_per_category(inp, t_cat, t_scheme) if method != "da" else None
    if method == "sd" and cat_scheme is None:
        raise ValueError("serial dictatorship needs one scheme per category without choice")
    prio = _priorities(inp, entries, keep, ptr, target, t_scheme, cno_rank, cat_scheme)
    if cat_scheme is not None:
        cand_scheme = cat_scheme[inp.category]
        assert prio.scheme_row is not None
        if prio.table.shape[0] == 1:
            cand_prio = prio.table[0]
        else:
            row = prio.scheme_row[np.maximum(cand_scheme, 0)]
            cand_prio = prio.table[row, np.arange(inp.n_candidates)]
        share_c = share_s[cand_scheme]
        if method == "sd":
            held = serial_dictatorship(ptr, target, cand_prio, capacity, share_c)
            held_t = _take(target, held, -1)
        else:
            order = prio.best_first
            if order is None or prio.table.shape[0] != 1:
                order = stable_order(cand_prio, descending=True)
            held, held_t = kernel.serial_dictatorship(
                order, cand_prio, ptr, target, capacity, share_c
            )
        held_prio = np.where(held >= 0, cand_prio, 0)
    else:
        room = capacity.copy()
        share_t = share_s[t_scheme]
        if share_t.any():
            listed = np.bincount(target, minlength=capacity.shape[0])
            room[share_t] = np.maximum(listed[share_t], capacity[share_t])
        held, held_t, held_prio = kernel.deferred_acceptance(
            ptr, target, prio.table, prio.table_row, prio.by_entry, capacity, share_t, room,
            _proposal_order(prio, ptr, target),
        )  # fmt: skip
    return _result(
        inp, entries, keep, held, held_t, held_prio, capacity, excluded, groups, cno_rank
    )


def _priorities(
    inp: AllocationInput, entries: Entries, keep: IntArray | None, ptr: IntArray,
    target: IntArray, t_scheme: IntArray, cno_rank: IntArray, cat_scheme: IntArray | None,
) -> Priorities:  # fmt: skip
    """Per-candidate rows for a few schemes without ``choice``, else one value per entry."""
    n = inp.n_candidates
    if cat_scheme is not None:
        used = np.unique(cat_scheme[cat_scheme >= 0]).tolist()
        return candidate_table(inp.schemes, used, t_scheme, cno_rank)
    listed = np.bincount(target, minlength=t_scheme.shape[0]) > 0
    used = np.unique(t_scheme[listed]).tolist()
    no_choice = all(inp.schemes[s].choice_at is None for s in used)
    if no_choice and len(used) * n <= 4 * target.shape[0] + n:
        return candidate_table(inp.schemes, used, t_scheme, cno_rank)
    cand = np.repeat(np.arange(n, dtype=np.int64), np.diff(ptr))
    choice = None
    if not no_choice:
        orig = keep if keep is not None else np.arange(target.shape[0], dtype=np.int64)
        choice = entries.choice(cand, orig)
    return entry_table(inp.schemes, t_scheme, target, cand, choice, cno_rank)


def _proposal_order(prio: Priorities, ptr: IntArray, target: IntArray) -> IntArray:
    """Candidates roughly best first: by the scheme with the most entries, or by the priority
    of their first entry (schemes of one shape share one scale)."""
    if not prio.by_entry:
        listed = np.bincount(target, minlength=prio.table_row.shape[0])
        rows = np.bincount(prio.table_row, weights=listed, minlength=prio.table.shape[0])
        return stable_order(prio.table[int(rows.argmax())], descending=True)
    first = prio.table[0, np.minimum(ptr[:-1], max(target.shape[0] - 1, 0))]
    return stable_order(first, descending=True) if target.size else np.arange(ptr.shape[0] - 1)


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


def _result(
    inp: AllocationInput,
    entries: Entries,
    keep: IntArray | None,
    held: IntArray,
    target: IntArray,
    held_prio: IntArray,
    capacity: IntArray,
    excluded: BoolArray,
    groups: Groups | None,
    cno_rank: IntArray,
) -> AllocationResult:
    from . import kernel

    n = inp.n_candidates
    got = held >= 0
    orig = held if keep is None else _take(keep, held, -1)
    choice = np.where(got, orig - entries.ptr[:-1] + 1, 0)
    code = _unplaced_codes(inp, entries, excluded)
    code[got] = 0
    if groups is not None:
        line, outcome = place_in_groups(inp, groups, orig, held_prio, cno_rank)
        code[outcome == NO_ADJUST] = _CODES.index("no_adjust")
        code[outcome == GROUP_FULL] = _CODES.index("group_full")
        group = target
    else:
        line, group = target, np.full(n, -1, dtype=np.int64)
    n_targets = capacity.shape[0]
    dispatched = np.bincount(target[got], minlength=n_targets).astype(np.int64)
    cutoff = kernel.lowest_held(target, held_prio, cno_rank, n_targets)
    return AllocationResult(
        line=line, group=group, choice=choice, reason=tuple(_CODE_NAMES[code].tolist()),
        capacity=capacity, dispatched=dispatched, cutoff_candidate=cutoff,
        digest_of=functools.partial(input_digest, inp, cno_rank),
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
