"""Scores import (成绩): one row per candidate, one column per component; every change audited.

Only the component columns present in the file are touched; in them a blank cell is an absent
score. Each candidate whose scores change gets one audit event with the scores before and after.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import Candidate, Component, ComponentScore
from admissions.services.imports import scores_sql as imports_scores_sql
from admissions.services.imports.bulk import insert_rows, update_rows
from admissions.services.imports.context import ChangeList, ImportContext, Staged, nothing

ScoreKey = tuple[int, int]  # candidate id, component id
Stored = tuple[int, Decimal | None, str | None]  # score id, value, grade


def stored_value(component: Component, text: str | None) -> tuple[Decimal | None, str | None]:
    """(value, grade) to store for a score as read: grades become their points."""
    if text is None:
        return None, None
    if component.grades:
        return Decimal(str(component.grades[text])), text
    return Decimal(text), None


def shown(value: Decimal | None, grade: str | None) -> str | None:
    """A stored score as the audit log shows it: the grade letter, or the number."""
    if grade is not None:
        return grade
    return None if value is None else format(value.normalize(), "f")


def stage(context: ImportContext) -> Staged:
    """Check candidate numbers; compare with the stored scores; stage inserts, updates, audit.

    PostgreSQL takes the set-based path of ``imports_scores_sql`` (same results, in SQL).
    """
    exam = context.exam
    components = [c for c in exam.components if c.code in context.headers]
    if db.session.connection().dialect.name == "postgresql":
        return imports_scores_sql.stage(context, components)
    ids = dict(
        db.session.execute(
            select(Candidate.candidate_no, Candidate.id).where(Candidate.exam_id == exam.id)
        ).all()
    )
    for line, row in context.numbered():
        if row["candidate_no"] not in ids:
            context.error(line, "candidate_no", f"考生号 {row['candidate_no']} 不存在")
    if context.errors or not components:
        return Staged((0, 0, len(context.rows)), nothing)
    stored = _stored(exam.id)
    scored = {candidate_id for candidate_id, _component in stored}
    # plain values: ORM attribute access in this loop costs seconds at 100,000 rows
    plain = [
        (c.code, c.id, {k: Decimal(str(v)) for k, v in c.grades.items()} if c.grades else None)
        for c in components
    ]
    names = {c.code: c.name for c in components}
    changes = ChangeList()
    inserts: list[dict[str, object]] = []
    updates: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    counts = [0, 0, 0]
    for line, row in context.numbered():
        candidate_id = ids[str(row["candidate_no"])]
        before: dict[str, str | None] = {}
        after: dict[str, str | None] = {}
        for code, component_id, grades in plain:
            text = row[code]
            if text is None:
                value, grade = None, None
            elif grades:
                value, grade = grades[text], text
            else:
                value, grade = Decimal(text), None
            old = stored.get((candidate_id, component_id))
            if old is None and value is None:
                continue
            if old is not None and (old[1], old[2]) == (value, grade):
                continue
            before[code] = shown(old[1], old[2]) if old else None
            after[code] = text  # the reader's canonical text: "85.5", or the grade letter
            fields = {"value": value, "grade": grade, "source": "import"}
            if old is None:
                inserts.append(
                    {"candidate_id": candidate_id, "component_id": component_id, **fields}
                )
            else:
                updates.append({"id": old[0], **fields})
        if after:
            counts[1 if candidate_id in scored else 0] += 1
            events.append(_event(context, candidate_id, before, after))
            changes.add(
                line, f"考生号 {row['candidate_no']}", candidate_id not in scored,
                [(names[code], before[code], after[code]) for code in after],
            )  # fmt: skip
        else:
            counts[2] += 1

    def apply() -> None:
        insert_rows(ComponentScore.__table__, inserts)
        update_rows(ComponentScore, updates)
        from admissions.models import AuditEvent

        insert_rows(AuditEvent.__table__, events)

    return Staged((counts[0], counts[1], counts[2]), apply, changes.rows)


def _stored(exam_id: int) -> dict[ScoreKey, Stored]:
    query = (
        select(
            ComponentScore.candidate_id,
            ComponentScore.component_id,
            ComponentScore.id,
            ComponentScore.value,
            ComponentScore.grade,
        )
        .join(Candidate, Candidate.id == ComponentScore.candidate_id)
        .where(Candidate.exam_id == exam_id)
    )
    return {(c, k): (i, v, g) for c, k, i, v, g in db.session.execute(query)}


def _event(
    context: ImportContext,
    candidate_id: int,
    before: dict[str, str | None],
    after: dict[str, str | None],
) -> dict[str, object]:
    from admissions.models import utcnow

    return {
        "at": utcnow(),
        "actor_id": context.actor.id if context.actor else None,
        "action": "score.import",
        "object_type": "candidate",
        "object_id": candidate_id,
        "exam_id": context.exam.id,
        "before": before,
        "after": after,
        "reason": f"import {context.filename}",
        "ip": "",
    }
