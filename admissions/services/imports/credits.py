"""Credits import (认定成绩): a credited score per candidate and component, with its reason."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import Candidate, CreditedScore
from admissions.services import audit
from admissions.services.imports.context import ImportContext, Staged


def stage(context: ImportContext) -> Staged:
    """Check candidates and components; stage new and changed credits, each audited."""
    exam = context.exam
    components = {c.code: c for c in exam.components} | {c.name: c for c in exam.components}
    candidates = {
        c.candidate_no: c
        for c in db.session.scalars(select(Candidate).where(Candidate.exam_id == exam.id))
    }
    for line, row in context.numbered():
        if row["candidate_no"] not in candidates:
            context.error(line, "candidate_no", f"考生号 {row['candidate_no']} 不存在")
        component = components.get(str(row["component"]))
        if component is None:
            known = "、".join(c.code for c in exam.components)
            context.error(line, "component", f"科目「{row['component']}」不存在（可用：{known}）")
        elif Decimal(str(row["value"])) > component.max:
            limit = format(component.max.normalize(), "f")
            context.error(line, "value", f"「{row['value']}」超过满分 {limit}")
    if context.errors:
        return Staged((0, 0, 0), lambda: None)
    existing = {
        (c.candidate_id, c.component_id): c
        for c in db.session.scalars(
            select(CreditedScore).join(Candidate).where(Candidate.exam_id == exam.id)
        )
    }
    plan = []
    counts = [0, 0, 0]
    for row in context.rows:
        candidate = candidates[str(row["candidate_no"])]
        component = components[str(row["component"])]
        value, reason = Decimal(str(row["value"])), row["reason"] or ""
        credit = existing.get((candidate.id, component.id))
        if credit is not None and credit.value == value and credit.reason == reason:
            counts[2] += 1
            continue
        counts[0 if credit is None else 1] += 1
        plan.append((candidate, component, credit, value, reason))

    def apply() -> None:
        for candidate, component, credit, value, reason in plan:
            before = (
                None if credit is None else {"value": str(credit.value), "reason": credit.reason}
            )
            if credit is None:
                credit = CreditedScore(candidate_id=candidate.id, component_id=component.id)
                db.session.add(credit)
            credit.value, credit.reason = value, reason
            audit.record(
                context.actor,
                "credit.import",
                candidate,
                before={component.code: before},
                after={component.code: {"value": str(value), "reason": reason}},
                reason=f"import {context.filename}",
            )

    return Staged((counts[0], counts[1], counts[2]), apply)
