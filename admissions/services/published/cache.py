"""A short per-process cache of public figures (plain values only, never ORM objects).

The catalogue and the cutoffs are the most-read pages of the season and change only when the
board imports plans or publishes a round; each entry's key carries the newest published run and the
plan lines' count, so a publication or an import shows at once; a line changed in place shows
within ``TTL_SECONDS``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import func, select

from admissions.extensions import db
from admissions.models import AllocationRun, Exam, PlanLine, RunStatus

T = TypeVar("T")
TTL_SECONDS = 30.0
MAX_ENTRIES = 1024
_entries: dict[Hashable, tuple[float, object]] = {}
_lock = threading.Lock()


def publication_stamp(exam: Exam) -> tuple[object, ...]:
    """Part of every key: the exam (and when it was created), its newest published run, and the
    count and newest id of its plan lines — a publication or a plans import shows at once."""
    run = db.session.scalar(
        select(func.coalesce(func.max(AllocationRun.id), 0)).where(
            AllocationRun.exam_id == exam.id, AllocationRun.status == RunStatus.PUBLISHED
        )
    )
    lines = db.session.execute(
        select(func.count(PlanLine.id), func.max(PlanLine.id)).where(PlanLine.exam_id == exam.id)
    ).one()
    return (exam.id, exam.created_at, run, *lines)


def cached(key: Hashable, make: Callable[[], T]) -> T:
    """The value kept for ``key`` if fresh, else ``make()`` (kept for TTL_SECONDS)."""
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
    if hit is not None and now - hit[0] < TTL_SECONDS:
        return hit[1]  # type: ignore[return-value]
    value = make()
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[key] = (now, value)
    return value


def clear() -> None:
    """Forget every entry (tests; after a change that must show at once)."""
    with _lock:
        _entries.clear()
