"""What a candidate chooses from: the plan lines open to their category, with filters, the last
published cutoffs, and warnings for requirements they do not meet."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import literal, or_, select

from admissions.extensions import db
from admissions.models import (
    AllocationRun,
    Batch,
    Candidate,
    Cutoff,
    Institution,
    PlanLine,
    RunStatus,
)
from admissions.services.students.explain import (
    computed_values,
    exam_labels,
    requirement_warnings,
)

PAGE_SIZE = 100


def plain(number: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 90.0000 → 90, 320.1500 → 320.15."""
    text = f"{number.normalize():f}"
    return text


@dataclass(frozen=True)
class LineFilters:
    """Search fields of the plan-line list (all optional)."""

    text: str = ""
    city: str = ""
    min_seats: int | None = None


@dataclass
class LineRow:
    """One plan line as the candidate sees it."""

    line: PlanLine
    cutoff: Cutoff | None = None
    warnings: list[str] = field(default_factory=list)


def _base_query(candidate: Candidate, batch: Batch):
    query = (
        select(PlanLine)
        .join(Institution, PlanLine.institution_id == Institution.id)
        .where(PlanLine.batch_id == batch.id, PlanLine.category_code == candidate.category_code)
    )
    listed = literal(";") + PlanLine.types + literal(";")  # lines reserved to types: "a;b"
    return query.where(
        or_(PlanLine.types.is_(None), PlanLine.types == "",
            listed.contains(f";{candidate.candidate_type};"))
    )  # fmt: skip


def search_lines(
    candidate: Candidate, batch: Batch, filters: LineFilters, limit: int = PAGE_SIZE
) -> tuple[list[PlanLine], bool]:
    """Lines of the batch open to the candidate that match the filters; True if cut at ``limit``."""
    query = _base_query(candidate, batch)
    text = filters.text.strip()
    if text:
        like = f"%{text}%"
        query = query.where(
            or_(Institution.name.like(like), Institution.code == text,
                PlanLine.program_name.like(like), PlanLine.program_code == text)
        )  # fmt: skip
    if filters.city.strip():
        query = query.where(Institution.city.like(f"%{filters.city.strip()}%"))
    if filters.min_seats is not None:
        query = query.where(PlanLine.seats >= filters.min_seats)
    query = query.order_by(Institution.code, PlanLine.group_code, PlanLine.program_code)
    lines = list(db.session.scalars(query.limit(limit + 1)))
    return lines[:limit], len(lines) > limit


def lines_by_id(candidate: Candidate, batch: Batch, ids: set[int]) -> dict[int, PlanLine]:
    """The batch's lines open to the candidate among ``ids``."""
    if not ids:
        return {}
    query = _base_query(candidate, batch).where(PlanLine.id.in_(ids))
    return {line.id: line for line in db.session.scalars(query)}


def group_lines(candidate: Candidate, batch: Batch, groups: set[str]) -> dict[str, list[PlanLine]]:
    """For grouped batches: ``"<institution id>:<group>"`` → the group's lines open to me."""
    wanted = {tuple(g.split(":", 1)) for g in groups if ":" in g}
    institution_ids = {int(i) for i, _ in wanted if i.isdigit()}
    if not institution_ids:
        return {}
    query = _base_query(candidate, batch).where(PlanLine.institution_id.in_(institution_ids))
    found: dict[str, list[PlanLine]] = {}
    for line in db.session.scalars(query.order_by(PlanLine.program_code)):
        key = f"{line.institution_id}:{line.group_code}"
        if (str(line.institution_id), line.group_code) in wanted:
            found.setdefault(key, []).append(line)
    return found


def last_cutoffs(lines: list[PlanLine]) -> dict[int, Cutoff]:
    """The cutoff of each line in the latest published run that had it."""
    ids = [line.id for line in lines]
    if not ids:
        return {}
    rows = db.session.execute(
        select(Cutoff, AllocationRun.id)
        .join(AllocationRun, Cutoff.run_id == AllocationRun.id)
        .where(Cutoff.plan_line_id.in_(ids), AllocationRun.status == RunStatus.PUBLISHED)
        .order_by(AllocationRun.id)
    ).all()
    return {cutoff.plan_line_id: cutoff for cutoff, _ in rows}


def rows_for(candidate: Candidate, lines: list[PlanLine], scores_visible: bool) -> list[LineRow]:
    """Lines with their last cutoff and requirement warnings."""
    cutoffs = last_cutoffs(lines)
    computed = computed_values(candidate) if scores_visible else None
    labels = exam_labels(candidate)
    return [
        LineRow(
            line,
            cutoffs.get(line.id),
            requirement_warnings(line.requirements, scores_visible, computed, labels),
        )
        for line in lines
    ]
