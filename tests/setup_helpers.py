"""Helpers for the exam-setup page tests: a board of the exam, posts with the CSRF token."""

from __future__ import annotations

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import AuditEvent, Exam, Role
from tests.factories import create_account, csrf_token, login
from tests.rounds_factories import create_rounds_exam


def board_of(exam: Exam):
    """A logged-out board account of the exam's province."""
    return create_account(Role.BOARD, province_id=exam.province_id)


def setup_exam_with_board(client, **exam_fields):
    """A rules-built exam (BK 2 rounds, ZK 1 round), its board logged in."""
    exam = create_rounds_exam()
    for key, value in exam_fields.items():
        setattr(exam, key, value)
    board = board_of(exam)
    db.session.commit()
    login(client, board.username)
    return exam, board


def post(client, url: str, page: str, **data: str):
    """POST ``data`` to ``url`` with the CSRF token found on ``page``."""
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


def actions(exam: Exam) -> list[str]:
    """The audit actions recorded for the exam, in order."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.exam_id == exam.id).order_by(AuditEvent.id)
        )
    )


def text(response) -> str:
    return response.get_data(as_text=True)
