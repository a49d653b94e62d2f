"""Double entry (双录入) of manually keyed scores: a sheet, its candidates, two passes, resolutions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admissions.models.account import Account
from admissions.models.base import Base, ExactDecimal, UTCDateTime, utcnow
from admissions.models.candidate import Candidate
from admissions.models.enums import KeyingStatus, str_enum
from admissions.models.exam import Exam


class KeyingSheet(Base):
    """One paper sheet keyed twice by two clerks, for some candidates and components of an exam.

    Components are kept by code (the rules file's key), as the rest of the house names them.
    """

    __tablename__ = "keying_sheet"
    __table_args__ = (UniqueConstraint("exam_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    component_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[KeyingStatus] = mapped_column(
        str_enum(KeyingStatus, "keying_status"), default=KeyingStatus.OPEN
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    pass1_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    pass1_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pass2_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    pass2_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    exam: Mapped[Exam] = relationship()
    created_by: Mapped[Account | None] = relationship(foreign_keys=[created_by_id])
    pass1_by: Mapped[Account | None] = relationship(foreign_keys=[pass1_by_id])
    pass2_by: Mapped[Account | None] = relationship(foreign_keys=[pass2_by_id])
    applied_by: Mapped[Account | None] = relationship(foreign_keys=[applied_by_id])
    lines: Mapped[list[KeyingLine]] = relationship(
        back_populates="sheet", order_by="KeyingLine.position"
    )


class KeyingLine(Base):
    """A candidate on a sheet, in the sheet's order."""

    __tablename__ = "keying_line"
    __table_args__ = (UniqueConstraint("sheet_id", "candidate_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("keying_sheet.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)

    sheet: Mapped[KeyingSheet] = relationship(back_populates="lines")
    candidate: Mapped[Candidate] = relationship()


class KeyedEntry(Base):
    """One cell keyed in one pass (1 or 2); value and grade both None = keyed as absent (缺考)."""

    __tablename__ = "keyed_entry"
    __table_args__ = (UniqueConstraint("sheet_id", "pass_no", "candidate_id", "component_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("keying_sheet.id"), index=True)
    pass_no: Mapped[int] = mapped_column(Integer)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    component_code: Mapped[str] = mapped_column(String(40))
    value: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    grade: Mapped[str | None] = mapped_column(String(4))
    keyed_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    keyed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class KeyingResolution(Base):
    """The right value of a cell the two passes disagree on (or miss), chosen with a reason."""

    __tablename__ = "keying_resolution"
    __table_args__ = (UniqueConstraint("sheet_id", "candidate_id", "component_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("keying_sheet.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    component_code: Mapped[str] = mapped_column(String(40))
    value: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    grade: Mapped[str | None] = mapped_column(String(4))
    reason: Mapped[str] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    resolved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    resolved_by: Mapped[Account | None] = relationship()
