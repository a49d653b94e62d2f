"""Reading the audit trail: an exam's events (filtered) and a candidate's score history."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import Account, AuditEvent, Candidate

SCORE_ACTIONS = ("score.import", "score.correct", "score.double_entry", "credit.import")


def exam_events(
    exam_id: int,
    *,
    action: str | None = None,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 500,
) -> list[AuditEvent]:
    """The exam's events, newest first; `actor` is a username, dates are inclusive UTC days."""
    query = select(AuditEvent).where(AuditEvent.exam_id == exam_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.join(Account, Account.id == AuditEvent.actor_id).where(
            Account.username == actor
        )
    if since:
        query = query.where(AuditEvent.at >= datetime.combine(since, time(), UTC))
    if until:
        query = query.where(
            AuditEvent.at < datetime.combine(until + timedelta(days=1), time(), UTC)
        )
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def exam_actions(exam_id: int) -> list[str]:
    """Every action recorded for the exam, for the filter's choices."""
    query = select(AuditEvent.action).where(AuditEvent.exam_id == exam_id).distinct()
    return sorted(db.session.scalars(query))


def score_history(candidate: Candidate) -> list[AuditEvent]:
    """Every change of the candidate's scores and credits, newest first."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.object_type == Candidate.__tablename__)
        .where(AuditEvent.object_id == candidate.id)
        .where(AuditEvent.action.in_(SCORE_ACTIONS))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    return list(db.session.scalars(query))
