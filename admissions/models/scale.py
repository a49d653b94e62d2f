"""The approved annual scale (核定招生规模), plans compiled by institutions, and adjustments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admissions.models.account import Account
from admissions.models.base import Base, UTCDateTime, utcnow
from admissions.models.exam import Batch, Exam
from admissions.models.plan import Institution, PlanLine

LEVELS = ("本科", "专科")


class PlanScale(Base):
    """Approved seats of a level: the province's total (institution_code "") or one institution's."""

    __tablename__ = "plan_scale"
    __table_args__ = (
        UniqueConstraint("exam_id", "level", "institution_code"),
        CheckConstraint("seats >= 0", name="seats_not_negative"),
        CheckConstraint("reserved >= 0 AND reserved <= seats", name="reserved_within_seats"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"), index=True)
    level: Mapped[str] = mapped_column(String(4))
    institution_code: Mapped[str] = mapped_column(String(5), default="")  # "" = the province
    seats: Mapped[int] = mapped_column(Integer)
    reserved: Mapped[int] = mapped_column(Integer, default=0)


class PlanSubmission(Base):
    """An institution's compiled plan for an exam: draft → submitted → approved/returned → published."""

    __tablename__ = "plan_submission"
    __table_args__ = (UniqueConstraint("exam_id", "institution_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    reason: Mapped[str] = mapped_column(Text, default="")  # why the board returned it
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    exam: Mapped[Exam] = relationship()
    institution: Mapped[Institution] = relationship()
    lines: Mapped[list[PlanDraftLine]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="PlanDraftLine.id"
    )


class PlanDraftLine(Base):
    """A line an institution compiles; copied into plan_line when the board publishes."""

    __tablename__ = "plan_draft_line"
    __table_args__ = (
        UniqueConstraint("submission_id", "batch_id", "program_code"),
        CheckConstraint("seats >= 0", name="seats_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("plan_submission.id"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    program_code: Mapped[str] = mapped_column(String(20))
    program_name: Mapped[str] = mapped_column(String(100))
    category_code: Mapped[str] = mapped_column(String(20))
    seats: Mapped[int] = mapped_column(Integer)
    group_code: Mapped[str | None] = mapped_column(String(20))
    scheme_code: Mapped[str | None] = mapped_column(String(40))
    requirements: Mapped[str] = mapped_column(Text, default="")
    tuition: Mapped[int | None] = mapped_column(Integer)
    years: Mapped[int | None] = mapped_column(Integer)
    ownership: Mapped[str | None] = mapped_column(String(4))
    notes: Mapped[str | None] = mapped_column(Text)
    types: Mapped[str | None] = mapped_column(String(100))

    submission: Mapped[PlanSubmission] = relationship(back_populates="lines")
    batch: Mapped[Batch] = relationship()


class PlanAdjustment(Base):
    """A recorded change of a published line's seats (计划调整), with its reason, actor and time.

    ``from_reserve`` marks seats released from the reserve (预留计划) for a 征集 round.
    """

    __tablename__ = "plan_adjustment"
    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"), index=True)
    plan_line_id: Mapped[int] = mapped_column(ForeignKey("plan_line.id"), index=True)
    seats_before: Mapped[int] = mapped_column(Integer)
    seats_after: Mapped[int] = mapped_column(Integer)
    from_reserve: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    plan_line: Mapped[PlanLine] = relationship()
    actor: Mapped[Account | None] = relationship()
