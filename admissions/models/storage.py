"""Files that outlive a request (uploads awaiting confirmation or a job, files made by jobs),
kept in the database so that every web process and worker, on any machine, reads the same."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from admissions.models.base import Base, UTCDateTime, utcnow


class StoredFile(Base):
    """One stored file: what it is, whose, its name and size; its bytes are its chunks."""

    __tablename__ = "stored_file"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random, unguessable
    kind: Mapped[str] = mapped_column(String(40))
    owner: Mapped[str] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(255), default="")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class StoredFileChunk(Base):
    """A piece of a stored file's bytes, in order (``seq`` from 0)."""

    __tablename__ = "stored_file_chunk"
    file_id: Mapped[str] = mapped_column(
        ForeignKey("stored_file.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
