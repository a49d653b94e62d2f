"""What the exam's state reads from the tables of later steps: computed results, published scores,
open preference windows, unfinished double-entry sheets. Plain queries on the models, so that the
lifecycle's guards and the domains that depend on the exam share them without an import cycle.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from admissions.extensions import db
from admissions.labels import KEYING_STATUS_NAMES
from admissions.models import (
    Candidate,
    Exam,
    ExamStatus,
    KeyingSheet,
    KeyingStatus,
    Round,
    RoundStatus,
    ScoreResult,
    utcnow,
)

ORDER = list(ExamStatus)
CLOSED_STATUSES = {RoundStatus.CLOSED, RoundStatus.ALLOCATED, RoundStatus.FINISHED}
KEYING_DONE = (KeyingStatus.APPLIED, KeyingStatus.CANCELLED)


def at_least(exam: Exam, status: ExamStatus) -> bool:
    """True once the exam has reached ``status`` in the season's order."""
    return ORDER.index(exam.status) >= ORDER.index(status)


def scores_published(exam: Exam) -> bool:
    """True once scores were published (or the exam moved past that step)."""
    return exam.scores_published_at is not None or at_least(exam, ExamStatus.SCORES_PUBLISHED)


def result_count(exam: Exam, rules_version_id: int) -> int:
    """How many stored results of the exam belong to this rules version."""
    return int(
        db.session.scalar(
            select(func.count(ScoreResult.id))
            .join(Candidate, Candidate.id == ScoreResult.candidate_id)
            .where(Candidate.exam_id == exam.id, ScoreResult.rules_version_id == rules_version_id)
        )
        or 0
    )


def window_open(round_: Round, now: datetime | None = None) -> bool:
    """True while the round takes preferences, by the server's clock."""
    now = now or utcnow()
    if round_.status in CLOSED_STATUSES or round_.prefs_open_at is None:
        return False
    if now < round_.prefs_open_at:
        return False
    return round_.prefs_close_at is None or now < round_.prefs_close_at


def unfinished_sheets(exam: Exam) -> list[KeyingSheet]:
    """The exam's sheets neither applied nor cancelled (they hold back publication)."""
    query = (
        select(KeyingSheet)
        .where(KeyingSheet.exam_id == exam.id, KeyingSheet.status.not_in(KEYING_DONE))
        .order_by(KeyingSheet.id)
    )
    return list(db.session.scalars(query))


def publication_block(exam: Exam) -> str | None:
    """Why the exam's scores cannot be published yet because of double entry, or None."""
    sheets = unfinished_sheets(exam)
    if not sheets:
        return None
    named = "、".join(f"「{s.name}」（{KEYING_STATUS_NAMES[s.status]}）" for s in sheets)
    return (
        f"考试 {exam.code} 有双录入单未完成（差异未处理或成绩未写入）：{named}；"
        "请处理差异并写入成绩，或作废录入单后再发布"
    )
