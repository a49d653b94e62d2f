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
    order = cands[np.lexsort((cno_rank[cands], -held_prio[cands], group_of))]
    fails = inp.requirement_failures
    if fails.size > 1 and not bool(np.all(fails[1:] > fails[:-1])):
        fails = np.unique(fails)
    return kernel.place_in_groups(
        order, held_entry, prefs.groups.astype(np.int64), prefs.adjust.astype(bool),
        prefs.major_ptr.astype(np.int64), prefs.majors.astype(np.int64), groups.line_ptr,
        groups.lines, inp.free_seats.astype(np.int64), fails.astype(np.int64), inp.n_lines,
    )  # fmt: skip
