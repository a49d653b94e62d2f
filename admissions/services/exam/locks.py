"""Locks that serialise the operations of one batch or round, on SQLite and PostgreSQL.

SQLite has a single writer: an UPDATE that changes nothing takes the database's write lock at
once, for the rest of the transaction, so whatever is read afterwards is the committed state and
stays so until the commit. PostgreSQL locks the batch row (``FOR NO KEY UPDATE``, which leaves
inserts of rows referring to it free), and a round through an advisory lock (below). Either way
the session's objects (or those the caller names) are expired after the lock, so that what the
caller reads next comes from the database, not from before the wait.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from admissions.extensions import db
from admissions.models import Batch, Round

ROUND_LOCKS = 0x524F554E  # the advisory-lock namespace of rounds ("ROUN")


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _write_lock(model: type[Batch] | type[Round], row_id: int) -> None:
    db.session.execute(update(model).where(model.id == row_id).values(id=model.id))


def lock_batch(batch_id: int) -> None:
    """Hold the batch until the transaction ends: runs, closes and publications of the batch's
    rounds happen one at a time, each seeing what the previous one committed."""
    db.session.flush()
    if _sqlite():
        _write_lock(Batch, batch_id)
    else:
        query = select(Batch.id).where(Batch.id == batch_id)
        db.session.execute(query.with_for_update(key_share=True))
    db.session.expire_all()


def lock_round(
    round_id: int, *, shared: bool = False, fresh: tuple[object, ...] | None = None
) -> None:
    """Hold the round until the transaction ends: shared while a preference list is saved
    (saves run side by side), exclusive while its window changes (which waits for the saves in
    flight, and makes the saves that follow wait for it).

    On PostgreSQL this is an advisory transaction lock on the round rather than a row lock: the
    lock manager queues a waiting exclusive request ahead of later shared ones, so a close is
    never starved by a stream of saves (later row-share lockers would overtake it)."""
    db.session.flush()
    if _sqlite():
        _write_lock(Round, round_id)
    else:
        name = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        db.session.execute(select(getattr(func, name)(ROUND_LOCKS, round_id)))
    if fresh is None:
        db.session.expire_all()
    else:  # the caller names what it reads after the wait; the rest stays loaded
        for instance in fresh:
            db.session.expire(instance)
