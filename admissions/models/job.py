"""Background jobs (后台任务): long imports, allocation runs and bulk PDFs, with their progress.

Progress lives here, in the database, so that a page reload — served by any worker process —
shows how far a job has come.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from admissions.models.base import Base, UTCDateTime, utcnow
from admissions.models.enums import str_enum


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Job(Base):
    """One long operation: what it does, for whom, how far it is, and how it ended."""

    __tablename__ = "job"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    exam_id: Mapped[int | None] = mapped_column(ForeignKey("exam.id"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    status: Mapped[JobStatus] = mapped_column(
        str_enum(JobStatus, "job_status"), default=JobStatus.QUEUED
    )
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(String(200), default="")
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    rq_job_id: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Written every few seconds while the job runs; a running job whose heartbeat stopped
    # (its process killed or stopped) is marked failed.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def finished(self) -> bool:
        """True once the job succeeded or failed."""
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        """Progress in whole percent (0 while the total is unknown)."""
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
