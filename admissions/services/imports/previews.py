"""An upload's preview, parsed once: the dry run's counts, errors and changed-rows sample are kept
with the stored upload (as JSON in its ``meta``), and every later view reads them from there —
never the file again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm.attributes import flag_modified

from admissions.extensions import db
from admissions.files.errors import ErrorsNotListed, FileError
from admissions.models import Account, Exam
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


def preview(exam: Exam, upload: Upload, actor: Account | None) -> ImportResult:
    """The upload's dry run: read from what was kept, or else parsed now (once), the dry run's
    session work rolled back, and the result kept (flushed; the caller commits)."""
    stored = store.info(upload.token)
    kept = stored.meta.get("preview") if stored is not None else None
    if kept is not None:
        return from_json(upload.kind, upload.filename, kept)
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


def keep(upload: Upload, result: ImportResult) -> None:
    """Keep the dry run's RESULT with the stored upload (flushed; the caller commits)."""
    stored = store.info(upload.token)
    if stored is None:
        return
    stored.meta = {**stored.meta, "preview": as_json(result)}
    flag_modified(stored, "meta")
    db.session.flush()


def forget(upload: Upload) -> None:
    """Drop the kept dry run (the data it was checked against may have changed); the next view
    parses the file once more. Flushed; the caller commits."""
    stored = store.info(upload.token)
    if stored is not None and "preview" in stored.meta:
        stored.meta = {key: value for key, value in stored.meta.items() if key != "preview"}
        flag_modified(stored, "meta")
        db.session.flush()
