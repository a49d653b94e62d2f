"""File errors: where (file, line, column) and what, plus the downloadable error lists."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass


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


def errors_as_text(errors: Iterable[FileError]) -> str:
    """The error list as plain text, one `FILE:LINE: COLUMN: message` per line."""
    return "".join(f"{error}\n" for error in errors)


def errors_as_csv(errors: Iterable[FileError]) -> bytes:
    """The error list as a CSV (UTF-8 with BOM, opens in Excel): 文件, 行, 列, 问题."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["文件", "行", "列", "问题"])
    for error in errors:
        line = "" if error.line is None else str(error.line)
        writer.writerow([error.file, line, _safe(error.column or ""), _safe(error.message)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _safe(value: str) -> str:
    # Column names and messages quote user input; never let it become a formula in Excel.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
