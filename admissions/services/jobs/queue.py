"""Background jobs (后台任务): queue them, and hand them to the backend once committed.

``enqueue`` adds the job row and flushes; the caller commits once, as always, and only then is
the job handed to the backend (config ``JOBS_BACKEND``: "rq", "thread" or "sync") through the
dispatcher that ``admissions.worker.init_app`` installs on the app — a worker can only see a
committed job, and a rolled-back request starts none. Job functions: ``registry`` and ``tasks``.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from admissions.extensions import db
from admissions.models import Account, Job, JobStatus
from admissions.services import audit
from admissions.services.jobs import tasks as _tasks  # noqa: F401  (registers the job functions)
from admissions.services.jobs.registry import TASKS

BACKENDS = ("rq", "thread", "sync")
_PENDING = "admissions.pending_jobs"
DISPATCH_KEY = "admissions.jobs.dispatch"  # app.extensions key of the backend dispatcher


def enqueue(
    kind: str,
    args: dict[str, Any],
    *,
    actor: Account,
    exam_id: int | None = None,
    institution_id: int | None = None,
) -> Job:
    """Add a job of KIND with ARGS (audited, flushed); it starts when the caller commits."""
    if kind not in TASKS:
        raise ValueError(f"未知的任务类型：{kind}")
    backend = current_app.config.get("JOBS_BACKEND", "thread")
    if backend not in BACKENDS:
        raise ValueError(f"JOBS_BACKEND 必须是 {'、'.join(BACKENDS)} 之一，而不是 {backend!r}")
    job = Job(
        kind=kind, args=args, exam_id=exam_id, institution_id=institution_id,
        created_by_id=actor.id, message="排队等待执行",
        rq_job_id=uuid.uuid4().hex if backend == "rq" else "",
    )  # fmt: skip
    db.session.add(job)
    db.session.flush()
    audit.record(actor, "job.create", job, after={"kind": kind, **args}, exam_id=exam_id)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    db.session().info.setdefault(_PENDING, []).append((app, backend, job.id, job.rq_job_id))
    return job


@event.listens_for(Session, "after_commit")
def _start_committed_jobs(session: Session) -> None:
    for app, backend, job_id, rq_job_id in session.info.pop(_PENDING, []):
        app.extensions[DISPATCH_KEY](app, backend, job_id, rq_job_id)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_jobs(session: Session) -> None:
    session.info.pop(_PENDING, None)


def active_job(kind: str, exam_id: int | None, **args: Any) -> Job | None:
    """A queued or running job of KIND for the exam whose args include ARGS (to start no twin)."""
    query = select(Job).where(
        Job.kind == kind,
        Job.exam_id == exam_id,
        Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
    )
    for job in db.session.scalars(query):
        if all(job.args.get(key) == value for key, value in args.items()):
            return job
    return None
