"""Row locks that serialise the operations of one batch or round, on SQLite and PostgreSQL.

PostgreSQL locks the row itself (``FOR NO KEY UPDATE``, or ``FOR SHARE`` for a shared lock, which
many holders may take together and which an exclusive locker queues behind fairly). SQLite has a
single writer: an UPDATE that changes nothing takes the database's write lock at once, for the
rest of the transaction, so whatever is read afterwards is the committed state and stays so until
the commit. Either way the session's objects are expired after the lock, so that what the caller
reads next comes from the database, not from before the wait.
"""

from __future__ import annotations

from sqlalchemy import select, update

from admissions.extensions import db
from admissions.models import Batch, Round


def _lock(model: type[Batch] | type[Round], row_id: int, *, shared: bool) -> None:
    db.session.flush()
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(model).where(model.id == row_id).values(id=model.id))
    else:
        query = select(model.id).where(model.id == row_id)
        db.session.execute(query.with_for_update(read=shared, key_share=not shared))
    db.session.expire_all()


def lock_batch(batch_id: int) -> None:
    """Hold the batch row until the transaction ends: runs, closes and publications of the
    batch's rounds happen one at a time, each seeing what the previous one committed."""
    _lock(Batch, batch_id, shared=False)


def lock_round(round_id: int, *, shared: bool = False) -> None:
    """Hold the round row until the transaction ends: shared while a preference list is saved
    (saves run side by side), exclusive while its window changes (which waits for the saves in
    flight, and makes the saves that follow wait for it)."""
    _lock(Round, round_id, shared=shared)
