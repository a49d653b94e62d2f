"""Running background jobs: the transaction boundary of a job, as a view is of a request.

A job runs in its own app context, hence its own session and ONE transaction for its work: the
work and the job's "succeeded" state are committed together, or rolled back together and the
job records the error. Progress is written through a separate short transaction on its own
connection, so a page reload — served by any process — sees it while the work runs.

Backends: "rq" queues the job on Redis (``REDIS_URL``) for ``flask jobs worker``; "thread" runs
it in a daemon thread of this process (the embedded SQLite default; a job still queued when the
process stops is lost and stays "queued"); "sync" runs it inline (tests and scripts).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask, current_app
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from admissions.extensions import SQLITE_BUSY_MS, db
from admissions.models import Job, JobStatus, utcnow
from admissions.services.jobs import tasks as _tasks  # noqa: F401  (registers the job functions)
from admissions.services.jobs.queue import DISPATCH_KEY
from admissions.services.jobs.registry import TASKS, JobFailed
from admissions.services.wording import command_line

log = logging.getLogger(__name__)


def write_job(job_id: int, **values: Any) -> None:
    """UPDATE the job row on a separate connection and commit at once.

    SQLite allows one writer: while the job's own work holds the write lock, progress cannot be
    written; it is skipped after a short wait rather than stalling the work.
    """
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA busy_timeout = 200")
        try:
            connection.execute(update(Job).where(Job.id == job_id).values(**values))
            connection.commit()
        except OperationalError:
            connection.rollback()
            log.info("progress of job %s skipped: database busy", job_id)
        finally:
            if sqlite:
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")


class Progress:
    """The progress callback handed to a job function."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id

    def __call__(self, done: int, total: int, message: str) -> None:
        """Record `done` of `total` steps and what is happening now (Chinese, for the user)."""
        write_job(self.job_id, done=done, total=total, message=message[:200])


def init_app(app: Flask) -> None:
    """Install this module's ``dispatch`` as the app's way to start a committed job."""
    app.extensions[DISPATCH_KEY] = dispatch


def dispatch(app: Flask, backend: str, job_id: int, rq_job_id: str = "") -> None:
    """Start a committed job on BACKEND."""
    if backend == "sync":
        run_job(app, job_id)
    elif backend == "thread":
        threading.Thread(target=run_job, args=(app, job_id), daemon=True).start()
    else:
        rq_queue(app).enqueue(perform, job_id, job_id=rq_job_id, job_timeout=3600)


def run_job(app: Flask, job_id: int) -> None:
    """Run job JOB_ID in a fresh app context: its work and its success commit together. Its
    messages are for the job page, even when the command-line worker runs it."""
    with app.app_context(), command_line(on=False):
        write_job(job_id, status=JobStatus.RUNNING, started_at=utcnow(), message="正在执行")
        job = db.session.get(Job, job_id)
        if job is None:
            log.error("job %s vanished before it ran", job_id)
            return
        try:
            result = TASKS[job.kind](job, Progress(job_id))
            db.session.execute(
                update(Job).where(Job.id == job_id)
                .values(status=JobStatus.SUCCEEDED, finished_at=utcnow(), result=result,
                        message="全部完成", done=Job.total)
            )  # fmt: skip
            db.session.commit()
        except JobFailed as failure:
            db.session.rollback()
            _fail(job_id, str(failure), failure.result)
        except Exception as error:  # a bug or an outage must still end the job visibly
            db.session.rollback()
            log.exception("job %s failed", job_id)
            _fail(job_id, internal_error(error), {})


def internal_error(error: Exception) -> str:
    """A short message for an unexpected failure (the traceback and any SQL go to the log)."""
    first_line = (str(error).strip().splitlines() or [""])[0][:200]
    return f"内部错误（{type(error).__name__}: {first_line}），未写入任何数据；详情见服务器日志。"


def _fail(job_id: int, error: str, result: dict[str, Any]) -> None:
    write_job(
        job_id, status=JobStatus.FAILED, finished_at=utcnow(), error=error, result=result,
        message="失败，未写入任何数据",
    )  # fmt: skip


def rq_queue(app: Flask) -> Any:
    """The RQ queue of this app, on the Redis at REDIS_URL."""
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(app.config["REDIS_URL"])
    return Queue(app.config.get("JOBS_QUEUE", "admissions"), connection=connection)


def perform(job_id: int) -> None:
    """The RQ entry point, run by ``flask jobs worker`` inside the app (a SimpleWorker: no fork,
    so pooled database connections are never shared with a child process)."""
    run_job(current_app._get_current_object(), job_id)  # type: ignore[attr-defined]


def work_queue(app: Flask, *, burst: bool) -> bool:
    """Work the app's RQ queue (until it is empty with `burst`), jobs run in this process."""
    from rq import SimpleWorker

    queue = rq_queue(app)
    return bool(SimpleWorker([queue], connection=queue.connection).work(burst=burst))
