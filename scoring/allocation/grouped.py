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
    prefs = inp.preferences
    assert isinstance(prefs, GroupedPreferences)
    n, n_lines = inp.n_candidates, inp.n_lines
    line = np.full(n, -1, dtype=np.int64)
    outcome = np.full(n, PLACED, dtype=np.int64)
    cands = np.flatnonzero(held_entry >= 0)
    group_of = prefs.groups[held_entry[cands]]
    order = cands[np.lexsort((cno_rank[cands], -held_prio[cands], group_of))]
    left = inp.free_seats.tolist()
    fails = set(inp.requirement_failures.tolist())
    held = held_entry[order]
    # Only the dispatched candidates' majors become Python lists (not all 10^7 of them).
    lengths = (prefs.major_ptr[held + 1] - prefs.major_ptr[held]).astype(np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths)))
    picked = np.repeat(prefs.major_ptr[held] - starts[:-1], lengths) + np.arange(int(starts[-1]))
    majors, mptr = prefs.majors[picked].tolist(), starts.tolist()
    adjust, groups_of = prefs.adjust[held].tolist(), prefs.groups[held].tolist()
    gptr, glines = groups.line_ptr.tolist(), groups.lines.tolist()
    for i, c in enumerate(order.tolist()):
        base = c * n_lines
        placed = _first_open(majors[mptr[i] : mptr[i + 1]], left, fails, base)
        if placed < 0 and adjust[i]:
            g = groups_of[i]
            placed = _first_open(glines[gptr[g] : gptr[g + 1]], left, fails, base)
        if placed >= 0:
            left[placed] -= 1
            line[c] = placed
        else:
            outcome[c] = GROUP_FULL if adjust[i] else NO_ADJUST
    return line, outcome


def _first_open(lines: list[int], left: list[int], fails: set[int], base: int) -> int:
    for m in lines:
        if left[m] > 0 and base + m not in fails:
            return m
    return -1
