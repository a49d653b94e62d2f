"""Uploaded import files kept server-side between preview and confirmation (or a job).

The bytes live in the shared storage under a random token, with who uploaded them for which exam
and kind; the confirmation — or a worker on another machine — re-reads them from there (never from
the browser), and only the same account may use the token, for the same exam. Uploads older than
a day are removed when the next one is stored, and by ``flask files purge``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO

from flask import current_app

from admissions.services.storage import store

_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
MAX_AGE = timedelta(days=1)
KIND = "import_upload"


@dataclass(frozen=True)
class Upload:
    """A stored upload: its token, exam, kind, original file name, owner and bytes."""

    token: str
    exam_id: int
    kind: str
    filename: str
    account_id: int
    data: bytes


def store_upload(
    exam_id: int, kind: str, filename: str, data: bytes | BinaryIO, account_id: int
) -> str:
    """Keep `data` (flushed: the caller commits) and return the token naming it; raises
    ``store.FileTooLarge`` past the upload limit."""
    store.purge(MAX_AGE, kind=KIND)
    return store.put(
        data, KIND, f"account:{account_id}", int(current_app.config["MAX_CONTENT_LENGTH"]),
        filename=filename, meta={"exam_id": exam_id, "kind": kind},
    )  # fmt: skip


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
    return Upload(token, exam_id, kind, stored.filename, account_id, store.read(token))


def discard_upload(token: str) -> None:
    """Remove a stored upload (after it was imported)."""
    if _TOKEN.fullmatch(token):
        store.delete(token)
