"""The data model: exact decimals, constraints, enum checks."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, StatementError

from admissions.models import Account, ComponentScore, Role
from tests.factories import create_account, create_candidate, create_exam


def test_scores_round_trip_exactly_and_sum_exactly_in_sql(db):
    exam = create_exam()
    component = exam.components[0]
    values = [Decimal("0.1"), Decimal("0.2"), Decimal("98.5"), Decimal("112.25")]
    for value in values:
        db.session.add(ComponentScore(candidate_id=create_candidate(exam).id,
                                      component_id=component.id, value=value))  # fmt: skip
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalars(select(ComponentScore.value).order_by(ComponentScore.value)).all()
    assert stored == sorted(values)
    total = db.session.scalar(select(func.sum(ComponentScore.value)))
    assert total == Decimal("211.05")
    assert (
        db.session.scalar(
            select(func.count()).where(ComponentScore.value == Decimal("0.3") - Decimal("0.2"))
        )
        == 1
    )


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.decimals(min_value=0, max_value=99999999, places=4, allow_nan=False))
def test_any_four_place_decimal_round_trips(db, value):
    candidate = create_candidate()
    score = ComponentScore(candidate_id=candidate.id,
                           component_id=candidate.exam.components[0].id, value=value)  # fmt: skip
    db.session.add(score)
    db.session.flush()
    db.session.expire(score)
    assert score.value == value
    db.session.rollback()


def test_absent_score_is_null(db):
    candidate = create_candidate()
    db.session.add(ComponentScore(candidate_id=candidate.id,
                                  component_id=candidate.exam.components[0].id, value=None))  # fmt: skip
    db.session.commit()
    assert db.session.scalar(select(ComponentScore.value)) is None


def test_candidate_number_is_unique_per_exam(db):
    exam = create_exam()
    create_candidate(exam, candidate_no="26370000000001")
    create_candidate(create_exam(), candidate_no="26370000000001")  # another exam: fine
    with pytest.raises(IntegrityError):
        create_candidate(exam, candidate_no="26370000000001")


def test_national_id_is_unique_per_exam(db):
    exam = create_exam()
    first = create_candidate(exam)
    with pytest.raises(IntegrityError):
        create_candidate(exam, national_id=first.national_id)


def test_board_account_needs_a_province(db):
    with pytest.raises(IntegrityError):
        create_account(Role.BOARD, province_id=None)


def test_unknown_role_is_refused(db):
    with pytest.raises((StatementError, LookupError, ValueError)):
        db.session.add(Account(username="x", password_hash="x", role="superuser"))
        db.session.flush()


def test_more_than_four_decimal_places_are_refused_not_rounded(db):
    candidate = create_candidate()
    db.session.add(ComponentScore(candidate_id=candidate.id,
                                  component_id=candidate.exam.components[0].id,
                                  value=Decimal("98.12345")))  # fmt: skip
    with pytest.raises(StatementError, match="more than 4 decimal places"):
        db.session.flush()
