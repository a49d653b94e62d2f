"""The province's earlier exam (last year's) and the cutoffs it published, matched to this year's
plan lines by institution code, program code and category."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import (
    AllocationRun,
    Batch,
    Cutoff,
    Exam,
    Institution,
    PlanLine,
    RunStatus,
)

LineKey = tuple[str, str, str]  # institution code, program code, category code


@dataclass(frozen=True)
class PastCutoff:
    """A published cutoff: lowest total and its 位次, where it comes from in words."""

    min_total: Decimal
    min_rank: int | None
    source: str  # e.g. 本科批第 1 轮, 2025年本科批第 2 轮


def previous_exam(exam: Exam) -> Exam | None:
    """The same province's exam of the year before (the same track when there are several)."""
    found = db.session.scalars(
        select(Exam)
        .where(Exam.province_id == exam.province_id, Exam.year == exam.year - 1)
        .order_by(Exam.id)
    ).all()
    same_track = [e for e in found if e.track == exam.track]
    return (same_track or list(found) or [None])[0]


def published_cutoffs(exam: Exam, line_ids: list[int] | None = None) -> dict[int, PastCutoff]:
    """Plan line id → its latest published cutoff with a dispatched candidate (run order)."""
    query = (
        select(Cutoff, Batch.name, AllocationRun.round_number)
        .join(AllocationRun, Cutoff.run_id == AllocationRun.id)
        .join(Batch, AllocationRun.batch_id == Batch.id)
        .where(AllocationRun.exam_id == exam.id, AllocationRun.status == RunStatus.PUBLISHED,
               AllocationRun.dry_run.is_(False), Cutoff.min_total.is_not(None))
        .order_by(AllocationRun.round_number, AllocationRun.id)
    )  # fmt: skip
    if line_ids is not None:
        if not line_ids:
            return {}
        query = query.where(Cutoff.plan_line_id.in_(line_ids))
    found: dict[int, PastCutoff] = {}
    for cutoff, batch_name, number in db.session.execute(query):
        assert cutoff.min_total is not None
        found[cutoff.plan_line_id] = PastCutoff(
            cutoff.min_total, cutoff.min_rank, f"{batch_name}第 {number} 轮"
        )
    return found


def line_keys(line_ids: list[int]) -> dict[int, LineKey]:
    """Plan line id → (institution code, program code, category)."""
    if not line_ids:
        return {}
    rows = db.session.execute(
        select(PlanLine.id, Institution.code, PlanLine.program_code, PlanLine.category_code)
        .join(Institution, PlanLine.institution_id == Institution.id)
        .where(PlanLine.id.in_(line_ids))
    ).all()
    return {line_id: (inst, program, category) for line_id, inst, program, category in rows}


def last_year(exam: Exam, line_ids: list[int]) -> dict[int, PastCutoff]:
    """This year's plan line id → last year's cutoff of the same institution, program and
    category (its latest published round); lines without one are left out."""
    earlier = previous_exam(exam)
    if earlier is None or not line_ids:
        return {}
    past = published_cutoffs(earlier)
    if not past:
        return {}
    by_key = {key: past[i] for i, key in line_keys(list(past)).items()}
    out = {}
    for line_id, key in line_keys(line_ids).items():
        if key in by_key:
            cut = by_key[key]
            out[line_id] = PastCutoff(cut.min_total, cut.min_rank, f"{earlier.year}年{cut.source}")
    return out


def last_published(exam: Exam, line_ids: list[int]) -> dict[int, PastCutoff]:
    """Each line's last published cutoff: an earlier round of this exam, else last year's."""
    this_year = published_cutoffs(exam, line_ids)
    missing = [i for i in line_ids if i not in this_year]
    return {**last_year(exam, missing), **this_year}
