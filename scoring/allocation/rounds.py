"""From one round's decisions to the next round's input (征集志愿 / supplementary rounds)."""

from __future__ import annotations

import dataclasses

import numpy as np

from .model import (
    AllocationInput,
    AllocationInputError,
    AllocationResult,
    BoolArray,
    FlatPreferences,
    GroupedPreferences,
)


def next_round_input(
    previous: AllocationInput,
    result: AllocationResult,
    admitted: BoolArray,
    preferences: FlatPreferences | GroupedPreferences | None = None,
) -> AllocationInput:
    """The next round sees only seats still free and candidates still unplaced.

    ``admitted`` marks the candidates the institutions admitted (they must hold a line in
    ``result``); they leave and take their seat. Everyone else — rejected (退档) or never
    dispatched — may be dispatched again, even to the same line. ``preferences`` are the fresh
    lists of the new round (default: the previous lists).
    """
    if admitted.shape[0] != previous.n_candidates:
        raise AllocationInputError("admitted length differs from candidates / 录取名单长度不一致")
    if np.any(admitted & (result.line < 0)):
        raise AllocationInputError(
            "an admitted candidate holds no plan line / 录取的考生没有投档专业"
        )
    taken = np.bincount(result.line[admitted], minlength=previous.n_lines)
    before = previous.excluded if previous.excluded is not None else np.zeros_like(admitted)
    return dataclasses.replace(
        previous,
        free_seats=np.maximum(previous.free_seats - taken, 0).astype(np.int64),
        excluded=before | admitted,
        preferences=preferences if preferences is not None else previous.preferences,
    )
