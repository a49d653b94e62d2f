"""Closing a round (结束本轮) and publishing its results (公布投档结果): audited, flush only.

Students and the public see a run's dispatches, cutoffs and letters only once it is published
(``RunStatus.PUBLISHED``): the board may publish as soon as the run is saved (students then see
"已投档，待院校审核"), and closing a round publishes its run if the board had not done so.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from admissions.extensions import db
from admissions.labels import named
from admissions.models import (
    Account,
    AllocationRun,
    Batch,
    Dispatch,
    DispatchStatus,
    Exam,
    Round,
    RoundStatus,
    RunStatus,
)
from admissions.models.base import utcnow
from admissions.services import audit, letter_codes
from admissions.services.exam.locks import lock_batch
from admissions.services.rounds.guards import RoundError
from admissions.services.rounds.runs import run_named, saved_runs
from admissions.services.wording import command_hint


@dataclass(frozen=True)
class CloseOutcome:
    """The round closed and its final counts."""

    batch: str
    round_number: int
    admitted: int
    rejected: int
    admitted_pending: int


def open_round_run(batch: Batch) -> AllocationRun:
    """The latest saved run of the batch whose round is not closed yet; RoundError if none."""
    runs = db.session.scalars(
        select(AllocationRun)
        .where(AllocationRun.batch_id == batch.id, AllocationRun.dry_run.is_(False))
        .order_by(AllocationRun.round_number.desc())
    ).all()
    for run in runs:
        round_row = _round(batch, run.round_number)
        if round_row is None or round_row.status != RoundStatus.CLOSED:
            return run
    if runs:
        raise RoundError(
            f"{named(batch.name, batch.code)}第 {runs[0].round_number} 轮已经结束"
            f"（{run_named(runs[0])}），没有待结束的轮次"
        )
    raise RoundError(f"{named(batch.name, batch.code)}没有待结束的轮次（请先投档）")


def close_round(
    exam: Exam, batch: Batch, *, admit_pending: bool = False, actor: Account | None = None
) -> CloseOutcome:
    """Admit pending dispatches if asked (else refuse), mark the round closed; flush only.
    Under the batch's lock: of two closes, the second finds the round closed and is refused."""
    lock_batch(batch.id)
    run = open_round_run(batch)
    pending = db.session.scalars(
        select(Dispatch).where(
            Dispatch.run_id == run.id, Dispatch.status == DispatchStatus.DISPATCHED
        )
    ).all()
    if pending and not admit_pending:
        raise RoundError(
            f"第 {run.round_number} 轮还有 {len(pending)} 名考生待审核；"
            "请院校先录取或退档，或在结束本轮时选择全部录取待审核考生"
            + command_hint(f"round close {exam.code} {batch.code} --admit-pending")
        )
    if pending:
        db.session.execute(
            update(Dispatch)
            .where(Dispatch.run_id == run.id, Dispatch.status == DispatchStatus.DISPATCHED)
            .values(status=DispatchStatus.ADMITTED, decided_by_id=actor.id if actor else None,
                    decided_at=utcnow())
        )  # fmt: skip
        letter_codes.sync_run_codes(run.id)
    round_row = _round(batch, run.round_number)
    if round_row is None:
        round_row = Round(batch_id=batch.id, number=run.round_number)
        db.session.add(round_row)
    round_row.status = RoundStatus.CLOSED
    newly_published = run.status != RunStatus.PUBLISHED
    run.status = RunStatus.PUBLISHED
    db.session.flush()
    outcome = CloseOutcome(batch.code, run.round_number, *_decided(run), len(pending))
    audit.record(actor, "round.close", round_row, exam_id=exam.id, after={
        "batch": batch.code, "round": run.round_number, "admitted": outcome.admitted,
        "rejected": outcome.rejected, "admitted_pending": len(pending),
        "published": newly_published,
    })  # fmt: skip
    return outcome


def publish_run(exam: Exam, batch: Batch, number: int, *, actor: Account | None = None) -> int:
    """Publish the saved run of round ``number``: students see where they were dispatched and
    everyone the cutoffs. Returns how many were dispatched; RoundError when there is nothing
    to publish (or it is published already: under the batch's lock, one of two publishes)."""
    lock_batch(batch.id)
    run = next(iter(saved_runs(batch, number)), None)
    if run is None:
        raise RoundError(f"{batch.name}第 {number} 轮尚未正式投档，没有可公布的结果")
    if run.status == RunStatus.PUBLISHED:
        raise RoundError(f"{batch.name}第 {number} 轮的投档结果已经公布（{run_named(run)}）")
    run.status = RunStatus.PUBLISHED
    db.session.flush()
    dispatched = db.session.scalar(select(func.count(Dispatch.id)).where(Dispatch.run_id == run.id))
    audit.record(actor, "round.publish", run, exam_id=exam.id, before={"status": "succeeded"},
                 after={"status": "published", "batch": batch.code, "round": number,
                        "dispatched": dispatched})  # fmt: skip
    return dispatched or 0


def _round(batch: Batch, number: int) -> Round | None:
    return db.session.scalar(
        select(Round).where(Round.batch_id == batch.id, Round.number == number)
    )


def _decided(run: AllocationRun) -> tuple[int, int]:
    statuses = db.session.scalars(select(Dispatch.status).where(Dispatch.run_id == run.id)).all()
    return (
        sum(s == DispatchStatus.ADMITTED for s in statuses),
        sum(s == DispatchStatus.REJECTED for s in statuses),
    )
