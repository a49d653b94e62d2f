"""String enumerations of the domain, stored as VARCHAR with a CHECK constraint."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import Enum


class ExamStatus(enum.StrEnum):
    """Lifecycle of an exam, in order."""

    REGISTRATION_OPEN = "registration_open"
    REGISTRATION_CLOSED = "registration_closed"
    SCORING = "scoring"
    SCORES_PUBLISHED = "scores_published"
    PREFERENCES_OPEN = "preferences_open"
    PREFERENCES_CLOSED = "preferences_closed"
    ALLOCATION = "allocation"
    FINISHED = "finished"


class ComponentGroup(enum.StrEnum):
    CULTURE = "culture"
    VOCATIONAL = "vocational"


class BatchShape(enum.StrEnum):
    FLAT = "flat"
    GROUPED = "grouped"


class RoundStatus(enum.StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"
    ALLOCATED = "allocated"
    FINISHED = "finished"


class PreferenceStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class RunStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    PUBLISHED = "published"


class DispatchStatus(enum.StrEnum):
    DISPATCHED = "dispatched"
    ADMITTED = "admitted"
    REJECTED = "rejected"


class KeyingStatus(enum.StrEnum):
    """A double-entry sheet: open (passes being keyed) → keyed (both passes in, differences
    left) → resolved (every entry settled) → applied (written to the scores); or cancelled."""

    OPEN = "open"
    KEYED = "keyed"
    RESOLVED = "resolved"
    APPLIED = "applied"
    CANCELLED = "cancelled"


class Role(enum.StrEnum):
    STUDENT = "student"
    BOARD = "board"
    UNIVERSITY = "university"
    ADMIN = "admin"


class Gender(enum.StrEnum):
    MALE = "M"
    FEMALE = "F"


def str_enum(enum_cls: type[enum.StrEnum], name: str) -> Enum:
    """A non-native SQL enum storing the member values, guarded by a named CHECK constraint."""
    values: Any = lambda members: [m.value for m in members]  # noqa: E731
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=values,
        validate_strings=True,
    )
