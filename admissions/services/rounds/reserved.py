"""Lines reserved to candidate types in the engine's input: a candidate of another type fails
such a line exactly like a failed requirement (in grouped batches, every major of a listed group,
since adjustment may place into one not listed)."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select

from admissions.models import Candidate, Exam, PlanLine
from admissions.models.candidate import CANDIDATE_TYPES, DEFAULT_CANDIDATE_TYPE
from admissions.models.plan import split_types
from admissions.services.imports.bulk import plain_rows
from scoring.allocation import FlatPreferences, GroupedPreferences
from scoring.reserved import group_pairs, reserved_failures, type_codes, type_matrix


def reserved_inputs(
    exam: Exam,
    candidate_ids: np.ndarray,
    lines: list[PlanLine],
    prefs: FlatPreferences | GroupedPreferences,
    listed: tuple[np.ndarray, np.ndarray],
    line_groups: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(each candidate row's type column, the line × type matrix, the failure codes)."""
    types = dict(plain_rows(
        select(Candidate.id, Candidate.candidate_type).where(Candidate.exam_id == exam.id)
    ))  # fmt: skip
    found = [types.get(int(cid)) or DEFAULT_CANDIDATE_TYPE for cid in candidate_ids]
    codes = type_codes(found, CANDIDATE_TYPES)
    allowed = type_matrix([split_types(line.types) for line in lines], CANDIDATE_TYPES)
    pairs = (
        group_pairs(prefs.ptr, prefs.groups, line_groups)
        if isinstance(prefs, GroupedPreferences) and line_groups is not None
        else listed
    )
    return codes, allowed, reserved_failures(pairs[0], pairs[1], codes, allowed, len(lines))
