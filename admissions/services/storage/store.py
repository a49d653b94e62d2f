"""The one interface to files that outlive a request: ``put``, ``open``, ``delete``, ``purge``.

The bytes are kept in the database (``stored_file`` and its ``stored_file_chunk`` rows), so a
file received by one web process is read by a worker on another machine, and a file a worker made
is served by any web process. Writes go through the caller's transaction (flushed, committed by the
view, command or job); reads take one chunk at a time, so memory stays bounded however large the
file. Ids are random and unguessable; callers check ownership through ``owner`` and ``meta``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any, BinaryIO

from sqlalchemy import delete as sql_delete
from sqlalchemy import select

from admissions.extensions import db
from admissions.models import StoredFile, StoredFileChunk, utcnow

CHUNK_BYTES = 1024 * 1024


class FileTooLarge(ValueError):
    """The file is larger than the caller allows; nothing of it is kept."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"文件超过 {max_bytes // (1024 * 1024) or 1} MB 的上限，未保存")
        self.max_bytes = max_bytes


def _pieces(stream: BinaryIO | bytes | Iterable[bytes]) -> Iterator[bytes]:
    if isinstance(stream, bytes | bytearray):
        for start in range(0, len(stream), CHUNK_BYTES):
            yield bytes(stream[start : start + CHUNK_BYTES])
    elif hasattr(stream, "read"):
        while piece := stream.read(CHUNK_BYTES):  # type: ignore[union-attr]
            yield piece
    else:
        yield from stream  # type: ignore[misc]


def put(
    stream: BinaryIO | bytes | Iterable[bytes],
    kind: str,
    owner: str,
    max_bytes: int,
    *,
    filename: str = "",
    meta: dict[str, Any] | None = None,
) -> str:
    """Store the bytes of STREAM (a file object, bytes or an iterable of bytes) and return the
    new file's id; raises ``FileTooLarge`` (and keeps nothing) past MAX_BYTES."""
    file_id = secrets.token_urlsafe(32)
    stored = StoredFile(
        id=file_id, kind=kind, owner=owner, filename=filename[:255], meta=meta or {}, size=0
    )
    db.session.add(stored)
    db.session.flush()
    size, seq, buffer = 0, 0, bytearray()
    for piece in _pieces(stream):
        size += len(piece)
        if size > max_bytes:
            db.session.execute(
                sql_delete(StoredFileChunk).where(StoredFileChunk.file_id == file_id)
            )
            db.session.delete(stored)
            db.session.flush()
            raise FileTooLarge(max_bytes)
        buffer += piece
        while len(buffer) >= CHUNK_BYTES:
            _write_chunk(file_id, seq, bytes(buffer[:CHUNK_BYTES]))
            del buffer[:CHUNK_BYTES]
            seq += 1
    if buffer or seq == 0:
        _write_chunk(file_id, seq, bytes(buffer))
    stored.size = size
    db.session.flush()
    return file_id


def _write_chunk(file_id: str, seq: int, data: bytes) -> None:
    db.session.execute(
        StoredFileChunk.__table__.insert().values(file_id=file_id, seq=seq, data=data)
    )


def info(file_id: str) -> StoredFile | None:
    """The stored file's row (kind, owner, name, size, meta, created_at), or None."""
    return db.session.get(StoredFile, file_id) if file_id else None


def open(file_id: str) -> Iterator[bytes]:  # noqa: A001  (the interface's verb)
    """The file's bytes, one chunk at a time, each read when asked for (a response can stream
    them). Empty when the file does not exist."""
    seq = 0
    while True:
        data = db.session.scalar(
            select(StoredFileChunk.data).where(
                StoredFileChunk.file_id == file_id, StoredFileChunk.seq == seq
            )
        )
        if data is None:
            return
        yield bytes(data)
        seq += 1


def read(file_id: str) -> bytes:
    """The whole file in memory (for files the caller knows to be small enough)."""
    return b"".join(open(file_id))


def delete(file_id: str) -> None:
    """Remove a stored file (nothing happens when it is already gone)."""
    db.session.execute(sql_delete(StoredFileChunk).where(StoredFileChunk.file_id == file_id))
    db.session.execute(sql_delete(StoredFile).where(StoredFile.id == file_id))
    db.session.flush()


def purge(older_than: timedelta, *, kind: str | None = None, now: datetime | None = None) -> int:
    """Remove the files (of KIND, else every kind) stored longer ago than OLDER_THAN; how many."""
    cutoff = (now or utcnow()) - older_than
    old = select(StoredFile.id).where(StoredFile.created_at < cutoff)
    if kind is not None:
        old = old.where(StoredFile.kind == kind)
    ids = list(db.session.scalars(old))
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        db.session.execute(sql_delete(StoredFileChunk).where(StoredFileChunk.file_id.in_(batch)))
        db.session.execute(sql_delete(StoredFile).where(StoredFile.id.in_(batch)))
    db.session.flush()
    return len(ids)
