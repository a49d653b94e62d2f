"""Uploaded import files kept server-side between preview and confirmation (or a job).

The bytes live in the shared storage under a random token, with who uploaded them for which exam
and kind; the confirmation — or a worker on another machine — re-reads them from there (never from
the browser), and only the same account may use the token, for the same exam. Uploads older than
a day are removed when the next one is stored, and by ``flask files purge``.

Nothing larger than the reader reads (``readers.DEFAULT_MAX_BYTES``) is stored, and each account
keeps at most ``UPLOAD_QUOTA_MB`` of uploads awaiting confirmation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO

from flask import current_app
from sqlalchemy import func, select

from admissions.extensions import db
from admissions.files.readers import DEFAULT_MAX_BYTES
from admissions.models import StoredFile
from admissions.services.storage import store

_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
MAX_AGE = timedelta(days=1)
KIND = "import_upload"


class UploadRefused(ValueError):
    """The upload was not stored; the message says why in Chinese, and what to do."""


@dataclass(frozen=True)
class Upload:
    """A stored upload: its token, exam, kind, original file name, owner and size; ``data`` reads
    its bytes from the storage when asked for."""

    token: str
    exam_id: int
    kind: str
    filename: str
    account_id: int
    size: int = 0

    @property
    def data(self) -> bytes:
        """The upload's bytes (read from the storage on every call)."""
        return store.read(self.token)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def reader_limit(kind: str) -> int:  # noqa: ARG001  (every kind has the reader's one limit today)
    """The largest file the reader reads for an import of KIND, in bytes."""
    return min(DEFAULT_MAX_BYTES, int(current_app.config["MAX_CONTENT_LENGTH"]))


def stored_bytes(account_id: int) -> int:
    """How many bytes of uploads awaiting confirmation the account keeps."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(StoredFile.size), 0)).where(
            StoredFile.kind == KIND, StoredFile.owner == f"account:{account_id}"
        )
    )
    return int(total or 0)


def store_upload(
    exam_id: int, kind: str, filename: str, data: bytes | BinaryIO, account_id: int
) -> str:
    """Keep `data` (flushed: the caller commits) and return the token naming it; raises
    ``UploadRefused`` (keeping nothing) past the reader's limit or the account's quota."""
    store.purge(MAX_AGE, kind=KIND)
    limit = reader_limit(kind)
    quota = int(current_app.config["UPLOAD_QUOTA_BYTES"])
    room = quota - stored_bytes(account_id)
    full = (
        f"已保存的待确认上传超过本账号 {_mb(quota)} 的限额，未保存。"
        "请先确认导入或取消之前的预览以释放空间，再重新上传。"
    )
    if room <= 0:
        raise UploadRefused(full)
    try:
        return store.put(
            data, KIND, f"account:{account_id}", min(limit, room),
            filename=filename, meta={"exam_id": exam_id, "kind": kind},
        )  # fmt: skip
    except store.FileTooLarge as error:
        if error.max_bytes < limit:
            raise UploadRefused(full) from error
        raise UploadRefused(
            f"文件超过 {_mb(limit)} 的上限（导入能读取的最大文件），未保存。"
        ) from error


def load_upload(token: str, exam_id: int, account_id: int) -> Upload | None:
    """The upload named by `token`, if it exists and belongs to this exam and account."""
    if not _TOKEN.fullmatch(token):
        return None
    stored = store.info(token)
    if stored is None or stored.kind != KIND or stored.owner != f"account:{account_id}":
        return None
    if stored.meta.get("exam_id") != exam_id:
        return None
    kind = str(stored.meta["kind"])
    return Upload(token, exam_id, kind, stored.filename, account_id, stored.size)


def discard_upload(token: str) -> None:
    """Remove a stored upload (after it was imported)."""
    if _TOKEN.fullmatch(token):
        store.delete(token)
