"""Rows of the admissions and cutoffs exports (FORMATS.md "Exports"), and their file bytes."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from admissions import idcard
from admissions.extensions import db
from admissions.files.columns import export_columns
from admissions.files.writers import to_csv, to_pdf_table, to_xlsx
from admissions.models import (
    AllocationRun,
    Batch,
    Candidate,
    Cutoff,
    Dispatch,
    Exam,
    Institution,
    PlanLine,
)

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
    """One row per saved dispatch, in batch, round, institution, program, rank order."""
    query = (
        select(Dispatch, AllocationRun, Batch, Candidate, Institution, PlanLine)
        .join(AllocationRun, AllocationRun.id == Dispatch.run_id)
        .join(Batch, Batch.id == AllocationRun.batch_id)
        .join(Candidate, Candidate.id == Dispatch.candidate_id)
        .outerjoin(Institution, Institution.id == Dispatch.institution_id)
        .outerjoin(PlanLine, PlanLine.id == Dispatch.plan_line_id)
        .where(AllocationRun.exam_id == exam.id, AllocationRun.dry_run.is_(False))
    )
    if batch:
        query = query.where(Batch.code == batch)
    if institution:
        query = query.where(Institution.code == institution)
    query = query.order_by(Batch.sequence, AllocationRun.round_number, Institution.code,
                           PlanLine.program_code, Dispatch.rank, Candidate.candidate_no)  # fmt: skip
    mask: Callable[[str], str] = (lambda v: v) if full_id else idcard.mask
    return [
        {
            "exam": exam.code,
            "batch": b.code,
            "round": run.round_number,
            "category": c.category_code,
            "candidate_no": c.candidate_no,
            "name": c.name,
            "national_id": mask(c.national_id),
            "institution_code": inst.code if inst else "",
            "institution_name": inst.name if inst else "",
            "program_code": line.program_code if line else "",
            "program_name": line.program_name if line else "",
            "total": plain(d.total),
            "rank": d.rank,
            "choice": d.choice,
            "status": d.status.value,
            "reason": d.reason,
        }  # fmt: skip
        for d, run, b, c, inst, line in db.session.execute(query).all()
    ]


def cutoff_rows(
    exam: Exam, batch: str | None = None, institution: str | None = None
) -> list[dict[str, Any]]:
    """One row per plan line and saved run: seats, dispatched, min_total, min_rank."""
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
            "program_code": line.program_code,
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
