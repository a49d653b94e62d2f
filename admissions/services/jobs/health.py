"""Jobs that can no longer end by themselves: their process was killed or stopped, or they were
never handed to the backend. Such a job is marked failed, with the reason, so that its page says
so and offers 重试; nothing of its work was written, since a job's work commits with its success.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, func, or_, select, update

from admissions.extensions import db
from admissions.models import Account, Job, JobStatus, utcnow
from admissions.services import audit
from admissions.services.jobs.queue import active_job, enqueue

STOPPED = "任务所在的进程已停止（{seconds} 秒没有心跳），未写入任何数据；可点“重试”重新执行。"
LOST = "任务在排队时丢失（进程已重启或队列中已没有它），未写入任何数据；可点“重试”重新执行。"
NOT_QUEUED = "任务无法加入队列（{reason}），未写入任何数据；请稍后点“重试”。"
STOPPED_BY_SERVER = "服务器停止时任务尚未完成，未写入任何数据；可点“重试”重新执行。"
FAILED_MESSAGE = "失败，未写入任何数据"


def fail_jobs(ids: list[int], error: str) -> int:
    """Mark the still-unfinished jobs of IDS failed with ERROR (flush); how many were."""
    if not ids:
        return 0
    result = db.session.execute(
        update(Job)
        .where(Job.id.in_(ids), Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))
        .values(status=JobStatus.FAILED, finished_at=utcnow(), error=error,
                message=FAILED_MESSAGE)
    )  # fmt: skip
    return int(getattr(result, "rowcount", 0) or 0)


def stale_jobs(stale_seconds: int, *, queued_too: bool) -> list[int]:
    """Running jobs whose heartbeat (or start) is older than STALE_SECONDS; with QUEUED_TOO,
    also jobs still queued that long after their creation (the thread backend starts a job at
    once, so one queued that long was lost with its process)."""
    limit = utcnow() - timedelta(seconds=stale_seconds)
    running = and_(
        Job.status == JobStatus.RUNNING,
        func.coalesce(Job.heartbeat_at, Job.started_at, Job.created_at) < limit,
    )
    lost = and_(Job.status == JobStatus.QUEUED, Job.created_at < limit)
    condition = or_(running, lost) if queued_too else running
    return list(db.session.scalars(select(Job.id).where(condition)))


def reap(stale_seconds: int, *, queued_too: bool, lost_ids: list[int] | None = None) -> int:
    """Fail the stale jobs and the LOST_IDS (jobs the queue no longer holds); flush only."""
    running = stale_jobs(stale_seconds, queued_too=False)
    count = fail_jobs(running, STOPPED.format(seconds=stale_seconds))
    lost = set(lost_ids or [])
    if queued_too:
        lost |= set(stale_jobs(stale_seconds, queued_too=True)) - set(running)
    return count + fail_jobs(sorted(lost), LOST)


class RetryRefused(ValueError):
    """A retry that cannot start (message in Chinese)."""


def retry(job: Job, actor: Account) -> Job:
    """A new job doing what the failed JOB was to do (its work is all or nothing, so running it
    again is safe); flushed and audited, it starts when the caller commits."""
    if job.status != JobStatus.FAILED:
        raise RetryRefused("只有失败的任务可以重试")
    twin = active_job(job.kind, job.exam_id, **job.args)
    if twin is not None and twin.institution_id == job.institution_id:
        raise RetryRefused(f"同样的任务（#{twin.id}）正在排队或执行，无需重试")
    again = enqueue(
        job.kind, dict(job.args), actor=actor, exam_id=job.exam_id,
        institution_id=job.institution_id,
    )  # fmt: skip
    audit.record(actor, "job.retry", job, after={"job": again.id}, exam_id=job.exam_id)
    return again


def recent_jobs(*, exam_id: int | None = None, institution_id: int | None = None,
                limit: int = 50) -> list[Job]:  # fmt: skip
    """The latest jobs of an exam (the board's, not an institution's) or of an institution."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if institution_id is not None:
        query = query.where(Job.institution_id == institution_id)
    else:
        query = query.where(Job.exam_id == exam_id, Job.institution_id.is_(None))
    return list(db.session.scalars(query))


def readiness(redis_url: str | None) -> dict[str, str]:
    """Whether the database (and Redis, when REDIS_URL is given) answer now: "ok", or why not
    (one line, for an operator)."""
    checks = {"database": "ok"}
    try:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception as error:
        checks["database"] = _first_line(error)
    if redis_url:
        from redis import Redis

        try:
            Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as error:
            checks["redis"] = _first_line(error)
    return checks


def _first_line(error: Exception) -> str:
    return f"{type(error).__name__}: {(str(error).strip().splitlines() or [''])[0][:200]}"
