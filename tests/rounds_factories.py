"""Factories for allocation-round tests: a small exam built from rules, scores, preferences."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import (
    Batch,
    Candidate,
    Component,
    ComponentScore,
    Exam,
    PlanLine,
    PreferenceItem,
    PreferenceList,
    PreferenceMajor,
    PreferenceStatus,
)
from admissions.services.exam.rules import create_exam_from_rules
from tests.factories import create_candidate, create_institution, create_plan_line

RULES = """
[exam]
code = "{code}"
name = "测试春季高考"
province = "{province}"
year = 2026

[components.chinese]
name = "语文"
max = 100
group = "culture"
[components.skill]
name = "技能测试"
max = 200
group = "vocational"

[categories]
IT = "信息技术类"

[schemes.standard]
formula = "chinese + skill"
qualify = ["skill >= 60"]
tiebreak = ["skill"]
ties = "candidate_no"

[[batches]]
code = "BK"
name = "本科批"
scheme = "standard"
shape = "flat"
max_choices = 10
rounds = 2
[batches.lines]
"*" = ["total >= 100"]

[[batches]]
code = "ZK"
name = "专科批"
scheme = "standard"
shape = "grouped"
max_choices = 5
majors_per_group = 3
rounds = 1
"""


def create_rounds_exam(code: str = "T2026", province: str = "370000") -> Exam:
    """An exam with components chinese/skill, category IT, flat BK (2 rounds), grouped ZK."""
    return create_exam_from_rules(RULES.format(code=code, province=province))


def batch_of(exam: Exam, code: str) -> Batch:
    return next(b for b in exam.batches if b.code == code)


def create_scored(exam: Exam, chinese: int, skill: int, **fields: object) -> Candidate:
    """A candidate of category IT with both component scores."""
    candidate = create_candidate(exam, **fields)
    comps = db.session.scalars(select(Component).where(Component.exam_id == exam.id)).all()
    values = {"chinese": chinese, "skill": skill}
    for comp in comps:
        db.session.add(
            ComponentScore(
                candidate_id=candidate.id, component_id=comp.id, value=Decimal(values[comp.code])
            )
        )
    db.session.flush()
    return candidate


def create_line(exam: Exam, batch: str, seats: int, **fields: object) -> PlanLine:
    return create_plan_line(exam, batch=batch_of(exam, batch), seats=seats, **fields)


def submit_flat(candidate: Candidate, batch: Batch, round_number: int, lines: list[PlanLine],
                version: int = 1) -> PreferenceList:  # fmt: skip
    """A submitted flat list for the round, in the given order."""
    plist = PreferenceList(candidate_id=candidate.id, batch_id=batch.id, round_number=round_number,
                           version=version, status=PreferenceStatus.SUBMITTED)  # fmt: skip
    db.session.add(plist)
    db.session.flush()
    for position, line in enumerate(lines, start=1):
        db.session.add(PreferenceItem(list_id=plist.id, position=position, plan_line_id=line.id))
    db.session.flush()
    return plist


def submit_grouped(
    candidate: Candidate, batch: Batch, majors: list[PlanLine], adjust: bool
) -> None:
    """A submitted grouped list with one group (that of the majors)."""
    plist = PreferenceList(candidate_id=candidate.id, batch_id=batch.id, round_number=1,
                           status=PreferenceStatus.SUBMITTED)  # fmt: skip
    db.session.add(plist)
    db.session.flush()
    first = majors[0]
    item = PreferenceItem(list_id=plist.id, position=1, institution_id=first.institution_id,
                          group_code=first.group_code, adjust=adjust)  # fmt: skip
    db.session.add(item)
    db.session.flush()
    for position, line in enumerate(majors, start=1):
        db.session.add(PreferenceMajor(item_id=item.id, position=position, plan_line_id=line.id))
    db.session.flush()


__all__ = ["create_institution"]
