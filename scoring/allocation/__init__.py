"""Allocation engine: 平行志愿 by deferred acceptance / serial dictatorship, flat and grouped."""

from .engine import allocate, capacity_of
from .model import (
    REASONS,
    AllocationInput,
    AllocationInputError,
    AllocationResult,
    FlatPreferences,
    GroupedPreferences,
    SchemeOrder,
)
from .rounds import next_round_input

__all__ = [
    "REASONS",
    "AllocationInput",
    "AllocationInputError",
    "AllocationResult",
    "FlatPreferences",
    "GroupedPreferences",
    "SchemeOrder",
    "allocate",
    "capacity_of",
    "next_round_input",
]
