"""A candidate's results: what each published allocation run did with them, and the real reason.

Every published run of the exam gets one result, whose ``case`` says which of these holds:
``admitted`` / ``dispatched`` / ``rejected`` (a dispatch, with the institution's reason);
``admitted_earlier`` (an admission in an earlier batch or round ends the season);
``not_qualified``; ``below_line`` (the batch's control line, named, with the score);
``no_preferences``; ``requirements`` (no listed line's requirements met); ``below_cutoffs``
(each listed line with its cutoff and 位次 beside the candidate's). A next round is offered only
when the candidate may enter it.
"""

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
from admissions.services.students import preferences, standing
from admissions.services.students.catalog import plain
from admissions.services.students.explain import (
    computed_values,
    exam_labels,
    other_types,
    requirement_warnings,
)
from admissions.services.students.scores import current_result


@dataclass(frozen=True)
class ListedLine:
    """A line the candidate listed, with that run's cutoff compared to their total."""

    position: int
    line: PlanLine
    cutoff: Cutoff | None
    explanation: str
    requirements_met: bool = True


@dataclass
class RoundResult:
    """The outcome of one published run for the candidate."""

    run: AllocationRun
    batch: Batch
    dispatch: Dispatch | None
    line: PlanLine | None
    total: Decimal | None
    case: str = ""
    reason: str = ""
    listed: list[ListedLine] = field(default_factory=list)
    next_round: Round | None = None
    next_round_number: int | None = None


def _explain(cutoff: Cutoff | None, total: Decimal | None, rank: int | None) -> str:
    if cutoff is None:
        return "本轮未安排该专业"
    if cutoff.min_total is None:
        return f"本轮无人投档（计划{cutoff.seats}人）"
    line = f"投档线 {plain(cutoff.min_total)}（位次 {cutoff.min_rank or '—'}）"
    if total is None:
        return line
    mine = f"您的成绩 {plain(total)}" + (f"（位次 {rank}）" if rank else "")
    if total < cutoff.min_total:
        return f"{line}，{mine}，低于投档线"
    return f"{line}，{mine}，不低于投档线，但按位次排在您之前的考生已投满该专业"


def _listed_lines(
    candidate: Candidate, counted: PreferenceList, run: AllocationRun,
    total: Decimal | None, rank: int | None,
) -> list[ListedLine]:  # fmt: skip
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
    computed, labels = computed_values(candidate), exam_labels(candidate)
    listed = []
    for position, i in entries:
        if i not in lines:
            continue
        failed = [
            w for w in requirement_warnings(lines[i].requirements, True, computed, labels)
            if w.startswith("不满足")
        ]  # fmt: skip
        if types := other_types(candidate, lines[i]):
            failed.insert(0, f"不满足报考要求：该专业仅招收{'、'.join(types)}考生")
        text = "；".join(failed) if failed else _explain(cutoffs.get(i), total, rank)
        listed.append(ListedLine(position, lines[i], cutoffs.get(i), text, not failed))
    return listed


def _next_round(batch: Batch, number: int) -> tuple[Round | None, int | None]:
    if number >= batch.rounds:
        return None, None
    round_ = db.session.scalar(
        select(Round).where(Round.batch_id == batch.id, Round.number == number + 1)
    )
    return round_, number + 1


def _published_runs(candidate: Candidate) -> list[tuple[AllocationRun, Batch]]:
    rows = db.session.execute(
        select(AllocationRun, Batch)
        .join(Batch, AllocationRun.batch_id == Batch.id)
        .where(AllocationRun.exam_id == candidate.exam_id,
               AllocationRun.status == RunStatus.PUBLISHED, AllocationRun.dry_run.is_(False))
        .order_by(Batch.sequence, AllocationRun.round_number, AllocationRun.id)
    ).all()  # fmt: skip
    return [(run, batch) for run, batch in rows]


def results_of(candidate: Candidate) -> list[RoundResult]:
    """One result per published run of the candidate's exam, in batch and round order."""
    runs = _published_runs(candidate)
    if not runs:
        return []
    score = current_result(candidate)
    total, rank = (score.total, score.rank) if score else (None, None)
    found = standing.verdicts(candidate, score)
    results = []
    for run, batch in runs:
        dispatch = db.session.scalar(
            select(Dispatch).where(Dispatch.run_id == run.id, Dispatch.candidate_id == candidate.id)
        )
        line = None
        if dispatch is not None and dispatch.plan_line_id:
            line = db.session.get(PlanLine, dispatch.plan_line_id)
        result = RoundResult(run, batch, dispatch, line, total)
        earlier = standing.admission(candidate, before=batch, before_round=run.round_number)
        if dispatch is not None:
            result.case = str(dispatch.status)
        else:
            _why_not_dispatched(candidate, result, found, earlier, rank)
        if result.case in ("rejected", "no_preferences", "requirements", "below_cutoffs"):
            _invite(candidate, result, found)
        results.append(result)
    return results


def _why_not_dispatched(
    candidate: Candidate, result: RoundResult, found: standing.Verdicts | None,
    earlier: standing.Admission | None, rank: int | None,
) -> None:  # fmt: skip
    batch, run = result.batch, result.run
    refused = standing.may_enter(candidate, batch, found, earlier)
    if earlier is not None:
        result.case, result.reason = "admitted_earlier", refused or ""
    elif refused and found is not None and not found.qualified:
        result.case, result.reason = "not_qualified", refused
    elif refused:
        total = plain(result.total) if result.total is not None else "—"
        result.case, result.reason = "below_line", f"{refused}。您的总成绩 {total}"
    else:
        counted = preferences.counted_list(candidate, batch.id, run.round_number)
        if counted is None or not counted.items:
            result.case = "no_preferences"
            result.reason = "您没有在截止前提交本轮志愿，因此未参加本轮投档"
            return
        result.listed = _listed_lines(candidate, counted, run, result.total, rank)
        if result.listed and not any(item.requirements_met for item in result.listed):
            result.case = "requirements"
            result.reason = "您所填的志愿都不满足其报考要求，因此未被投档"
        else:
            result.case = "below_cutoffs"
            result.reason = "您的成绩未达到所填志愿的投档线，或该专业已按位次投满"


def _invite(candidate: Candidate, result: RoundResult, found: standing.Verdicts | None) -> None:
    """Offer the batch's next round, only to a candidate who may enter it."""
    admitted = standing.admission(candidate)
    if standing.may_enter(candidate, result.batch, found, admitted) is None:
        result.next_round, result.next_round_number = _next_round(
            result.batch, result.run.round_number
        )


def admitted_dispatch(candidate: Candidate, dispatch_id: int) -> Dispatch | None:
    """The candidate's own admitted dispatch of a published run, else None."""
    return db.session.scalar(
        select(Dispatch)
        .join(AllocationRun, Dispatch.run_id == AllocationRun.id)
        .where(Dispatch.id == dispatch_id, Dispatch.candidate_id == candidate.id,
               Dispatch.status == DispatchStatus.ADMITTED,
               AllocationRun.status == RunStatus.PUBLISHED, Dispatch.plan_line_id.is_not(None))
    )  # fmt: skip
