"""Preference windows and deadlines of rounds, and opening a supplementary round (征集志愿).

Times are aware UTC; the board types and reads them in Beijing time (``local_time``). The number
of rounds of a batch comes from the rules file (``rounds``); a supplementary round is round N+1
of that count, opened once round N is closed, over the seats still free. Flushes, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from admissions.extensions import db
from admissions.models import (
    Account,
    AllocationRun,
    Batch,
    Dispatch,
    DispatchStatus,
    Exam,
    PlanLine,
    Round,
    RoundStatus,
)
from admissions.models.base import utcnow
from admissions.services import audit
from admissions.services.exam.locks import lock_round
from admissions.services.exam.state import scores_published, window_open
from admissions.services.local_time import show_local

STARTED = {RoundStatus.ALLOCATED, RoundStatus.CLOSED, RoundStatus.FINISHED}


class WindowRefused(ValueError):
    """A window change the rules of the house refuse (message in Chinese)."""


class TimeOrderError(WindowRefused):
    """Times in the wrong order (bad input rather than a refusal)."""


@dataclass(frozen=True)
class RoundView:
    """One round as the rounds page shows it."""

    round: Round
    state: str
    free_seats: int


def window_state(round_: Round, now: datetime | None = None) -> str:
    """未设置 / 未开始 / 填报中 / 已截止 / 已投档 / 已结束, by the server's clock."""
    now = now or utcnow()
    if round_.status == RoundStatus.CLOSED or round_.status == RoundStatus.FINISHED:
        return "已结束"
    if round_.status == RoundStatus.ALLOCATED:
        return "已投档"
    if round_.prefs_open_at is None:
        return "未设置"
    if window_open(round_, now):
        return "填报中"
    return "未开始" if now < round_.prefs_open_at else "已截止"


def batch_rounds(batch: Batch, now: datetime | None = None) -> list[RoundView]:
    """The batch's rounds with their state and the seats free for each."""
    return [
        RoundView(r, window_state(r, now), free_seats(batch, r.number))
        for r in sorted(batch.round_rows, key=lambda r: r.number)
    ]


def free_seats(batch: Batch, round_number: int) -> int:
    """Σ max(0, seats − admitted in earlier rounds of the batch): what a round can still fill."""
    admitted = dict(
        db.session.execute(
            select(Dispatch.plan_line_id, func.count(Dispatch.id))
            .join(AllocationRun, AllocationRun.id == Dispatch.run_id)
            .where(
                AllocationRun.batch_id == batch.id,
                AllocationRun.round_number < round_number,
                AllocationRun.dry_run.is_(False),
                Dispatch.status == DispatchStatus.ADMITTED,
            )
            .group_by(Dispatch.plan_line_id)
        ).all()
    )
    lines = db.session.execute(
        select(PlanLine.id, PlanLine.seats).where(PlanLine.batch_id == batch.id)
    ).all()
    return sum(max(0, seats - admitted.get(line_id, 0)) for line_id, seats in lines)


def get_round(exam: Exam, batch_code: str, number: int) -> Round | None:
    """The round of the exam's batch, or None."""
    return db.session.scalar(
        select(Round)
        .join(Batch, Batch.id == Round.batch_id)
        .where(Batch.exam_id == exam.id, Batch.code == batch_code, Round.number == number)
    )


def set_times(
    exam: Exam, round_: Round, opens: datetime | None, closes: datetime | None,
    deadline: datetime | None, *, actor: Account | None = None, now: datetime | None = None,
) -> None:  # fmt: skip
    """Store the round's window and decisions deadline after checking them; audited."""
    lock_round(round_.id)  # waits for the saves in flight; those after it see the change
    now = now or utcnow()
    _check_times(exam, round_, opens, closes, deadline, now)
    before = _times(round_)
    round_.prefs_open_at, round_.prefs_close_at = opens, closes
    round_.decisions_deadline = deadline
    if opens is not None and opens <= now and round_.status == RoundStatus.PLANNED:
        round_.status = RoundStatus.OPEN
    _record(actor, "round.times", exam, round_, before)


def _check_times(
    exam: Exam, round_: Round, opens: datetime | None, closes: datetime | None,
    deadline: datetime | None, now: datetime,
) -> None:  # fmt: skip
    window_changed = (opens, closes) != (round_.prefs_open_at, round_.prefs_close_at)
    if round_.status in STARTED and window_changed:
        raise WindowRefused("本轮已投档，不能再修改志愿填报时间")
    ended = round_.status in (RoundStatus.CLOSED, RoundStatus.FINISHED)
    if ended and deadline != round_.decisions_deadline:
        raise WindowRefused("本轮已结束，不能再修改院校审核截止时间")
    if closes is not None and opens is None:
        raise TimeOrderError("请先填写志愿填报开始时间")
    if opens is not None and closes is not None and closes <= opens:
        raise TimeOrderError("志愿填报截止时间必须晚于开始时间")
    if deadline is not None and closes is not None and deadline <= closes:
        raise TimeOrderError("院校审核截止时间必须晚于志愿填报截止时间")
    opening_now = opens is not None and opens <= now and round_.status not in STARTED
    if opening_now and (closes is None or now < closes):
        _check_may_open(exam, round_)


def _check_may_open(exam: Exam, round_: Round) -> None:
    if not scores_published(exam):
        raise WindowRefused("成绩尚未发布，不能开放志愿填报")
    if round_.number > 1:
        previous = get_round(exam, round_.batch.code, round_.number - 1)
        if previous is None or previous.status != RoundStatus.CLOSED:
            raise WindowRefused(
                f"第 {round_.number - 1} 轮尚未结束，不能开放第 {round_.number} 轮志愿填报"
            )


def check_open_now(exam: Exam, round_: Round, now: datetime | None = None) -> None:
    """``WindowRefused`` when the window cannot be opened now (asked before a confirmation)."""
    now = now or utcnow()
    if round_.status in STARTED:
        raise WindowRefused("本轮已投档，不能再开放志愿填报")
    if window_open(round_, now):
        raise WindowRefused("本轮志愿填报已在进行中")
    _check_may_open(exam, round_)
    if round_.decisions_deadline is not None and round_.decisions_deadline <= now:
        raise WindowRefused(
            f"本轮院校审核截止时间 {show_local(round_.decisions_deadline)} 已过，请先修改时间再开放"
        )


def check_close_now(round_: Round, now: datetime | None = None) -> None:
    """``WindowRefused`` when there is no open window to close."""
    if not window_open(round_, now or utcnow()):
        raise WindowRefused("本轮志愿填报没有在进行，无需关闭")


def open_now(
    exam: Exam, round_: Round, *, actor: Account | None = None, now: datetime | None = None
) -> None:
    """Open the window at once (a close time already past is cleared); audited."""
    lock_round(round_.id)  # waits for the saves in flight; those after it see the change
    now = now or utcnow()
    check_open_now(exam, round_, now)
    before = _times(round_)
    round_.prefs_open_at = now
    if round_.prefs_close_at is not None and round_.prefs_close_at <= now:
        round_.prefs_close_at = None
    round_.status = RoundStatus.OPEN
    _record(actor, "round.window_open", exam, round_, before)


def close_now(
    exam: Exam, round_: Round, *, actor: Account | None = None, now: datetime | None = None
) -> None:
    """End the window at once (the round itself stays, to be run and closed); audited."""
    lock_round(round_.id)  # waits for the saves in flight; those after it see the change
    now = now or utcnow()
    check_close_now(round_, now)
    before = _times(round_)
    round_.prefs_close_at = now
    _record(actor, "round.window_close", exam, round_, before)


def check_supplementary(exam: Exam, batch: Batch, after: int, now: datetime | None = None) -> Round:
    """Round ``after + 1``, or :class:`WindowRefused` saying why it cannot be opened as a
    supplementary round now (round ``after`` not closed, no such round, already open, no seat)."""
    now = now or utcnow()
    previous = get_round(exam, batch.code, after)
    if previous is None or previous.status != RoundStatus.CLOSED:
        raise WindowRefused(f"第 {after} 轮尚未结束（请先投档并结束本轮），不能开放征集志愿")
    round_ = get_round(exam, batch.code, after + 1)
    if round_ is None:
        raise WindowRefused(
            f"规则文件规定{batch.name}共 {batch.rounds} 轮，没有第 {after + 1} 轮；"
            "如需增加征集志愿轮次，请在“规则文件”页把该批次的 rounds 加 1（保存为新版本）"
        )
    if round_.status in STARTED or window_open(round_, now):
        raise WindowRefused(f"第 {after + 1} 轮已经开放或已投档，请在轮次列表中修改它的时间")
    if free_seats(batch, round_.number) == 0:
        raise WindowRefused(f"{batch.name}已没有空余计划，无需征集志愿")
    return round_


def open_supplementary(
    exam: Exam, batch: Batch, after: int, opens: datetime | None, closes: datetime | None,
    deadline: datetime | None, *, actor: Account | None = None, now: datetime | None = None,
) -> Round:  # fmt: skip
    """Open round ``after + 1`` of the batch over the seats still free, with its own window
    (which replaces any window planned for it earlier)."""
    now = now or utcnow()
    round_ = check_supplementary(exam, batch, after, now)
    seats = free_seats(batch, round_.number)
    set_times(exam, round_, opens or now, closes, deadline, actor=actor, now=now)
    audit.record(actor, "round.supplementary_open", round_, exam_id=exam.id, after={
        "batch": batch.code, "round": round_.number, "free_seats": seats,
        "opens": show_local(round_.prefs_open_at), "closes": show_local(round_.prefs_close_at),
    })  # fmt: skip
    return round_


def _times(round_: Round) -> dict[str, str | None]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "status": round_.status.value,
        "prefs_open_at": iso(round_.prefs_open_at),
        "prefs_close_at": iso(round_.prefs_close_at),
        "decisions_deadline": iso(round_.decisions_deadline),
    }


def _record(
    actor: Account | None, action: str, exam: Exam, round_: Round, before: dict[str, str | None]
) -> None:
    db.session.flush()
    after = _times(round_) | {"batch": round_.batch.code, "round": round_.number}
    audit.record(actor, action, round_, before=before, after=after, exam_id=exam.id)
