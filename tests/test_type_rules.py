"""Rules that read the candidate type, through stored scores: computed totals and qualification
from the database equal the exact per-candidate path a student's page explains."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from admissions.models import ScoreResult
from admissions.services.exam.rules import create_exam_from_rules
from admissions.services.scores.compute import compute_scores
from admissions.services.students.explain import composite_of
from scoring.composite import qualify
from tests.rounds_factories import RULES, create_scored

TYPED = RULES.replace(
    'formula = "chinese + skill"\nqualify = ["skill >= 60"]',
    'formula = "chinese + skill + 15.5 * type_work"\nqualify = ["skill >= 60", "type_former == 0"]',
)


def test_stored_totals_carry_the_work_credit_and_qualification_reads_the_type(db):
    assert TYPED != RULES
    exam = create_exam_from_rules(TYPED.format(code="T2026", province="370000"))
    fresh = create_scored(exam, 80, 100, candidate_type="应届中职毕业生")
    former = create_scored(exam, 80, 100, candidate_type="往届中职毕业生")
    worker = create_scored(exam, 80, 100, candidate_type="具有工作经历", work_employer="某机床厂",
                           work_years=4)  # fmt: skip
    db.session.flush()
    compute_scores(exam)
    rows = {r.candidate_id: (r.total, r.qualified) for r in db.session.scalars(select(ScoreResult))}
    assert rows == {
        fresh.id: (Decimal("180"), True),
        former.id: (Decimal("180"), False),
        worker.id: (Decimal("195.5"), True),
    }
    for candidate in (fresh, former, worker):
        rules, _, composite = composite_of(candidate)
        assert (composite.total, qualify(rules, composite).ok) == rows[candidate.id]
    rules, _, composite = composite_of(former)
    assert qualify(rules, composite).reasons == ("不满足条件：考生类型不是往届中职毕业生",)
