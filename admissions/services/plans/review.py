"""The board's review of compiled plans: approve, return with a reason, publish.

Publishing copies every approved draft into the exam's plan lines (the published plan that the
catalogue and the allocation read): a line of the draft updates the published line of the same
batch and program or adds one; a published line of the institution that the draft no longer has
is removed, unless candidates already listed it or it was dispatched to (then publication is
refused and says which).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import (
    Account,
    Dispatch,
    Exam,
    PlanAdjustment,
    PlanLine,
    PlanSubmission,
    PreferenceItem,
    PreferenceMajor,
    utcnow,
)
from admissions.services import audit
from admissions.services.plans.compile import COPIED, STATUS_NAMES, PlanError, draft_excesses


@dataclass(frozen=True)
class SubmissionRow:
    """One institution's compiled plan as the board's list shows it."""

    submission: PlanSubmission
    lines: int
    seats: int


def submissions(exam: Exam) -> list[SubmissionRow]:
    """Every institution's compiled plan for the exam, by institution code."""
    query = select(PlanSubmission).where(PlanSubmission.exam_id == exam.id)
    found = sorted(db.session.scalars(query), key=lambda s: s.institution.code)
    return [SubmissionRow(s, len(s.lines), sum(ln.seats for ln in s.lines)) for s in found]


def _expect(submission: PlanSubmission, *statuses: str) -> None:
    if submission.status not in statuses:
        raise PlanError([("", f"该计划{STATUS_NAMES[submission.status]}，不能进行此操作")])


def approve(submission: PlanSubmission, actor: Account) -> None:
    """Approve a submitted plan; refused while it exceeds the scale."""
    _expect(submission, "submitted")
    found = draft_excesses([submission])
    if found:
        raise PlanError([("", e.message) for e in found])
    _set_status(submission, "approved", actor, "plan.approve")


def return_plan(submission: PlanSubmission, reason: str, actor: Account) -> None:
    """Return a submitted or approved plan to the institution, with the reason it will read."""
    _expect(submission, "submitted", "approved")
    if not reason.strip():
        raise PlanError([("reason", "请填写退回原因，学校将看到这段说明")])
    submission.reason = reason.strip()
    _set_status(submission, "returned", actor, "plan.return", reason.strip())


def _set_status(
    submission: PlanSubmission, status: str, actor: Account, action: str, reason: str = ""
) -> None:
    before = submission.status
    submission.status, submission.reviewed_at = status, utcnow()
    db.session.flush()
    audit.record(actor, action, submission, before={"status": before}, after={"status": status},
                 reason=reason, exam_id=submission.exam_id)  # fmt: skip


def publish(exam: Exam, actor: Account) -> int:
    """Publish every approved plan of the exam; returns how many institutions were published."""
    approved = [row.submission for row in submissions(exam) if row.submission.status == "approved"]
    if not approved:
        raise PlanError([("", "没有审核通过、待公布的计划")])
    found = draft_excesses(approved)
    if found:
        raise PlanError([("", e.message) for e in found])
    for submission in approved:
        _publish_one(submission, actor)
    return len(approved)


def _referenced(line_ids: set[int]) -> set[int]:
    if not line_ids:
        return set()
    used: set[int] = set()
    for column in (PreferenceItem.plan_line_id, PreferenceMajor.plan_line_id,
                   Dispatch.plan_line_id, PlanAdjustment.plan_line_id):  # fmt: skip
        used |= set(db.session.scalars(select(column).where(column.in_(line_ids)).distinct()))
    return used


def _publish_one(submission: PlanSubmission, actor: Account) -> None:
    published = {
        (ln.batch_id, ln.program_code): ln
        for ln in db.session.scalars(select(PlanLine).where(
            PlanLine.exam_id == submission.exam_id,
            PlanLine.institution_id == submission.institution_id,
        ))
    }  # fmt: skip
    wanted = {(ln.batch_id, ln.program_code) for ln in submission.lines}
    dropped = {ln.id: ln for key, ln in published.items() if key not in wanted}
    kept = _referenced(set(dropped))
    if kept:
        names = "、".join(
            f"{dropped[i].program_name}（{dropped[i].program_code}）" for i in sorted(kept)
        )
        raise PlanError([("", f"{submission.institution.name}的计划删去了已有考生填报或投档的专业："
                              f"{names}；这些专业只能通过计划调整修改")])  # fmt: skip
    for line in dropped.values():
        db.session.delete(line)
    for draft in submission.lines:
        line = published.get((draft.batch_id, draft.program_code))
        if line is None:
            line = PlanLine(exam_id=submission.exam_id, batch_id=draft.batch_id,
                            institution_id=submission.institution_id,
                            program_code=draft.program_code)  # fmt: skip
            db.session.add(line)
        for key in COPIED:
            setattr(line, key, getattr(draft, key))
    submission.published_at = utcnow()
    _set_status(submission, "published", actor, "plan.publish")
