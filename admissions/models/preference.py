"""Preferences (志愿): a versioned list per candidate, batch and round; flat or grouped items."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admissions.models.base import Base, UTCDateTime, index_of_values, utcnow
from admissions.models.enums import PreferenceStatus, str_enum


class PreferenceList(Base):
    """One version of a candidate's list for a round; the last submitted version counts."""

    __tablename__ = "preference_list"
    __table_args__ = (
        UniqueConstraint("candidate_id", "batch_id", "round_number", "version"),
        Index("ix_preference_list_batch_id_round_number", "batch_id", "round_number"),
        index_of_values("preference_list", "verification_code"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"))  # the unique index leads
    # served by the (batch_id, round_number) index above
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"))
    round_number: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[PreferenceStatus] = mapped_column(
        str_enum(PreferenceStatus, "preference_status"), default=PreferenceStatus.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The code printed on the 志愿确认单 of a submitted version; /verify checks it.
    verification_code: Mapped[str | None] = mapped_column(String(19))

    items: Mapped[list[PreferenceItem]] = relationship(
        back_populates="preference_list", order_by="PreferenceItem.position"
    )


class PreferenceItem(Base):
    """One choice: a plan line (flat) or an institution's group with an adjust flag (grouped)."""

    __tablename__ = "preference_item"
    __table_args__ = (
        UniqueConstraint("list_id", "position"),
        index_of_values("preference_item", "institution_id"),  # grouped batches' items only
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("preference_list.id"))  # the unique index leads
    position: Mapped[int] = mapped_column(Integer)
    plan_line_id: Mapped[int | None] = mapped_column(ForeignKey("plan_line.id"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    group_code: Mapped[str | None] = mapped_column(String(20))
    adjust: Mapped[bool] = mapped_column(default=False)

    preference_list: Mapped[PreferenceList] = relationship(back_populates="items")
    majors: Mapped[list[PreferenceMajor]] = relationship(order_by="PreferenceMajor.position")


class PreferenceMajor(Base):
    """A major listed inside a grouped choice, in order."""

    __tablename__ = "preference_major"
    __table_args__ = (UniqueConstraint("item_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("preference_item.id"))  # the unique index leads
    position: Mapped[int] = mapped_column(Integer)
    plan_line_id: Mapped[int] = mapped_column(ForeignKey("plan_line.id"), index=True)
