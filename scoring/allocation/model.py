"""Plain input and output types of the allocation engine (平行志愿).

Everything is indexed by integers: candidates 0..n-1, plan lines 0..L-1, schemes 0..S-1,
groups 0..G-1. Preference lists are CSR arrays (``ptr`` of length n+1 into flat arrays).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Literal

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
Ties = Literal["share", "candidate_no"]


class AllocationInputError(ValueError):
    """Raised when an allocation input is inconsistent (English + Chinese message)."""


# Stable outcome codes with the Chinese message shown to students.
REASONS: dict[str, str] = {
    "dispatched": "已投档",
    "excluded": "已在此前录取或本轮已退档",
    "no_preferences": "未填报志愿",
    "not_qualified": "未达到资格要求",
    "requirements": "不符合报考要求",
    "below_cutoffs": "分数未达到所填志愿的投档线",
    "no_adjust": "专业不服从调剂",
    "group_full": "专业组内已无剩余计划",
}


@dataclass(frozen=True)
class SchemeOrder:
    """How one scheme orders candidates: int64 key matrix, higher is better, compared by column.

    ``choice_at`` is the column index where the per-line choice position is inserted (None when
    the tie-break chain has no ``choice``); ``choice_sign`` is -1 for ``-choice`` (earlier
    preference wins) and +1 for ``choice``. ``ties`` is the policy for exact ties after the chain.
    """

    keys: IntArray
    choice_at: int | None = None
    choice_sign: int = -1
    ties: Ties = "candidate_no"


@dataclass(frozen=True)
class FlatPreferences:
    """Flat lists: candidate i listed ``lines[ptr[i]:ptr[i+1]]`` in order (choice 1, 2, ...)."""

    ptr: IntArray
    lines: IntArray


@dataclass(frozen=True)
class GroupedPreferences:
    """Grouped lists: candidate i listed groups ``groups[ptr[i]:ptr[i+1]]`` in order.

    Entry j of the flat group arrays has majors ``majors[major_ptr[j]:major_ptr[j+1]]`` (plan
    line ids of that group, in the candidate's order) and ``adjust[j]`` (服从调剂).
    """

    ptr: IntArray
    groups: IntArray
    adjust: BoolArray
    major_ptr: IntArray
    majors: IntArray


@dataclass(frozen=True)
class AllocationInput:
    """One round of one batch, all categories.

    ``line_group`` is -1 for every line in a flat batch; in a grouped batch every line has a
    group and all lines of a group share category and scheme. ``program_rank`` orders a group's
    lines by program code (lowest first) for adjustment. ``requirement_failures`` lists, sorted
    and unique, the codes ``candidate * n_lines + line`` of pairs failing the line's
    requirements. ``excluded`` marks candidates admitted earlier or rejected in this round.
    """

    category: IntArray
    candidate_no: NDArray[np.generic]
    schemes: tuple[SchemeOrder, ...]
    qualified: BoolArray  # (n_schemes, n_candidates)
    line_category: IntArray
    line_scheme: IntArray
    free_seats: IntArray
    preferences: FlatPreferences | GroupedPreferences
    ratio: Fraction = Fraction(1)
    line_group: IntArray | None = None
    program_rank: IntArray | None = None
    requirement_failures: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    excluded: BoolArray | None = None

    @property
    def n_candidates(self) -> int:
        """Number of candidates."""
        return int(self.category.shape[0])

    @property
    def n_lines(self) -> int:
        """Number of plan lines."""
        return int(self.line_category.shape[0])

    @property
    def grouped(self) -> bool:
        """True for a grouped batch (院校专业组)."""
        return isinstance(self.preferences, GroupedPreferences)


@dataclass(frozen=True)
class AllocationResult:
    """Outcome of one round.

    Per candidate: ``line`` (-1 if none; in grouped batches the major placed in), ``group`` (-1 if
    none or flat), ``choice`` (1-based position of the line/group dispatched to, 0 if none),
    ``reason`` (a key of REASONS). Per line (flat) or group (grouped, indexed by group):
    ``capacity``, ``dispatched`` and ``cutoff_candidate`` (the lowest dispatched, -1 if none).
    ``digest`` identifies the input independently of candidate row order; it is computed when
    first read (hashing every key matrix costs more than a small allocation), from the input
    as it was given, which is never modified.
    """

    line: IntArray
    group: IntArray
    choice: IntArray
    reason: tuple[str, ...]
    capacity: IntArray
    dispatched: IntArray
    cutoff_candidate: IntArray
    digest_of: Callable[[], str] = field(repr=False, compare=False, default=lambda: "")

    @cached_property
    def digest(self) -> str:
        """SHA-256 (hex) of the input, candidates in candidate-number order."""
        return self.digest_of()

    def message(self, candidate: int) -> str:
        """Chinese message for a candidate's outcome."""
        return REASONS[self.reason[candidate]]
