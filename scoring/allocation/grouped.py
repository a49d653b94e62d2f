"""Placement inside groups (院校专业组): by key into listed majors, adjust, or 退档."""

from __future__ import annotations

import numpy as np

from .model import AllocationInput, GroupedPreferences, IntArray
from .prepare import Groups

PLACED, NO_ADJUST, GROUP_FULL = 0, 1, 2


def place_in_groups(
    inp: AllocationInput,
    groups: Groups,
    held_entry: IntArray,
    held_prio: IntArray,
    cno_rank: IntArray,
) -> tuple[IntArray, IntArray]:
    """Place every candidate dispatched to a group; return (line or -1, outcome code) per candidate.

    Within a group candidates go in descending order of their key (lower candidate number first
    among exact ties); each takes the first listed major with a seat left whose requirements they
    meet; else, with adjust, the group's qualifying line with a seat left and the lowest program
    code; else they are rejected (NO_ADJUST without adjust, GROUP_FULL with it).
    """
    from . import kernel

    prefs = inp.preferences
    assert isinstance(prefs, GroupedPreferences)
    cands = np.flatnonzero(held_entry >= 0)
    group_of = prefs.groups[held_entry[cands]]
    prio, rank = held_prio[cands], cno_rank[cands]
    span = int(prio.max(initial=0)) + 1
    if (int(group_of.max(initial=0)) + 1) * span * max(cno_rank.shape[0], 1) < 2**62:
        key = (group_of * span + (span - 1 - prio)) * cno_rank.shape[0] + rank
        order = cands[np.argsort(key)]  # one integer sort: group, best first, lower number
    else:
        order = cands[np.lexsort((rank, -prio, group_of))]
    fails = inp.requirement_failures
    if fails.size > 1 and not bool(np.all(fails[1:] > fails[:-1])):
        fails = np.unique(fails)
    return kernel.place_in_groups(
        order, held_entry, _ints(prefs.groups), np.ascontiguousarray(prefs.adjust, dtype=bool),
        _ints(prefs.major_ptr), _ints(prefs.majors), groups.line_ptr,
        groups.lines, _ints(inp.free_seats), _ints(fails), inp.n_lines,
    )  # fmt: skip


def _ints(values: IntArray) -> IntArray:
    """int64 and contiguous, without a copy when it already is."""
    return np.ascontiguousarray(values, dtype=np.int64)
