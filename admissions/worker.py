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
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import click
from flask import Flask, current_app
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from admissions.extensions import SQLITE_BUSY_MS, db
from admissions.models import Job, JobStatus, utcnow
from admissions.services.jobs import health
from admissions.services.jobs import tasks as _tasks  # noqa: F401  (registers the job functions)
from admissions.services.jobs.queue import DISPATCH_KEY
from admissions.services.jobs.registry import TASKS, JobFailed
from admissions.services.wording import command_line

log = logging.getLogger(__name__)


def write_job(job_id: int, *, when: JobStatus | None = None, **values: Any) -> bool:
    """UPDATE the job row (only if its status is WHEN, if given) on a separate connection and
    commit at once; False when nothing was written.

    SQLite allows one writer: while the job's own work holds the write lock, progress cannot be
    written; it is skipped after a short wait rather than stalling the work.
    """
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA busy_timeout = 200")
        query = update(Job).where(Job.id == job_id)
        if when is not None:
            query = query.where(Job.status == when)
        try:
            written = connection.execute(query.values(**values)).rowcount == 1
            connection.commit()
            return written
        except OperationalError:
            connection.rollback()
            log.info("progress of job %s skipped: database busy", job_id)
            return False
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
    """Install this module's ``dispatch`` as the app's way to start a committed job, and (for
    the thread and rq backends) the watch over jobs whose process stopped."""
    app.extensions[DISPATCH_KEY] = dispatch
    app.config.setdefault("JOBS_HEARTBEAT_SECONDS", 10)
    app.config.setdefault("JOBS_STALE_SECONDS", 120)
    app.config.setdefault("JOBS_REAP_SECONDS", 60)
    app.config.setdefault("JOBS_REAPER", not app.testing)
    # a web process (gunicorn imports the app outside any command): a command's process is
    # short-lived, and the rq worker command starts its own watch
    serving = click.get_current_context(silent=True) is None
    if serving and app.config["JOBS_REAPER"] and app.config.get("JOBS_BACKEND") in ("thread", "rq"):
        start_reaper(app)


def dispatch(app: Flask, backend: str, job_id: int, rq_job_id: str = "") -> None:
    """Start a committed job on BACKEND; a job that cannot be queued is failed with the reason."""
    if backend == "sync":
        run_job(app, job_id)
    elif backend == "thread":
        thread = threading.Thread(target=run_job, args=(app, job_id), daemon=True)
        THREAD_JOBS[job_id] = thread
        thread.start()
    else:
        try:
            rq_queue(app).enqueue(perform, job_id, job_id=rq_job_id, job_timeout=3600)
        except Exception as error:  # Redis down or refusing: say so on the job's page
            log.exception("job %s could not be queued", job_id)
            reason = f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:160]}"
            with app.app_context():
                _fail(job_id, health.NOT_QUEUED.format(reason=reason), {})


def run_job(app: Flask, job_id: int) -> None:
    """Run job JOB_ID in a fresh app context: its work and its success commit together. Its
    messages are for the job page, even when the command-line worker runs it."""
    with app.app_context(), command_line(on=False), heartbeat(app, job_id):
        started = write_job(job_id, when=JobStatus.QUEUED, status=JobStatus.RUNNING,
                            started_at=utcnow(), heartbeat_at=utcnow(), message="正在执行")  # fmt: skip
        job = db.session.get(Job, job_id)
        if job is None or not started:
            log.error("job %s vanished, or was ended, before it ran", job_id)
            return
        try:
            result = TASKS[job.kind](job, Progress(job_id))
            ended = db.session.execute(
                update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING)
                .values(status=JobStatus.SUCCEEDED, finished_at=utcnow(), result=result,
                        message="全部完成", done=Job.total)
            )  # fmt: skip
            if ended.rowcount != 1:  # given up as stopped meanwhile: its work is not kept
                db.session.rollback()
                log.error("job %s was failed while it ran; its work is rolled back", job_id)
                return
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
        job_id, when=None, status=JobStatus.FAILED, finished_at=utcnow(), error=error, result=result,
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


# The jobs this process runs in threads (the thread backend), for a graceful stop.
THREAD_JOBS: dict[int, threading.Thread] = {}


@contextmanager
def heartbeat(app: Flask, job_id: int) -> Iterator[None]:
    """Write the job's heartbeat every JOBS_HEARTBEAT_SECONDS while the block runs."""
    stop = threading.Event()
    every = float(app.config.get("JOBS_HEARTBEAT_SECONDS", 10))

    def beat() -> None:
        with app.app_context():
            while not stop.wait(every):
                try:
                    write_job(job_id, when=JobStatus.RUNNING, heartbeat_at=utcnow())
                except Exception:  # an outage: the reaper will judge by the silence
                    log.warning("heartbeat of job %s not written", job_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        THREAD_JOBS.pop(job_id, None)


def reap_once(app: Flask) -> int:
    """Fail this app's stale jobs now (and, with the rq backend, those RQ no longer holds)."""
    with app.app_context():
        backend = app.config.get("JOBS_BACKEND")
        lost = _lost_rq_jobs(app) if backend == "rq" else []
        count = health.reap(int(app.config["JOBS_STALE_SECONDS"]),
                            queued_too=backend == "thread", lost_ids=lost)  # fmt: skip
        db.session.commit()
        return count


def start_reaper(app: Flask) -> threading.Thread:
    """Check for stale jobs at once and then every JOBS_REAP_SECONDS, in a daemon thread: the
    boot never waits for the database, and an outage only delays the check."""

    def watch() -> None:
        while True:
            try:
                if reap_once(app):
                    log.warning("stale jobs marked failed")
            except Exception as error:  # an outage: said in one line, checked again later
                first = (str(error).strip().splitlines() or [""])[0][:200]
                log.warning("stale jobs not checked: %s: %s", type(error).__name__, first)
            time.sleep(float(app.config["JOBS_REAP_SECONDS"]))

    thread = threading.Thread(target=watch, name="jobs-reaper", daemon=True)
    thread.start()
    return thread


def _lost_rq_jobs(app: Flask) -> list[int]:
    """Unfinished jobs that RQ no longer holds, or holds as failed, stopped or canceled (a
    queued job is given a minute: it is handed to RQ just after its commit)."""
    from rq.job import Job as RQJob

    limit = utcnow() - timedelta(seconds=60)
    rows = db.session.execute(
        select(Job.id, Job.rq_job_id).where(
            Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]), Job.rq_job_id != "",
            Job.created_at < limit,
        )
    ).all()  # fmt: skip
    if not rows:
        return []
    fetched = RQJob.fetch_many([r.rq_job_id for r in rows], connection=rq_queue(app).connection)
    dead = {"failed", "stopped", "canceled"}
    return [
        row.id for row, rq_job in zip(rows, fetched, strict=True)
        if rq_job is None or str(rq_job.get_status(refresh=False) or "") in dead
    ]  # fmt: skip


def finish_thread_jobs(app: Flask, timeout: float) -> int:
    """At a graceful stop: let this process's thread jobs finish within TIMEOUT seconds, then
    fail those still running (their work is rolled back with the process). How many failed."""
    deadline = time.monotonic() + timeout
    for thread in list(THREAD_JOBS.values()):
        thread.join(max(0.0, deadline - time.monotonic()))
    unfinished = [job_id for job_id, t in THREAD_JOBS.items() if t.is_alive()]
    with app.app_context():
        for job_id in unfinished:
            write_job(job_id, status=JobStatus.FAILED, finished_at=utcnow(),
                      error=health.STOPPED_BY_SERVER, message=health.FAILED_MESSAGE)  # fmt: skip
    return len(unfinished)
