"""Uploaded import files kept server-side between preview and confirmation.

The bytes live in the instance folder under a random token, with who uploaded them for which exam
and kind; the confirmation re-reads them from there (never from the browser), and only the same
account may use the token, for the same exam.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Upload:
    """A stored upload: its token, exam, kind, original file name, owner and bytes."""

    token: str
    exam_id: int
    kind: str
    filename: str
    account_id: int
    data: bytes


def _folder() -> Path:
    configured = current_app.config.get("IMPORT_UPLOAD_DIR")
    folder = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_upload(exam_id: int, kind: str, filename: str, data: bytes, account_id: int) -> str:
    """Keep `data` and return the token naming it; uploads older than a day are removed."""
    folder = _folder()
    _remove_stale(folder)
    token = secrets.token_urlsafe(32)
    (folder / f"{token}.bin").write_bytes(data)
    meta = {"exam_id": exam_id, "kind": kind, "filename": filename, "account_id": account_id}
    (folder / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return token


def load_upload(token: str, exam_id: int, account_id: int) -> Upload | None:
    """The upload named by `token`, if it exists and belongs to this exam and account."""
    if not _TOKEN.fullmatch(token):
        return None
    folder = _folder()
    try:
        meta = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
        data = (folder / f"{token}.bin").read_bytes()
    except (OSError, ValueError):
        return None
    if meta["exam_id"] != exam_id or meta["account_id"] != account_id:
        return None
    return Upload(token, exam_id, meta["kind"], meta["filename"], account_id, data)


def discard_upload(token: str) -> None:
    """Remove a stored upload (after it was imported)."""
    if _TOKEN.fullmatch(token):
        for suffix in (".bin", ".json"):
            (_folder() / f"{token}{suffix}").unlink(missing_ok=True)


def _remove_stale(folder: Path) -> None:
    limit = time.time() - MAX_AGE_SECONDS
    for path in folder.glob("*.*"):
        if path.suffix in (".bin", ".json") and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
