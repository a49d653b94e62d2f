"""Public figures and pages kept a short while, in the app's Flask-Caching store (in each
process: ``SimpleCache``), plain values only, never ORM objects.

The catalogue and the cutoffs are the most-read pages of the season and change only when the
board imports or publishes plans, changes seats, or publishes a round. Each kept value carries
the exam's publication stamp (its newest published run; the count, newest id and seats of its
plan lines), and the stamp itself is read from the database at most once per
``PUBLIC_CHECK_SECONDS`` (default 5) per process: such a change shows within that delay. Any
other change (a line's requirements or an institution's name edited in place, a university's
admissions changing the free seats) shows within ``PUBLIC_PAGE_SECONDS`` (default 30), the
longest a value is kept. ``PUBLIC_CHECK_SECONDS = 0`` reads the stamp on every request.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import func, select

from admissions.extensions import cache, db
from admissions.models import AllocationRun, Exam, PlanLine, RunStatus

T = TypeVar("T")
Stamp = tuple[Any, ...]
PREFIX = "published:"


def now() -> float:
    """The clock of freshness (wall time: values may be shared by processes)."""
    return time.time()


def _seconds(name: str) -> float:
    return float(current_app.config[name])


def read_stamp(code: str) -> Stamp | None:
    """The exam's publication stamp, from the database (one query); None for no such exam."""
    published = (
        select(func.coalesce(func.max(AllocationRun.id), 0))
        .where(AllocationRun.exam_id == Exam.id, AllocationRun.status == RunStatus.PUBLISHED)
        .scalar_subquery()
    )
    lines = [
        select(aggregate).where(PlanLine.exam_id == Exam.id).scalar_subquery()
        for aggregate in (func.count(PlanLine.id), func.max(PlanLine.id), func.sum(PlanLine.seats))
    ]
    row = db.session.execute(
        select(Exam.id, Exam.created_at, published, *lines).where(Exam.code == code)
    ).first()
    return None if row is None else tuple(row)


def publication_stamp(code: str) -> Stamp | None:
    """The stamp of the exam with this code, read again once it is PUBLIC_CHECK_SECONDS old."""
    check = _seconds("PUBLIC_CHECK_SECONDS")
    if check <= 0:
        return read_stamp(code)
    key = f"{PREFIX}stamp:{code}"
    kept = cache.get(key)
    if kept is not None and now() - kept[0] < check:
        return kept[1]  # type: ignore[no-any-return]
    stamp = read_stamp(code)
    if stamp is not None:
        cache.set(key, (now(), stamp), timeout=int(check) + 1)
    return stamp


def get(key: str, stamp: Stamp) -> Any:
    """The value kept under ``key`` for this stamp, younger than PUBLIC_PAGE_SECONDS; else None."""
    kept = cache.get(PREFIX + key)
    if kept is None or kept[1] != stamp or now() - kept[0] >= _seconds("PUBLIC_PAGE_SECONDS"):
        return None
    return kept[2]


def put(key: str, stamp: Stamp, value: object) -> None:
    """Keep ``value`` (made while ``stamp`` held, or later) under ``key``."""
    seconds = _seconds("PUBLIC_PAGE_SECONDS")
    if seconds > 0:
        cache.set(PREFIX + key, (now(), stamp, value), timeout=int(seconds) + 1)


def cached(exam: Exam, parts: tuple[Hashable, ...], make: Callable[[], T]) -> T:
    """The value kept for the exam and ``parts`` if fresh, else ``make()`` (then kept)."""
    stamp = publication_stamp(exam.code)
    key = repr((exam.code, *parts))
    if stamp is not None:
        hit = get(key, stamp)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
    value = make()
    if stamp is not None:
        put(key, stamp, value)
    return value


def clear() -> None:
    """Forget every kept value (tests; after a change that must show at once)."""
    cache.clear()
