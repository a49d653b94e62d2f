"""Which allocation runs count: the saved (not dry, succeeded or published) runs of a round."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from admissions.extensions import db
from admissions.models import Account, AllocationRun, Batch, RunStatus
from admissions.services.local_time import show_local

LIVE = (RunStatus.SUCCEEDED, RunStatus.PUBLISHED)


def live_run_ids() -> Select[tuple[int]]:
    """Ids of the live runs: not dry, succeeded or published, the latest per batch and round."""
    return (
        select(func.max(AllocationRun.id))
        .where(AllocationRun.dry_run.is_(False), AllocationRun.status.in_(LIVE))
        .group_by(AllocationRun.batch_id, AllocationRun.round_number)
    )


def saved_runs(batch: Batch, round_number: int | None = None) -> list[AllocationRun]:
    """Saved (not dry) successful runs of a batch, published or not, optionally of one round."""
    query = select(AllocationRun).where(
        AllocationRun.batch_id == batch.id,
        AllocationRun.dry_run.is_(False),
        AllocationRun.status.in_(LIVE),
    )
    if round_number is not None:
        query = query.where(AllocationRun.round_number == round_number)
    return list(db.session.scalars(query.order_by(AllocationRun.round_number)))


def run_named(run: AllocationRun) -> str:
    """The run as a refusal names it: its number, who saved it and when (Beijing time)."""
    account = db.session.get(Account, run.created_by_id) if run.created_by_id else None
    who = (account.display_name or account.username) if account else "命令行"
    when = show_local(run.finished_at or run.created_at)
    return f"投档记录 #{run.id}，由 {who} 于 {when} 保存"
