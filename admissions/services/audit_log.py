"""Reading the audit trail: an exam's events (filtered) and a candidate's score history."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select

from admissions.audit_names import action_name, object_name
from admissions.extensions import db
from admissions.files.columns import ExportColumn
from admissions.files.writers import to_csv
from admissions.models import (
    Account,
    AuditEvent,
    Batch,
    Candidate,
    Dispatch,
    Exam,
    Institution,
    PlanLine,
    PreferenceList,
    Province,
    Round,
)
from admissions.services.local_time import SHANGHAI, local_text

SCORE_ACTIONS = ("score.import", "score.correct", "score.double_entry", "credit.import")


def exam_events(
    exam_id: int,
    *,
    action: str | None = None,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
    candidate_no: str | None = None,
    limit: int = 500,
) -> list[AuditEvent]:
    """The exam's events, newest first; `actor` is a username, dates are inclusive Beijing days,
    `candidate_no` keeps the events on that candidate, their dispatches and preference lists."""
    query = select(AuditEvent).where(AuditEvent.exam_id == exam_id)
    if candidate_no:
        query = query.where(_about_candidate(exam_id, candidate_no))
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.join(Account, Account.id == AuditEvent.actor_id).where(
            Account.username == actor
        )
    # the first and last days a date can hold bound nothing (and have no day beyond them)
    if since and since > date.min:
        query = query.where(AuditEvent.at >= datetime.combine(since, time(), SHANGHAI))
    if until and until < date.max:
        query = query.where(
            AuditEvent.at < datetime.combine(until + timedelta(days=1), time(), SHANGHAI)
        )
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def _about_candidate(exam_id: int, candidate_no: str) -> Any:
    ids = select(Candidate.id).where(
        Candidate.exam_id == exam_id, Candidate.candidate_no == candidate_no
    )
    owned = {
        Candidate.__tablename__: ids,
        Dispatch.__tablename__: select(Dispatch.id).where(Dispatch.candidate_id.in_(ids)),
        PreferenceList.__tablename__: select(PreferenceList.id).where(
            PreferenceList.candidate_id.in_(ids)
        ),
    }
    return or_(
        *(
            (AuditEvent.object_type == kind) & AuditEvent.object_id.in_(sub)
            for kind, sub in owned.items()
        )
    )


CSV_COLUMNS = [
    ExportColumn("at", "时间（北京时间）"),
    ExportColumn("actor", "操作人"),
    ExportColumn("action", "操作"),
    ExportColumn("code", "操作代码"),
    ExportColumn("object", "对象"),
    ExportColumn("before", "修改前"),
    ExportColumn("after", "修改后"),
    ExportColumn("reason", "原因"),
    ExportColumn("ip", "IP 地址"),
]


def object_labels(events: list[AuditEvent]) -> dict[tuple[str, int], str]:
    """What each event is about, as a person names it ("考试 山东省2026年职教高考", "考生 2637… 王小明"),
    read with one query per kind of object; an object gone or of another kind keeps "kind #id"."""
    wanted: dict[str, set[int]] = {}
    for e in events:
        if e.object_id:
            wanted.setdefault(e.object_type, set()).add(e.object_id)
    labels: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        for object_id, text in _names_of(kind, sorted(ids)):
            labels[(kind, object_id)] = f"{object_name(kind)} {text}"
    for kind, ids in wanted.items():
        for object_id in ids:
            labels.setdefault((kind, object_id), f"{object_name(kind)} #{object_id}")
    return labels


def _names_of(kind: str, ids: list[int]) -> list[tuple[int, str]]:
    candidate_text = Candidate.candidate_no + " " + Candidate.name
    queries: dict[str, Any] = {
        "exam": select(Exam.id, Exam.name).where(Exam.id.in_(ids)),
        "province": select(Province.id, Province.name).where(Province.id.in_(ids)),
        "account": select(Account.id, Account.username).where(Account.id.in_(ids)),
        "institution": select(Institution.id, Institution.name).where(Institution.id.in_(ids)),
        "candidate": select(Candidate.id, candidate_text).where(Candidate.id.in_(ids)),
        "dispatch": select(Dispatch.id, candidate_text)
        .join(Candidate, Candidate.id == Dispatch.candidate_id)
        .where(Dispatch.id.in_(ids)),
        "preference_list": select(PreferenceList.id, candidate_text)
        .join(Candidate, Candidate.id == PreferenceList.candidate_id)
        .where(PreferenceList.id.in_(ids)),
        "plan_line": select(PlanLine.id, Institution.name + " " + PlanLine.program_name)
        .join(Institution, Institution.id == PlanLine.institution_id)
        .where(PlanLine.id.in_(ids)),
        "round": select(Round.id, Batch.name, Round.number)
        .join(Batch, Batch.id == Round.batch_id)
        .where(Round.id.in_(ids)),
    }
    query = queries.get(kind)
    if query is None:
        return []
    rows = db.session.execute(query).all()
    if kind == "round":
        return [(row[0], f"{row[1]} 第 {row[2]} 轮") for row in rows]
    return [(row[0], row[1]) for row in rows]


def events_csv(events: list[AuditEvent]) -> bytes:
    """The events as CSV (UTF-8 with BOM, Chinese headers, formula-safe cells)."""
    labels = object_labels(events)
    rows = [
        {
            "at": local_text(e.at, seconds=True),
            "actor": e.actor.username if e.actor else "系统（命令行）",
            "action": action_name(e.action),
            "code": e.action,
            "object": labels[(e.object_type, e.object_id)]
            if e.object_id
            else object_name(e.object_type),
            "before": _json(e.before),
            "after": _json(e.after),
            "reason": e.reason,
            "ip": e.ip,
        }
        for e in events
    ]
    return to_csv(rows, CSV_COLUMNS, headers="zh")


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


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
