"""What every import stage shares: the rows read, where they came from, and how errors are said."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from admissions.files.errors import ErrorList
from admissions.files.readers import FileError, Row
from admissions.models import Account, Exam


@dataclass
class ImportContext:
    """The exam, the file's valid rows with their lines, the actor, and the headers as written."""

    exam: Exam
    filename: str
    rows: list[Row]
    lines: list[int]
    actor: Account | None
    headers: dict[str, str]  # English key → the header text as written in the file
    errors: ErrorList = field(default_factory=ErrorList)  # the first of them, and how many

    def error(self, line: int, key: str, message: str) -> None:
        """Record a problem of the cell under column `key` on `line`."""
        self.errors.add(FileError(self.filename, line, self.headers.get(key, key), message))

    def numbered(self) -> list[tuple[int, Row]]:
        """The rows with their spreadsheet lines."""
        return list(zip(self.lines, self.rows, strict=True))


PREVIEW_ROWS = 50  # changed rows shown before the clerk confirms


@dataclass(frozen=True)
class RowChange:
    """One new or changed row of an import, as the preview shows it: (label, before, after)."""

    line: int
    key: str
    new: bool
    fields: tuple[tuple[str, str, str], ...]


@dataclass
class ChangeList:
    """The first ``PREVIEW_ROWS`` changes of an import (the counts say how many in all)."""

    rows: list[RowChange] = field(default_factory=list)

    def add(self, line: int, key: str, new: bool, fields: list[tuple[str, object, object]]) -> None:
        """Keep the change if the preview has room; values are shown as text ("" = blank)."""
        if len(self.rows) < PREVIEW_ROWS:
            shown = tuple((label, as_text(a), as_text(b)) for label, a, b in fields)
            self.rows.append(RowChange(line, key, new, shown))


def as_text(value: object) -> str:
    """A cell value for the preview: exact numbers without trailing zeros, blank for none."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


@dataclass
class Staged:
    """A checked import, ready to write: (inserted, updated, unchanged), the writer and the
    first changed rows for the preview."""

    counts: tuple[int, int, int]
    apply: Callable[[], None]
    changes: list[RowChange] = field(default_factory=list)


def nothing() -> None:
    """The writer of an import with nothing to write."""
