"""File errors: where (file, line, column) and what, plus the downloadable error lists.

A file of a million bad lines must not print a million messages: every collection of errors keeps
the first ``MAX_LISTED_ERRORS`` by line (`ErrorList`) and ends with one `ErrorsNotListed` entry
that counts the rest, so the command line, the pages and both downloads say how many were left
out without holding them in memory.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from admissions.files.columns import ExportColumn
from admissions.files.writers import to_csv

MAX_LISTED_ERRORS = 1000


@dataclass(frozen=True)
class FileError:
    """One problem in an imported file. LINE is as a spreadsheet shows it (header = 1)."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.column:
            return f"{where}: {self.column}: {self.message}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ErrorsNotListed(FileError):
    """The last entry of a capped list: how many more errors the file has."""

    count: int = 0


def not_listed(file: str, count: int) -> ErrorsNotListed:
    """The entry that says `count` further errors were found but are not listed."""
    message = (
        f"另有 {count} 处错误未列出（只列出按行号排在前面的 {MAX_LISTED_ERRORS} 处）；"
        "请先改正以上错误，再次导入时会列出其余错误"
    )
    return ErrorsNotListed(file, None, None, message, count)


def _sort_key(error: FileError) -> int:
    return error.line or 0


class ErrorList:
    """Errors as they are found, keeping only the first ``limit`` by line (header = 1, whole-file
    problems first) and counting the others; memory stays bounded whatever the file holds."""

    def __init__(self, limit: int = MAX_LISTED_ERRORS) -> None:
        self.limit = limit
        self.total = 0
        self.file = ""
        self._heap: list[tuple[int, int, FileError]] = []  # (-line, -order, error): a max-heap
        self._order = itertools.count()

    def add(self, error: FileError) -> None:
        """Count `error` and keep it if it is among the first ``limit`` by line."""
        if isinstance(error, ErrorsNotListed):
            self.total += error.count
            self.file = self.file or error.file
            return
        self.total += 1
        self.file = self.file or error.file
        entry = (-_sort_key(error), -next(self._order), error)
        if len(self._heap) < self.limit:
            heapq.heappush(self._heap, entry)
        elif entry > self._heap[0]:
            heapq.heapreplace(self._heap, entry)

    def extend(self, errors: Iterable[FileError]) -> None:
        """`add` each error."""
        for error in errors:
            self.add(error)

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    def __iter__(self) -> Iterator[FileError]:
        return iter(self.listed())

    def listed(self) -> list[FileError]:
        """The kept errors by line (in the order found within a line), then the count of the rest."""
        kept = [error for _line, _order, error in sorted(self._heap, reverse=True)]
        hidden = self.total - len(kept)
        return [*kept, not_listed(self.file, hidden)] if hidden > 0 else kept


def capped(*groups: Iterable[FileError]) -> list[FileError]:
    """Several error lists merged: the first ``MAX_LISTED_ERRORS`` by line, then the count of the
    rest (counts of lists that were capped already are carried over)."""
    merged = ErrorList()
    for group in groups:
        merged.extend(group)
    return merged.listed()


def error_count(errors: Iterable[FileError]) -> int:
    """How many errors a (possibly capped) list stands for."""
    return sum(error.count if isinstance(error, ErrorsNotListed) else 1 for error in errors)


def blocks_rows(errors: Iterable[FileError]) -> bool:
    """True when the file as a whole or its header is wrong (a whole-file problem, a header
    problem, or a problem without a column): checking its rows further would only add noise."""
    return any(
        not isinstance(error, ErrorsNotListed) and ((error.line or 0) < 2 or not error.column)
        for error in errors
    )


def errors_as_text(errors: Iterable[FileError]) -> str:
    """The error list as plain text, one `FILE:LINE: COLUMN: message` per line."""
    return "".join(f"{error}\n" for error in errors)


_CSV_COLUMNS = (
    ExportColumn("file", "文件"),
    ExportColumn("line", "行", numeric=True),
    ExportColumn("column", "列"),
    ExportColumn("message", "问题"),
)


def errors_as_csv(errors: Iterable[FileError]) -> bytes:
    """The error list as a CSV (UTF-8 with BOM, opens in Excel): 文件, 行, 列, 问题.

    Written by the export writer, so every cell — the uploaded file's name included — is
    neutralised against formula injection like any export."""
    rows = (
        {"file": e.file, "line": e.line, "column": e.column, "message": e.message} for e in errors
    )
    return to_csv(rows, _CSV_COLUMNS, headers="zh")
