"""Candidates (考生), their component scores, credited scores and computed results."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admissions.models.base import Base, ExactDecimal, UTCDateTime, utcnow
from admissions.models.enums import Gender, str_enum
from admissions.models.exam import Category, Component, Exam

CANDIDATE_TYPES = ("应届中职毕业生", "往届中职毕业生", "具有工作经历")
DEFAULT_CANDIDATE_TYPE = CANDIDATE_TYPES[0]
WORK_EXPERIENCE = "具有工作经历"


class Candidate(Base):
    """One registration of a person in one exam."""

    __tablename__ = "candidate"
    __table_args__ = (
        UniqueConstraint("exam_id", "candidate_no"),
        UniqueConstraint("exam_id", "national_id"),
        Index("ix_candidate_exam_id_category_code", "exam_id", "category_code"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # no index of its own: the unique (exam_id, candidate_no) index serves lookups by exam
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"))
    candidate_no: Mapped[str] = mapped_column(String(20), index=True)
    national_id: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(60))
    gender: Mapped[Gender] = mapped_column(str_enum(Gender, "gender"))
    birth_date: Mapped[date] = mapped_column(Date)
    category_code: Mapped[str] = mapped_column(String(20))
    candidate_type: Mapped[str] = mapped_column(String(20), default=DEFAULT_CANDIDATE_TYPE)
    # evidence of work experience (具有工作经历): the employer and whole years worked
    work_employer: Mapped[str] = mapped_column(String(100), default="")
    work_years: Mapped[int | None] = mapped_column(Integer)
    school: Mapped[str] = mapped_column(String(100), default="")
    major: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    bonus: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    bonus_reason: Mapped[str] = mapped_column(String(200), default="")
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    exam: Mapped[Exam] = relationship()
    scores: Mapped[list[ComponentScore]] = relationship(back_populates="candidate")
    # The candidate's 专业类别 row (by exam and code; None if the code is unknown), read-only:
    # a student's pages load it with the candidate rather than every category of the exam.
    category: Mapped[Category | None] = relationship(
        primaryjoin="and_(Category.exam_id == foreign(Candidate.exam_id), "
        "Category.code == foreign(Candidate.category_code))",
        viewonly=True,
    )


class ComponentScore(Base):
    """The score of a candidate in one component; value None means absent."""

    __tablename__ = "component_score"
    __table_args__ = (UniqueConstraint("candidate_id", "component_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"))  # the unique index leads
    # not indexed alone: scores are looked up by candidate (migration 0016)
    component_id: Mapped[int] = mapped_column(ForeignKey("component.id"))
    value: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    grade: Mapped[str | None] = mapped_column(String(4))
    source: Mapped[str] = mapped_column(String(40), default="")

    candidate: Mapped[Candidate] = relationship(back_populates="scores")
    component: Mapped[Component] = relationship()


class CreditedScore(Base):
    """A credited score (认定成绩), e.g. for a competition winner, with its reason."""

    __tablename__ = "credited_score"
    __table_args__ = (UniqueConstraint("candidate_id", "component_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("component.id"), index=True)
    value: Mapped[Decimal] = mapped_column(ExactDecimal())
    reason: Mapped[str] = mapped_column(Text)


class ScoreResult(Base):
    """The composite score, qualification and rank of a candidate under one rules version."""

    __tablename__ = "score_result"
    __table_args__ = (UniqueConstraint("candidate_id", "rules_version_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    rules_version_id: Mapped[int] = mapped_column(ForeignKey("rules_version.id"), index=True)
    raw_total: Mapped[Decimal] = mapped_column(ExactDecimal())
    bonus: Mapped[Decimal] = mapped_column(ExactDecimal())
    total: Mapped[Decimal] = mapped_column(ExactDecimal())
    qualified: Mapped[bool] = mapped_column()
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    rank: Mapped[int | None] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    candidate: Mapped[Candidate] = relationship()
