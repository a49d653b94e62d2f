"""Recording audit events (who, when, what, before, after, why)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context, request

from admissions.extensions import db
from admissions.models import Account, ApiToken, AuditEvent, utcnow


def record(
    actor: Account | None,
    action: str,
    obj: Any = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    exam_id: int | None = None,
    token: ApiToken | None = None,
) -> AuditEvent:
    """Add an audit event for ``action`` on ``obj`` (any model, or None) and flush it.

    ``token``: the API token the request came with; the event's ``after`` names it
    (api_token_id, api_token_name), so an API call is told from the same account's clicks."""
    if token is not None:
        after = {**(after or {}), "api_token_id": token.id, "api_token_name": token.name}
    object_type = obj.__tablename__ if obj is not None else ""
    object_id = getattr(obj, "id", None) if obj is not None else None
    if exam_id is None and obj is not None:
        # An event about the exam itself belongs to that exam's log too.
        exam_id = object_id if object_type == "exam" else getattr(obj, "exam_id", None)
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        exam_id=exam_id,
        before=before,
        after=after,
        reason=reason,
        ip=_ip(),
    )
    db.session.add(event)
    db.session.flush()
    return event


def event_row(
    actor: Account | None,
    action: str,
    object_type: str,
    object_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    exam_id: int | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """The audit_event row of ``record`` as a plain dict, for bulk inserts of many events."""
    return {
        "at": at or utcnow(),
        "actor_id": actor.id if actor is not None else None,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "exam_id": exam_id,
        "before": before,
        "after": after,
        "reason": reason,
        "ip": _ip(),
    }


def _ip() -> str:
    return (request.remote_addr or "") if has_request_context() else ""
