"""The exam's lifecycle (考试状态): the one table of allowed transitions and their guards.

The board's settings page offers ``next_steps``; ``transition`` checks the guard, changes the status
and audits it. ``scores publish`` (CLI and page) and ``scores compute`` go through here too, so a
guard added here holds everywhere. Flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from admissions.extensions import db
from admissions.labels import STATUS_NAMES, named
from admissions.models import (
    Account,
    Batch,
    Candidate,
    ComponentScore,
    Exam,
    ExamStatus,
    Round,
    RoundStatus,
)
from admissions.models.base import utcnow
from admissions.services import audit
from admissions.services.exam.rules import current_version
from admissions.services.exam.state import at_least, publication_block, result_count, window_open
from admissions.services.local_time import show_local
from admissions.services.wording import command_hint

S = ExamStatus


class TransitionRefused(ValueError):
    """A status change the guards refuse (message in Chinese, shown as is)."""


@dataclass(frozen=True)
class Step:
    """An allowed next status and the label of its button."""

    target: ExamStatus
    label: str


TRANSITIONS: dict[ExamStatus, tuple[Step, ...]] = {
    S.REGISTRATION_OPEN: (Step(S.REGISTRATION_CLOSED, "截止报名"),),
    S.REGISTRATION_CLOSED: (
        Step(S.REGISTRATION_OPEN, "重新开放报名"),
        Step(S.SCORING, "开始成绩录入"),
    ),
    S.SCORING: (Step(S.SCORES_PUBLISHED, "发布成绩"),),
    S.SCORES_PUBLISHED: (Step(S.PREFERENCES_OPEN, "开放志愿填报"),),
    S.PREFERENCES_OPEN: (Step(S.PREFERENCES_CLOSED, "截止志愿填报"),),
    S.PREFERENCES_CLOSED: (
        Step(S.PREFERENCES_OPEN, "重新开放志愿填报"),
        Step(S.ALLOCATION, "开始投档录取"),
    ),
    S.ALLOCATION: (Step(S.FINISHED, "结束本次招生"),),
    S.FINISHED: (),
}


def next_steps(exam: Exam) -> tuple[Step, ...]:
    """The transitions the table allows from the exam's current status."""
    return TRANSITIONS[exam.status]


def refusal(exam: Exam, target: ExamStatus, now: datetime | None = None) -> str | None:
    """Why ``exam`` cannot move to ``target`` now, or None when it can."""
    now = now or utcnow()
    early = _order_refusal(exam, target)
    if early:
        return early
    if target not in {s.target for s in next_steps(exam)}:
        return f"考试当前状态为“{STATUS_NAMES[exam.status]}”，不能直接变为“{STATUS_NAMES[target]}”"
    guard = GUARDS.get(target)
    return guard(exam, now) if guard else None


def _order_refusal(exam: Exam, target: ExamStatus) -> str | None:
    """Messages for the steps people try too early or twice, whatever the current status."""
    published = exam.scores_published_at is not None or at_least(exam, S.SCORES_PUBLISHED)
    if target == S.SCORES_PUBLISHED:
        if published:
            return f"考试 {exam.code} 的成绩已经发布"
        return _not_computed(exam) or publication_block(exam)
    if target == S.PREFERENCES_OPEN and not published:
        return "成绩尚未发布，不能开放志愿填报"
    if target == S.ALLOCATION and not published:
        return "成绩尚未发布，不能开始投档录取"
    return None


def transition(
    exam: Exam, target: ExamStatus, *, actor: Account | None = None, now: datetime | None = None
) -> None:
    """Check the guard, change the status, audit it; ``TransitionRefused`` when refused."""
    problem = refusal(exam, target, now)
    if problem:
        raise TransitionRefused(problem)
    before = {"status": exam.status.value}
    after: dict[str, object] = {"status": target.value}
    action = "exam.status"
    if target == S.SCORES_PUBLISHED:
        exam.scores_published_at = now or utcnow()
        action, after["results"] = "scores.publish", _result_count(exam)
    exam.status = target
    db.session.flush()
    audit.record(actor, action, exam, before=before, after=after, exam_id=exam.id)


def enter_scoring(exam: Exam) -> None:
    """Computing scores moves an exam that is still in registration to 成绩录入中 (audited by the
    caller's ``scores.compute`` event, which carries the status before and after)."""
    if not at_least(exam, S.SCORING):
        exam.status = S.SCORING


def _result_count(exam: Exam) -> int:
    version = current_version(exam)
    return result_count(exam, version.id) if version is not None else 0


def _not_computed(exam: Exam) -> str | None:
    if _result_count(exam):
        return None
    return f"{named(exam.name, exam.code)}尚未按当前规则计算成绩，请先计算成绩" + command_hint(
        f"scores compute {exam.code}"
    )


def _close_registration(exam: Exam, now: datetime) -> str | None:
    opens = exam.registration_opens_at
    if opens is not None and now < opens:
        return f"报名尚未开始（开始时间 {show_local(opens)}），不能截止报名"
    return None


def _reopen_registration(exam: Exam, now: datetime) -> str | None:
    scored = db.session.scalar(
        select(func.count(ComponentScore.id))
        .join(Candidate, Candidate.id == ComponentScore.candidate_id)
        .where(Candidate.exam_id == exam.id)
    )
    if scored:
        return "已有考生成绩，不能重新开放报名"
    closes = exam.registration_closes_at
    if closes is not None and closes <= now:
        return f"报名截止时间 {show_local(closes)} 已过，请先修改报名时间再重新开放"
    return None


def _start_scoring(exam: Exam, now: datetime) -> str | None:
    count = db.session.scalar(select(func.count(Candidate.id)).where(Candidate.exam_id == exam.id))
    return None if count else "还没有考生报名，不能开始成绩录入"


def _open_preferences(exam: Exam, now: datetime) -> str | None:
    planned = db.session.scalar(
        select(func.count(Round.id))
        .join(Batch, Batch.id == Round.batch_id)
        .where(Batch.exam_id == exam.id, Round.prefs_open_at.is_not(None))
    )
    if not planned:
        return "还没有设置任何轮次的志愿填报时间，请先在“轮次与时间”中设置"
    return None


def _close_preferences(exam: Exam, now: datetime) -> str | None:
    for batch, round_ in _rounds(exam):
        if window_open(round_, now):
            return f"{batch.name}第 {round_.number} 轮志愿填报仍在进行，请先关闭该轮的填报窗口"
    return None


def _finish(exam: Exam, now: datetime) -> str | None:
    for batch, round_ in _rounds(exam):
        if window_open(round_, now) or round_.status == RoundStatus.ALLOCATED:
            return f"{batch.name}第 {round_.number} 轮尚未结束，不能结束本次招生"
    return None


def _rounds(exam: Exam) -> list[tuple[Batch, Round]]:
    return [(b, r) for b in exam.batches for r in b.round_rows]


GUARDS: dict[ExamStatus, Callable[[Exam, datetime], str | None]] = {
    S.REGISTRATION_CLOSED: _close_registration,
    S.REGISTRATION_OPEN: _reopen_registration,
    S.SCORING: _start_scoring,
    S.PREFERENCES_OPEN: _open_preferences,
    S.PREFERENCES_CLOSED: _close_preferences,
    S.FINISHED: _finish,
}


def set_registration_window(
    exam: Exam, opens: datetime | None, closes: datetime | None, *, actor: Account | None = None
) -> None:
    """Store the registration window (aware UTC); refused after registration is over."""
    if at_least(exam, S.SCORING):
        raise TransitionRefused("考试已进入成绩阶段，不能再修改报名时间")
    if opens is not None and closes is not None and closes <= opens:
        raise TransitionRefused("报名截止时间必须晚于报名开始时间")
    before = _window(exam)
    exam.registration_opens_at, exam.registration_closes_at = opens, closes
    db.session.flush()
    audit.record(
        actor, "exam.registration_window", exam, before=before, after=_window(exam),
        exam_id=exam.id,
    )  # fmt: skip


def _window(exam: Exam) -> dict[str, str | None]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {"opens": iso(exam.registration_opens_at), "closes": iso(exam.registration_closes_at)}
