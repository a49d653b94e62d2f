"""What a mass action on a round will touch, counted for its confirmation page: how many
candidates a closed or reopened preference window affects, what a real run reads, and where a
round's dispatches stand before publication or closing. Reads only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from admissions.extensions import db
from admissions.models import (
    AllocationRun,
    Batch,
    Candidate,
    Dispatch,
    DispatchStatus,
    Exam,
    PlanLine,
    PreferenceList,
    PreferenceStatus,
    Round,
)
from admissions.services.rounds.windows import free_seats


@dataclass(frozen=True)
class WindowImpact:
    """The exam's candidates, and those with a submitted list or only a draft for the round."""

    candidates: int
    submitted: int
    drafts_only: int


@dataclass(frozen=True)
class RunImpact:
    """What a real run of a round reads: lists submitted, plan lines and the seats still free."""

    with_preferences: int
    lines: int
    free_seats: int


@dataclass(frozen=True)
class DecisionCounts:
    """A saved run's dispatches by status."""

    dispatched: int = 0
    admitted: int = 0
    rejected: int = 0

    @property
    def total(self) -> int:
        """Every dispatch of the run."""
        return self.dispatched + self.admitted + self.rejected


def _listed(round_: Round, status: PreferenceStatus) -> set[int]:
    return set(
        db.session.scalars(
            select(PreferenceList.candidate_id)
            .where(
                PreferenceList.batch_id == round_.batch_id,
                PreferenceList.round_number == round_.number,
                PreferenceList.status == status,
            )
            .distinct()
        )
    )


def window_impact(exam: Exam, round_: Round) -> WindowImpact:
    """Who a change of the round's preference window reaches."""
    candidates = db.session.scalar(
        select(func.count(Candidate.id)).where(Candidate.exam_id == exam.id)
    )
    submitted = _listed(round_, PreferenceStatus.SUBMITTED)
    drafts = _listed(round_, PreferenceStatus.DRAFT) - submitted
    return WindowImpact(int(candidates or 0), len(submitted), len(drafts))


def run_impact(batch: Batch, round_number: int) -> RunImpact:
    """The lists, lines and free seats a real run of the round would use."""
    round_ = db.session.scalar(
        select(Round).where(Round.batch_id == batch.id, Round.number == round_number)
    )
    submitted = _listed(round_, PreferenceStatus.SUBMITTED) if round_ is not None else set()
    lines = db.session.scalar(select(func.count(PlanLine.id)).where(PlanLine.batch_id == batch.id))
    return RunImpact(len(submitted), int(lines or 0), free_seats(batch, round_number))


def decision_counts(run: AllocationRun) -> DecisionCounts:
    """The run's dispatches by status (待审核, 录取, 退档)."""
    rows = db.session.execute(
        select(Dispatch.status, func.count(Dispatch.id))
        .where(Dispatch.run_id == run.id)
        .group_by(Dispatch.status)
    ).all()
    return DecisionCounts(**{str(status): int(count) for status, count in rows})


def unplaced_count(exam: Exam) -> int:
    """Candidates of the exam not admitted in any run: those a supplementary round is for."""
    candidates = db.session.scalar(
        select(func.count(Candidate.id)).where(Candidate.exam_id == exam.id)
    )
    admitted = db.session.scalar(
        select(func.count(func.distinct(Dispatch.candidate_id)))
        .join(AllocationRun, AllocationRun.id == Dispatch.run_id)
        .where(AllocationRun.exam_id == exam.id, Dispatch.status == DispatchStatus.ADMITTED)
    )
    return int(candidates or 0) - int(admitted or 0)
