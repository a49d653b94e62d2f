"""An upload's preview, parsed once: the dry run's counts, errors and changed-rows sample are kept
with the stored upload (as JSON in its ``meta``), and every later view reads them from there —
never the file again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from admissions.extensions import db
from admissions.files.errors import ErrorsNotListed, FileError
from admissions.models import Account, Exam, StoredFile
from admissions.services.imports.context import RowChange
from admissions.services.imports.pipeline import ImportResult, import_file
from admissions.services.imports.uploads import Upload
from admissions.services.storage import store

PAGE_SIZE = 50  # errors and changed rows shown on one page of the preview


def _error(error: FileError) -> dict[str, Any]:
    found = {"line": error.line, "column": error.column, "message": error.message}
    if isinstance(error, ErrorsNotListed):
        found["not_listed"] = error.count
    return found


def _from_error(file: str, item: dict[str, Any]) -> FileError:
    if "not_listed" in item:
        return ErrorsNotListed(
            file, item["line"], item["column"], item["message"], int(item["not_listed"])
        )
    return FileError(file, item["line"], item["column"], item["message"])


def as_json(result: ImportResult) -> dict[str, Any]:
    """A dry run's result as plain JSON values."""
    return {
        "errors": [_error(error) for error in result.errors],
        "counts": [result.inserted, result.updated, result.unchanged],
        "changes": [
            {"line": c.line, "key": c.key, "new": c.new, "fields": [list(f) for f in c.fields]}
            for c in result.changes
        ],
    }


def from_json(kind: str, filename: str, kept: dict[str, Any]) -> ImportResult:
    """The dry run's result kept by ``as_json``."""
    result = ImportResult(kind, filename, [_from_error(filename, e) for e in kept["errors"]])
    result.inserted, result.updated, result.unchanged = (int(n) for n in kept["counts"])
    result.changes = [
        RowChange(c["line"], c["key"], bool(c["new"]), tuple(tuple(f) for f in c["fields"]))
        for c in kept["changes"]
    ]
    return result


def kept(upload: Upload) -> ImportResult | None:
    """The upload's kept dry run, or None when it has not been parsed (yet)."""
    stored = store.info(upload.token)
    found = stored.meta.get("preview") if stored is not None else None
    return None if found is None else from_json(upload.kind, upload.filename, found)


def preview(exam: Exam, upload: Upload, actor: Account | None) -> ImportResult:
    """The upload's dry run: read from what was kept, or else parsed now (once), the dry run's
    session work rolled back, and the result kept (flushed; the caller commits)."""
    found = kept(upload)
    if found is not None:
        return found
    result = import_file(exam, upload.kind, upload.data, upload.filename, actor, dry_run=True)
    db.session.rollback()
    keep(upload, result)
    return result


def page_of(items: list[Any], page: int) -> list[Any]:
    """The items shown on PAGE (1-based) of the preview."""
    return items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]


def page_count(result: ImportResult) -> int:
    """How many pages the preview's errors and changed rows fill (at least one)."""
    longest = max(len(result.errors), len(result.changes))
    return max(1, -(-longest // PAGE_SIZE))


def _set_meta(upload: Upload, key: str, value: Any) -> None:
    # an UPDATE (not the ORM object): the upload may be gone meanwhile, imported by a job
    stored = store.info(upload.token)
    if stored is None:
        return
    meta = {k: v for k, v in stored.meta.items() if k != key}
    if value is not None:
        meta[key] = value
    db.session.execute(update(StoredFile).where(StoredFile.id == upload.token).values(meta=meta))
    db.session.flush()


def keep(upload: Upload, result: ImportResult) -> None:
    """Keep the dry run's RESULT with the stored upload (flushed; the caller commits)."""
    _set_meta(upload, "preview", as_json(result))


def remember_job(upload: Upload, job_id: int) -> None:
    """Note the job parsing the upload for its preview (flushed; the caller commits)."""
    _set_meta(upload, "preview_job", job_id)


def preview_job_id(upload: Upload) -> int | None:
    """The job noted by ``remember_job``, if any."""
    stored = store.info(upload.token)
    found = stored.meta.get("preview_job") if stored is not None else None
    return int(found) if found is not None else None


def forget(upload: Upload) -> None:
    """Drop the kept dry run (the data it was checked against may have changed); the next view
    parses the file once more. Flushed; the caller commits."""
    _set_meta(upload, "preview", None)
    _set_meta(upload, "preview_job", None)
