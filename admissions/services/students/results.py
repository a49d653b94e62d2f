"""A candidate's results: what each published allocation run did with them, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import (
    AllocationRun,
    Batch,
    Candidate,
    Cutoff,
    Dispatch,
    DispatchStatus,
    PlanLine,
    PreferenceList,
    Round,
    RunStatus,
)
from admissions.services.students import preferences
from admissions.services.students.catalog import plain
from admissions.services.students.scores import current_result


@dataclass(frozen=True)
class ListedLine:
    """A line the candidate listed, with that run's cutoff compared to their total."""

    position: int
    line: PlanLine
    cutoff: Cutoff | None
    explanation: str


@dataclass
class RoundResult:
    """The outcome of one published run for the candidate."""

    run: AllocationRun
    batch: Batch
    dispatch: Dispatch | None
    line: PlanLine | None
    total: Decimal | None
    listed: list[ListedLine] = field(default_factory=list)
    next_round: Round | None = None
    next_round_number: int | None = None


def _explain(cutoff: Cutoff | None, total: Decimal | None) -> str:
    if cutoff is None:
        return "本轮未安排该专业"
    if cutoff.min_total is None:
        return f"本轮无人投档（计划{cutoff.seats}人），可能因您未达到资格线、控制线或报考要求"
    line = f"投档线 {plain(cutoff.min_total)}（位次 {cutoff.min_rank or '—'}）"
    if total is None:
        return line
    verdict = "低于投档线" if total < cutoff.min_total else "不低于投档线，但该专业按位次已投满"
    return f"{line}，您的成绩 {plain(total)}，{verdict}"


def _listed_lines(
    counted: PreferenceList | None, run: AllocationRun, total: Decimal | None
) -> list[ListedLine]:
    if counted is None:
        return []
    entries = []
    for item in counted.items:
        ids = [item.plan_line_id] if item.plan_line_id else [m.plan_line_id for m in item.majors]
        entries.extend((item.position, line_id) for line_id in ids)
    ids = {line_id for _, line_id in entries}
    lines = {pl.id: pl for pl in db.session.scalars(select(PlanLine).where(PlanLine.id.in_(ids)))}
    cutoffs = {
        c.plan_line_id: c
        for c in db.session.scalars(
            select(Cutoff).where(Cutoff.run_id == run.id, Cutoff.plan_line_id.in_(ids))
        )
    }
    return [
        ListedLine(position, lines[i], cutoffs.get(i), _explain(cutoffs.get(i), total))
        for position, i in entries
        if i in lines
    ]


def _next_round(batch: Batch, number: int) -> tuple[Round | None, int | None]:
    if number >= batch.rounds:
        return None, None
    round_ = db.session.scalar(
        select(Round).where(Round.batch_id == batch.id, Round.number == number + 1)
    )
    return round_, number + 1


def results_of(candidate: Candidate) -> list[RoundResult]:
    """Every published run of the candidate's exam that concerned them, in batch and round order."""
    runs = db.session.execute(
        select(AllocationRun, Batch)
        .join(Batch, AllocationRun.batch_id == Batch.id)
        .where(AllocationRun.exam_id == candidate.exam_id,
               AllocationRun.status == RunStatus.PUBLISHED, AllocationRun.dry_run.is_(False))
        .order_by(Batch.sequence, AllocationRun.round_number, AllocationRun.id)
    ).all()  # fmt: skip
    score = current_result(candidate)
    total = score.total if score else None
    results = []
    for run, batch in runs:
        dispatch = db.session.scalar(
            select(Dispatch).where(Dispatch.run_id == run.id, Dispatch.candidate_id == candidate.id)
        )
        counted = preferences.counted_list(candidate, batch.id, run.round_number)
        if dispatch is None and counted is None:
            continue
        line = (
            db.session.get(PlanLine, dispatch.plan_line_id)
            if dispatch and dispatch.plan_line_id
            else None
        )
        result = RoundResult(run, batch, dispatch, line, total)
        if dispatch is None:
            result.listed = _listed_lines(counted, run, total)
            result.next_round, result.next_round_number = _next_round(batch, run.round_number)
        results.append(result)
    return results


def admitted_dispatch(candidate: Candidate, dispatch_id: int) -> Dispatch | None:
    """The candidate's own admitted dispatch of a published run, else None."""
    return db.session.scalar(
        select(Dispatch)
        .join(AllocationRun, Dispatch.run_id == AllocationRun.id)
        .where(Dispatch.id == dispatch_id, Dispatch.candidate_id == candidate.id,
               Dispatch.status == DispatchStatus.ADMITTED,
               AllocationRun.status == RunStatus.PUBLISHED, Dispatch.plan_line_id.is_not(None))
    )  # fmt: skip
