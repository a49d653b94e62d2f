"""The 一分一段 export as file bytes (CSV, XLSX or PDF)."""

from __future__ import annotations

from admissions.files.columns import export_columns
from admissions.files.writers import to_csv, to_pdf_table, to_xlsx
from admissions.models import Exam
from admissions.services.scores.ranktable import ranktable_rows

FORMATS = ("csv", "xlsx", "pdf")


def ranktable_bytes(
    exam: Exam, fmt: str = "csv", headers: str = "en", category: str | None = None
) -> bytes:
    """The score-rank table of ``exam`` in ``fmt``; headers "en" (keys) or "zh" (aliases)."""
    rows = ranktable_rows(exam, category)
    columns = export_columns("ranktable")
    if fmt == "csv":
        return to_csv(rows, columns, headers=headers)
    if fmt == "xlsx":
        return to_xlsx(rows, columns, headers=headers, sheet_name="一分一段")
    if fmt == "pdf":
        return to_pdf_table(f"{exam.name} 一分一段表", rows, columns, headers=headers)
    raise ValueError(f"unknown format {fmt!r}")
