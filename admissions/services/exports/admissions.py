"""Rows of the admissions and cutoffs exports (docs/formats.md "导出文件"), and their file bytes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from admissions.extensions import db
from admissions.files.columns import export_columns
from admissions.files.writers import to_csv, to_pdf_table, to_xlsx
from admissions.models import (
    AllocationRun,
    Batch,
    Cutoff,
    Exam,
    Institution,
    PlanLine,
)
from admissions.services.exports.records import ExportFilter, admission_records

FORMATS = ("csv", "xlsx", "pdf")
_CENTS = Decimal("0.01")


def plain(value: Decimal | None) -> Decimal | None:
    """A stored score without storage padding: at least two places (665.00, 660.125)."""
    if value is None:
        return None
    trimmed = value.normalize()
    return trimmed.quantize(_CENTS) if trimmed.as_tuple().exponent > -2 else trimmed  # type: ignore[operator]


def admission_rows(
    exam: Exam, batch: str | None = None, institution: str | None = None, *, full_id: bool = False
) -> list[dict[str, Any]]:
    """One row per saved dispatch of ``exam`` (docs/formats.md ``admissions``), filtered by batch and
    institution codes; the rows of the university's lists (``exports.admission_records``)."""
    batch_id = institution_id = None
    if batch:
        batch_id = db.session.scalar(
            select(Batch.id).where(Batch.exam_id == exam.id, Batch.code == batch)
        )
        if batch_id is None:
            return []
    if institution:
        institution_id = db.session.scalar(
            select(Institution.id).where(Institution.code == institution)
        )
        if institution_id is None:
            return []
    filters = ExportFilter(exam_id=exam.id, batch_id=batch_id, institution_id=institution_id)
    return list(admission_records(filters, full_id=full_id))


def cutoff_rows(
    exam: Exam, batch: str | None = None, institution: str | None = None
) -> list[dict[str, Any]]:
    """One row per plan line and saved run: seats, dispatched, min_total, min_rank (the names
    of the institution and program ride along for pages; exports keep their columns)."""
    query = (
        select(Cutoff, AllocationRun, Batch, PlanLine, Institution)
        .join(AllocationRun, AllocationRun.id == Cutoff.run_id)
        .join(Batch, Batch.id == AllocationRun.batch_id)
        .join(PlanLine, PlanLine.id == Cutoff.plan_line_id)
        .join(Institution, Institution.id == PlanLine.institution_id)
        .where(AllocationRun.exam_id == exam.id, AllocationRun.dry_run.is_(False))
    )
    if batch:
        query = query.where(Batch.code == batch)
    if institution:
        query = query.where(Institution.code == institution)
    query = query.order_by(Batch.sequence, AllocationRun.round_number, PlanLine.category_code,
                           Institution.code, PlanLine.program_code)  # fmt: skip
    return [
        {
            "batch": b.code,
            "round": run.round_number,
            "category": line.category_code,
            "institution_code": inst.code,
            "institution_name": inst.name,
            "program_code": line.program_code,
            "program_name": line.program_name,
            "seats": cut.seats,
            "dispatched": cut.dispatched,
            "min_total": plain(cut.min_total),
            "min_rank": cut.min_rank,
        }  # fmt: skip
        for cut, run, b, line, inst in db.session.execute(query).all()
    ]


def export_bytes(
    kind: str, rows: list[dict[str, Any]], fmt: str, headers: str, title: str
) -> bytes:
    """The rows as CSV, XLSX or PDF bytes with the export's columns."""
    columns = export_columns(kind)
    if fmt == "xlsx":
        return to_xlsx(rows, columns, sheet_name=kind, headers=headers)
    if fmt == "pdf":
        return to_pdf_table(title, rows, columns, headers=headers)
    return to_csv(rows, columns, headers=headers)
