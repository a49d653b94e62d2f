"""Decisions of an institution on its dispatched candidates (录取/退档).

Plain arguments in, plain values out; every change is flushed and audited, never committed.
Every path — the review page, a decisions file (university or board), the API — goes through
`decide`, which refuses a run that no longer counts, a round already ended and a late decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select

from admissions.extensions import db
from admissions.models import (
    Account,
    AllocationRun,
    ApiToken,
    Dispatch,
    DispatchStatus,
    PlanLine,
    Round,
    RoundStatus,
    RunStatus,
    utcnow,
)
from admissions.services import audit, letter_codes

ADMIT, REJECT = "admit", "reject"
# Reasons offered to reviewers; the free text that follows says what exactly.
REJECT_REASONS = (
    "不符合专业报考要求",
    "体检不符合要求",
    "考生信息不实",
    "考生放弃录取",
    "专业已满且不服从调剂",
    "其他",
)
LIVE_RUN_STATUSES = (RunStatus.SUCCEEDED, RunStatus.PUBLISHED)
ROUND_ENDED = (RoundStatus.CLOSED, RoundStatus.FINISHED)  # 结束本轮 sets CLOSED
REASON_LIMIT = 500  # characters of a rejection reason


class DecisionError(ValueError):
    """A decision the rules refuse; the message is for the user (Chinese). ``column`` is the
    decisions-file column (docs/formats.md key) the refusal is about, for upload error lists."""

    def __init__(self, message: str, column: str = "decision") -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Decision:
    """One decision to take: which dispatch, admit or reject, why, and (grouped) the major."""

    dispatch_id: int
    decision: str
    reason: str = ""
    program_code: str | None = None


def round_of(run: AllocationRun) -> Round | None:
    """The round row a run belongs to."""
    return db.session.scalar(
        select(Round).where(Round.batch_id == run.batch_id, Round.number == run.round_number)
    )


def review_problem(
    run: AllocationRun, now: datetime | None = None, check_deadline: bool = True
) -> str | None:
    """Why decisions on this run's dispatches are not accepted now, or None when they are."""
    if not is_live(run):
        return NOT_LIVE
    if _superseded(run):
        return SUPERSEDED
    round_row = round_of(run)
    return round_problem(
        round_row.status if round_row is not None else None,
        round_row.decisions_deadline if round_row is not None else None,
        now, check_deadline,
    )  # fmt: skip


NOT_LIVE = "该投档结果不是有效的正式投档，不能审核"
SUPERSEDED = "该投档结果已被本轮更新的投档结果取代，不能审核"


def is_live(run: AllocationRun) -> bool:
    """A saved (not dry) run that succeeded or was published."""
    return not run.dry_run and run.status in LIVE_RUN_STATUSES


def round_problem(
    status: RoundStatus | None,
    deadline: datetime | None,
    now: datetime | None = None,
    check_deadline: bool = True,
) -> str | None:
    """Why the round (its status and decision deadline) refuses decisions now, or None."""
    if status in ROUND_ENDED:
        return "本轮已结束，录取结论已锁定"
    if check_deadline and deadline is not None and (now or utcnow()) > deadline:
        return f"已超过本轮审核截止时间（{deadline:%Y-%m-%d %H:%M} UTC），录取结论已锁定"
    return None


def newer_live_runs(run: AllocationRun) -> Select[int]:
    """A query counting the live runs of the same round saved after ``run``."""
    return select(func.count(AllocationRun.id)).where(
        AllocationRun.batch_id == run.batch_id,
        AllocationRun.round_number == run.round_number,
        AllocationRun.id > run.id,
        AllocationRun.dry_run.is_(False),
        AllocationRun.status.in_(LIVE_RUN_STATUSES),
    )


def _superseded(run: AllocationRun) -> bool:
    return bool(db.session.scalar(newer_live_runs(run)))


def load_dispatch(dispatch_id: int, institution_id: int | None) -> Dispatch:
    """The dispatch, if it was sent to ``institution_id`` (None: any, for the board)."""
    dispatch = db.session.get(Dispatch, dispatch_id)
    if dispatch is None or (
        institution_id is not None and dispatch.institution_id != institution_id
    ):
        # One message for "absent" and "another's": ids of other institutions cannot be probed.
        raise DecisionError(f"投档记录 {dispatch_id} 不存在或不属于本校")
    return dispatch


def decide(
    actor: Account | None,
    institution_id: int | None,
    decision: Decision,
    *,
    now: datetime | None = None,
    check_deadline: bool = True,
    token: ApiToken | None = None,
) -> Dispatch:
    """Admit or reject one dispatched candidate; raises DecisionError with the reason if refused.
    ``token``: the API token the decision came through (recorded in the audit event)."""
    dispatch = load_dispatch(decision.dispatch_id, institution_id)
    problem = review_problem(dispatch.run, now, check_deadline)
    if problem:
        raise DecisionError(problem, "round")
    before = _snapshot(dispatch)
    if decision.decision == ADMIT:
        _admit(dispatch, decision.program_code)
    elif decision.decision == REJECT:
        _reject(dispatch, decision.reason)
    else:
        raise DecisionError(f"结论应为录取或退档，而不是「{decision.decision}」")
    dispatch.decided_by_id = actor.id if actor is not None else None
    dispatch.decided_at = now or utcnow()
    letter_codes.sync_code(dispatch)
    audit.record(
        actor, f"dispatch.{decision.decision}", dispatch, before=before,
        after=_snapshot(dispatch), reason=dispatch.reason, exam_id=dispatch.run.exam_id,
        token=token,
    )  # fmt: skip
    return dispatch


def decide_many(
    actor: Account | None,
    institution_id: int | None,
    decisions: Iterable[Decision],
    *,
    now: datetime | None = None,
    check_deadline: bool = True,
    token: ApiToken | None = None,
) -> list[Dispatch]:
    """Several decisions, all or nothing: the first refusal raises and the caller rolls back.

    A dispatch named twice is refused before anything is written (one decision each)."""
    items = list(decisions)
    seen: set[int] = set()
    for item in items:
        if item.dispatch_id in seen:
            raise DecisionError(f"投档记录 {item.dispatch_id} 出现了不止一次，每条只能有一个结论")
        seen.add(item.dispatch_id)
    return [
        decide(actor, institution_id, item, now=now, check_deadline=check_deadline, token=token)
        for item in items
    ]


def _admit(dispatch: Dispatch, program_code: str | None) -> None:
    current = db.session.get(PlanLine, dispatch.plan_line_id) if dispatch.plan_line_id else None
    if program_code and (current is None or program_code != current.program_code):
        dispatch.plan_line_id = _regroup_line(dispatch, program_code).id
    if dispatch.plan_line_id is None:
        raise DecisionError("该考生尚未安排专业，录取时必须选择专业组内的专业", "program_code")
    dispatch.status = DispatchStatus.ADMITTED
    dispatch.reason = ""


def _reject(dispatch: Dispatch, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise DecisionError("退档必须填写原因", "reason")
    if len(reason) > REASON_LIMIT:
        raise DecisionError(f"退档原因过长：{len(reason)} 个字，最多 {REASON_LIMIT} 个", "reason")
    dispatch.status = DispatchStatus.REJECTED
    dispatch.reason = reason


def _regroup_line(dispatch: Dispatch, program_code: str) -> PlanLine:
    """Another major of the same group (grouped batches only), with a seat left."""
    if not dispatch.group_code:
        raise DecisionError("只有专业组投档的考生可以调整专业", "program_code")
    line = db.session.scalar(
        select(PlanLine).where(
            PlanLine.batch_id == dispatch.run.batch_id,
            PlanLine.institution_id == dispatch.institution_id,
            PlanLine.group_code == dispatch.group_code,
            PlanLine.program_code == program_code,
        )
    )
    if line is None:
        raise DecisionError(
            f"专业 {program_code} 不在本专业组 {dispatch.group_code} 内", "program_code"
        )
    if admitted_on(line, dispatch.run_id) >= line.seats:
        raise DecisionError(f"专业 {program_code} 已无剩余名额", "program_code")
    return line


def admitted_on(line: PlanLine, run_id: int) -> int:
    """How many of a run's dispatches are admitted on a plan line."""
    return (
        db.session.scalar(
            select(func.count(Dispatch.id)).where(
                Dispatch.run_id == run_id,
                Dispatch.plan_line_id == line.id,
                Dispatch.status == DispatchStatus.ADMITTED,
            )
        )
        or 0
    )


def _snapshot(dispatch: Dispatch) -> dict[str, object]:
    return {
        "status": str(dispatch.status),
        "reason": dispatch.reason,
        "plan_line_id": dispatch.plan_line_id,
    }
