"""What a university sees: its plan lines with counts, its rounds, cutoffs and dispatched candidates.

Read-only queries; "live" runs are the real (not dry, succeeded or published) runs, the latest
one per batch and round.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from admissions.extensions import db
from admissions.models import (
    AllocationRun,
    Batch,
    Candidate,
    Cutoff,
    Dispatch,
    Exam,
    PlanLine,
)
from admissions.services.rounds.runs import LIVE, live_run_ids


@dataclass
class LineOverview:
    """One plan line of the institution with its counts across live runs."""

    line: PlanLine
    dispatched: int = 0
    admitted: int = 0
    rejected: int = 0

    @property
    def remaining(self) -> int:
        """Seats not yet filled by an admission."""
        return max(0, self.line.seats - self.admitted)


def plan_overview(institution_id: int) -> list[LineOverview]:
    """The institution's plan lines, across exams and batches, with pending/admitted/rejected."""
    lines = db.session.scalars(
        select(PlanLine)
        .where(PlanLine.institution_id == institution_id)
        .order_by(PlanLine.exam_id, PlanLine.batch_id, PlanLine.program_code)
    ).all()
    rows = {line.id: LineOverview(line) for line in lines}
    counts = db.session.execute(
        select(Dispatch.plan_line_id, Dispatch.status, func.count(Dispatch.id))
        .where(Dispatch.institution_id == institution_id, Dispatch.run_id.in_(live_run_ids()))
        .group_by(Dispatch.plan_line_id, Dispatch.status)
    ).all()
    for line_id, status, count in counts:
        if line_id in rows:
            name = {"dispatched": "dispatched", "admitted": "admitted", "rejected": "rejected"}
            setattr(rows[line_id], name[str(status)], count)
    return list(rows.values())


@dataclass
class RoundSummary:
    """A live run in which the institution received candidates."""

    run: AllocationRun
    exam: Exam
    batch: Batch
    counts: dict[str, int] = field(default_factory=dict)


def rounds_for(institution_id: int) -> list[RoundSummary]:
    """The live runs that dispatched candidates to the institution, newest first."""
    result = db.session.execute(
        select(AllocationRun, Exam, Batch, Dispatch.status, func.count(Dispatch.id))
        .join(Dispatch, Dispatch.run_id == AllocationRun.id)
        .join(Exam, Exam.id == AllocationRun.exam_id)
        .join(Batch, Batch.id == AllocationRun.batch_id)
        .where(Dispatch.institution_id == institution_id, AllocationRun.id.in_(live_run_ids()))
        .group_by(AllocationRun.id, Exam.id, Batch.id, Dispatch.status)
        .order_by(AllocationRun.id.desc())
    ).all()
    summaries: dict[int, RoundSummary] = {}
    for run, exam, batch, status, count in result:
        summary = summaries.setdefault(run.id, RoundSummary(run, exam, batch))
        summary.counts[str(status)] = count
    return list(summaries.values())


def cutoffs_for(institution_id: int) -> list[tuple[Cutoff, PlanLine, AllocationRun]]:
    """Cutoffs (投档线) of the institution's plan lines in every live run."""
    return [
        tuple(row)  # type: ignore[misc]
        for row in db.session.execute(
            select(Cutoff, PlanLine, AllocationRun)
            .join(PlanLine, PlanLine.id == Cutoff.plan_line_id)
            .join(AllocationRun, AllocationRun.id == Cutoff.run_id)
            .where(PlanLine.institution_id == institution_id, Cutoff.run_id.in_(live_run_ids()))
            .order_by(AllocationRun.batch_id, AllocationRun.round_number, PlanLine.program_code)
        ).all()
    ]


def run_for_institution(run_id: int, institution_id: int) -> AllocationRun | None:
    """The run, if it is live and dispatched to (or could dispatch to) the institution."""
    holds_line = (
        select(PlanLine.id)
        .where(PlanLine.batch_id == AllocationRun.batch_id, PlanLine.institution_id == institution_id)
        .exists()
    )  # fmt: skip
    found = db.session.execute(
        select(AllocationRun, holds_line).where(AllocationRun.id == run_id)
    ).first()  # one query: the run, and whether the institution holds a line in its batch
    if found is None:
        return None
    run, holds = found
    if run.dry_run or run.status not in LIVE:
        return None
    return run if holds else None


def group_majors(dispatch: Dispatch) -> list[tuple[str, str]]:
    """The majors a grouped dispatch may be placed in (its group's lines); empty when flat."""
    if not dispatch.group_code:
        return []
    return [
        (line.program_code, f"{line.program_code} {line.program_name}")
        for line in db.session.scalars(
            select(PlanLine)
            .where(
                PlanLine.batch_id == dispatch.run.batch_id,
                PlanLine.institution_id == dispatch.institution_id,
                PlanLine.group_code == dispatch.group_code,
            )
            .order_by(PlanLine.program_code)
        )
    ]


@dataclass
class DispatchView:
    """What the detail page shows next to a dispatch."""

    candidate: Candidate
    line: PlanLine | None
    exam: Exam
    batch: Batch


def dispatch_view(dispatch: Dispatch) -> DispatchView:
    """The candidate, plan line, exam and batch of a dispatch."""
    candidate = db.session.get(Candidate, dispatch.candidate_id)
    line = db.session.get(PlanLine, dispatch.plan_line_id) if dispatch.plan_line_id else None
    exam = db.session.get(Exam, dispatch.run.exam_id)
    batch = db.session.get(Batch, dispatch.run.batch_id)
    assert candidate is not None and exam is not None and batch is not None
    return DispatchView(candidate, line, exam, batch)
