"""The published plan as a file: the plans import's columns (seats after adjustments), so an
exported plan imports back unchanged."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from admissions.extensions import db
from admissions.files.columns import export_columns
from admissions.files.writers import to_csv, to_pdf_table, to_xlsx
from admissions.models import Batch, Exam, Institution, PlanLine


def plan_rows(
    exam: Exam, batch: str | None = None, institution: str | None = None
) -> list[dict[str, Any]]:
    """One row per published line, ordered batch → institution code → program code."""
    query = (
        select(PlanLine, Batch.code, Institution)
        .join(Batch, Batch.id == PlanLine.batch_id)
        .join(Institution, Institution.id == PlanLine.institution_id)
        .where(PlanLine.exam_id == exam.id)
        .order_by(Batch.sequence, Institution.code, PlanLine.program_code)
    )
    if batch:
        query = query.where(Batch.code == batch)
    if institution:
        query = query.where(Institution.code == institution)
    return [
        {"batch": code, "institution_code": inst.code, "institution_name": inst.name,
         "program_code": ln.program_code, "program_name": ln.program_name,
         "category": ln.category_code, "seats": ln.seats, "group": ln.group_code or "",
         "scheme": ln.scheme_code or "", "requirements": ln.requirements or "",
         "tuition": ln.tuition, "years": ln.years, "ownership": ln.ownership or "",
         "institution_type": inst.institution_type or "", "notes": ln.notes or "",
         "types": ln.types or ""}
        for ln, code, inst in db.session.execute(query)
    ]  # fmt: skip


def plan_bytes(rows: list[dict[str, Any]], fmt: str, headers: str, title: str) -> bytes:
    """The rows as CSV, XLSX or PDF."""
    columns = export_columns("plans")
    if fmt == "xlsx":
        return to_xlsx(rows, columns, sheet_name="plans", headers=headers)
    if fmt == "pdf":
        return to_pdf_table(title, rows, columns, headers=headers)
    return to_csv(rows, columns, headers=headers)
