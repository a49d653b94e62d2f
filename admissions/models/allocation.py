"""Allocation runs, their dispatches (投档/录取/退档) and the cutoffs (投档线) they produce."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admissions.models.base import Base, ExactDecimal, UTCDateTime, index_of_values, utcnow
from admissions.models.enums import DispatchStatus, RunStatus, str_enum


class AllocationRun(Base):
    """One execution of the allocation for a batch and round, with what it used and found."""

    __tablename__ = "allocation_run"
    # One saved (not dry) run per batch and round, whatever races to save a second.
    __table_args__ = (
        Index(
            "uq_allocation_run_saved", "batch_id", "round_number", unique=True,
            sqlite_where=text("NOT dry_run"), postgresql_where=text("NOT dry_run"),
        ),
    )  # fmt: skip
    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    round_number: Mapped[int] = mapped_column(Integer)
    status: Mapped[RunStatus] = mapped_column(
        str_enum(RunStatus, "run_status"), default=RunStatus.PENDING
    )
    dry_run: Mapped[bool] = mapped_column(default=False)
    inputs_digest: Mapped[str] = mapped_column(String(64), default="")
    rules_version_id: Mapped[int | None] = mapped_column(ForeignKey("rules_version.id"), index=True)
    engine_version: Mapped[str] = mapped_column(String(40), default="")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    verification: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Dispatch(Base):
    """Where a run sent a candidate, and the institution's decision on it."""

    __tablename__ = "dispatch"
    __table_args__ = (
        UniqueConstraint("run_id", "candidate_id"),
        # a university's list: one run's dispatches to one institution (also serves run_id alone)
        Index("ix_dispatch_run_id_institution_id", "run_id", "institution_id"),
        index_of_values("dispatch", "decided_by_id"),  # set once decided
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("allocation_run.id"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    plan_line_id: Mapped[int | None] = mapped_column(ForeignKey("plan_line.id"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"), index=True)
    group_code: Mapped[str | None] = mapped_column(String(20))
    choice: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    rank: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[DispatchStatus] = mapped_column(
        str_enum(DispatchStatus, "dispatch_status"), default=DispatchStatus.DISPATCHED, index=True
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The admission letter's code (services/letter_codes): set on admission, cleared on rejection.
    verification_code: Mapped[str | None] = mapped_column(String(19), index=True)

    run: Mapped[AllocationRun] = relationship()


class Cutoff(Base):
    """The cutoff (投档线) of one plan line after a run: lowest total and rank dispatched."""

    __tablename__ = "cutoff"
    __table_args__ = (UniqueConstraint("run_id", "plan_line_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("allocation_run.id"), index=True)
    plan_line_id: Mapped[int] = mapped_column(ForeignKey("plan_line.id"), index=True)
    seats: Mapped[int] = mapped_column(Integer)
    dispatched: Mapped[int] = mapped_column(Integer)
    min_total: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    min_rank: Mapped[int | None] = mapped_column(Integer)
