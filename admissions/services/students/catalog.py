"""What a candidate chooses from: the plan lines open to their category, with filters, the last
published cutoffs, and warnings for requirements they do not meet and for lines reserved to other
candidate types (shown and savable, like a failed requirement, but never dispatched to them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import or_, select

from admissions.extensions import db
from admissions.models import Batch, Candidate, Institution, PlanLine
from admissions.services.published.history import PastCutoff, last_published
from admissions.services.students.advice import Advice, advise
from admissions.services.students.explain import (
    computed_values,
    exam_labels,
    other_types,
    requirement_warnings,
)
from admissions.services.students.scores import current_result

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
    """One plan line as the candidate sees it: its last published cutoff (an earlier round of
    this exam, else last year's), the 冲/稳/保 advice from the candidate's 位次, warnings."""

    line: PlanLine
    cutoff: PastCutoff | None = None
    warnings: list[str] = field(default_factory=list)
    advice: Advice | None = None


def _base_query(candidate: Candidate, batch: Batch):
    return (
        select(PlanLine)
        .join(Institution, PlanLine.institution_id == Institution.id)
        .where(PlanLine.batch_id == batch.id, PlanLine.category_code == candidate.category_code)
    )


def type_warning(candidate: Candidate, line: PlanLine) -> str | None:
    """The warning for a line reserved to types other than the candidate's, else None."""
    types = other_types(candidate, line)
    return f"该专业仅招收{'、'.join(types)}考生，你填报后不会被投档" if types else None


def search_lines(
    candidate: Candidate, batch: Batch, filters: LineFilters, limit: int = PAGE_SIZE
) -> tuple[list[PlanLine], bool]:
    """Lines of the batch in the candidate's category matching the filters; True if cut at ``limit``."""
    query = _base_query(candidate, batch)
    text = filters.text.strip()
    if text:
        query = query.where(  # % and _ are letters here, not wildcards
            or_(Institution.name.contains(text, autoescape=True), Institution.code == text,
                PlanLine.program_name.contains(text, autoescape=True),
                PlanLine.program_code == text)
        )  # fmt: skip
    if filters.city.strip():
        query = query.where(Institution.city.contains(filters.city.strip(), autoescape=True))
    if filters.min_seats is not None:
        query = query.where(PlanLine.seats >= filters.min_seats)
    query = query.order_by(Institution.code, PlanLine.group_code, PlanLine.program_code)
    lines = list(db.session.scalars(query.limit(limit + 1)))
    return lines[:limit], len(lines) > limit


def lines_by_id(candidate: Candidate, batch: Batch, ids: set[int]) -> dict[int, PlanLine]:
    """The batch's lines of the candidate's category among ``ids``."""
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


def rows_for(candidate: Candidate, lines: list[PlanLine], scores_visible: bool) -> list[LineRow]:
    """Lines with their last published cutoff, 冲/稳/保 advice and requirement warnings."""
    cutoffs = last_published(candidate.exam, [line.id for line in lines])
    computed = computed_values(candidate) if scores_visible else None
    labels = exam_labels(candidate)
    result = current_result(candidate) if scores_visible else None
    rank = result.rank if result else None
    rows = []
    for line in lines:
        cut = cutoffs.get(line.id)
        warnings = requirement_warnings(line.requirements, scores_visible, computed, labels)
        reserved = type_warning(candidate, line)
        rows.append(LineRow(
            line, cut, [reserved, *warnings] if reserved else warnings,
            advise(rank, cut.min_rank if cut else None, candidate.exam),
        ))  # fmt: skip
    return rows
