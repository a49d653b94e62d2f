"""Institutions and their plan lines (招生计划)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admissions.models.base import Base
from admissions.models.exam import Batch, Exam

INSTITUTION_TYPES = ("应用型本科", "职业本科", "高职专科", "其他")
OWNERSHIPS = ("公办", "民办")


def split_types(text: str | None) -> list[str]:
    """The candidate types of a line's ``types`` text (blank: none, i.e. open to every type)."""
    return [part.strip() for part in (text or "").replace("；", ";").split(";") if part.strip()]


class Institution(Base):
    """A college (院校) with its 5-digit code; it may hold plan lines in several exams."""

    __tablename__ = "institution"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(5), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    city: Mapped[str] = mapped_column(String(40), default="")
    institution_type: Mapped[str | None] = mapped_column(String(10))  # INSTITUTION_TYPES


class PlanLine(Base):
    """Seats of one program of an institution, for one category, in one batch of an exam."""

    __tablename__ = "plan_line"
    __table_args__ = (
        UniqueConstraint("batch_id", "institution_id", "program_code"),
        CheckConstraint("seats >= 0", name="seats_not_negative"),
        Index("ix_plan_line_exam_id_category_code", "exam_id", "category_code"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    program_code: Mapped[str] = mapped_column(String(20))
    program_name: Mapped[str] = mapped_column(String(100))
    category_code: Mapped[str] = mapped_column(String(20))
    seats: Mapped[int] = mapped_column(Integer)
    group_code: Mapped[str | None] = mapped_column(String(20))
    scheme_code: Mapped[str | None] = mapped_column(String(40))
    requirements: Mapped[str] = mapped_column(Text, default="")
    tuition: Mapped[int | None] = mapped_column(Integer)  # 学费, yuan a year
    years: Mapped[int | None] = mapped_column(Integer)  # 学制
    ownership: Mapped[str | None] = mapped_column(String(4))  # 办学性质: 公办 / 民办
    notes: Mapped[str | None] = mapped_column(Text)  # 备注
    # candidate types the line is reserved to, ";"-separated; blank = every type
    types: Mapped[str | None] = mapped_column(String(100))

    exam: Mapped[Exam] = relationship()
    batch: Mapped[Batch] = relationship()
    institution: Mapped[Institution] = relationship()
