"""Province, exam and everything its rules file defines: components, categories, schemes, batches."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admissions.models.base import Base, ExactDecimal, UTCDateTime, utcnow
from admissions.models.enums import (
    BatchShape,
    ComponentGroup,
    ExamStatus,
    RoundStatus,
    str_enum,
)


class Province(Base):
    """A province, by its GB/T 2260 code (e.g. 370000 山东省)."""

    __tablename__ = "province"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(40))


class Exam(Base):
    """One province × one year × one track, with its lifecycle status."""

    __tablename__ = "exam"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    province_id: Mapped[int] = mapped_column(ForeignKey("province.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    track: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[ExamStatus] = mapped_column(
        str_enum(ExamStatus, "exam_status"), default=ExamStatus.REGISTRATION_OPEN
    )
    current_rules_version: Mapped[int | None] = mapped_column(Integer)
    ranking_scheme: Mapped[str | None] = mapped_column(String(40))
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scores_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # 冲/稳/保 margins of the preference editor, in percent of a cutoff's 位次:
    # {"rush": 10, "safe": 10}; None = the defaults (services/students/advice.py).
    advice_margins: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    province: Mapped[Province] = relationship()
    components: Mapped[list[Component]] = relationship(
        back_populates="exam", order_by="Component.position"
    )
    categories: Mapped[list[Category]] = relationship(
        back_populates="exam", order_by="Category.code"
    )
    batches: Mapped[list[Batch]] = relationship(back_populates="exam", order_by="Batch.sequence")


class RulesVersion(Base):
    """One version of an exam's rules file (TOML); frozen once a published run used it."""

    __tablename__ = "rules_version"
    __table_args__ = (UniqueConstraint("exam_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    toml_text: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    frozen: Mapped[bool] = mapped_column(default=False)

    schemes: Mapped[list[Scheme]] = relationship(back_populates="rules_version")


class Scheme(Base):
    """A weighting scheme (计分方案) of one rules version, named by its code."""

    __tablename__ = "scheme"
    __table_args__ = (UniqueConstraint("rules_version_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rules_version_id: Mapped[int] = mapped_column(ForeignKey("rules_version.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    formula: Mapped[str] = mapped_column(Text)
    decimals: Mapped[int] = mapped_column(Integer, default=2)
    bonus_cap: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    qualify: Mapped[list[str]] = mapped_column(JSON, default=list)
    tiebreak: Mapped[list[str]] = mapped_column(JSON, default=list)
    ties: Mapped[str] = mapped_column(String(20), default="share")

    rules_version: Mapped[RulesVersion] = relationship(back_populates="schemes")


class Component(Base):
    """A subject (科目) with its maximum and group; graded components carry a grade table."""

    __tablename__ = "component"
    __table_args__ = (UniqueConstraint("exam_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(60))
    max: Mapped[Decimal] = mapped_column(ExactDecimal())
    group: Mapped[ComponentGroup] = mapped_column(str_enum(ComponentGroup, "component_group"))
    grades: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0)

    exam: Mapped[Exam] = relationship(back_populates="components")


class Category(Base):
    """A 专业类别; ranking, control lines and allocation are per category."""

    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("exam_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(60))

    exam: Mapped[Exam] = relationship(back_populates="categories")


class Batch(Base):
    """A batch (批次) of admission, run in sequence order."""

    __tablename__ = "batch"
    __table_args__ = (UniqueConstraint("exam_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(60))
    sequence: Mapped[int] = mapped_column(Integer)
    shape: Mapped[BatchShape] = mapped_column(str_enum(BatchShape, "batch_shape"))
    max_choices: Mapped[int] = mapped_column(Integer)
    majors_per_group: Mapped[int | None] = mapped_column(Integer)
    ratio: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(1))
    rounds: Mapped[int] = mapped_column(Integer, default=1)
    scheme_code: Mapped[str] = mapped_column(String(40))
    level: Mapped[str | None] = mapped_column(String(4))  # 本科 | 专科 (needed once a scale is set)

    exam: Mapped[Exam] = relationship(back_populates="batches")
    control_lines: Mapped[list[ControlLine]] = relationship(back_populates="batch")
    round_rows: Mapped[list[Round]] = relationship(back_populates="batch", order_by="Round.number")


class ControlLine(Base):
    """A control line (最低控制分数线): conditions for one category of a batch, or "*"."""

    __tablename__ = "control_line"
    __table_args__ = (UniqueConstraint("batch_id", "category_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    category_code: Mapped[str] = mapped_column(String(20))
    conditions: Mapped[list[str]] = mapped_column(JSON, default=list)

    batch: Mapped[Batch] = relationship(back_populates="control_lines")


class Round(Base):
    """A round of a batch (first round, then supplementary rounds), with its deadlines."""

    __tablename__ = "round"
    __table_args__ = (UniqueConstraint("batch_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    prefs_open_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    prefs_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decisions_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[RoundStatus] = mapped_column(
        str_enum(RoundStatus, "round_status"), default=RoundStatus.PLANNED
    )

    batch: Mapped[Batch] = relationship(back_populates="round_rows")
