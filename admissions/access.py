"""Access rules: role decorators on every view, and ownership checks where objects are loaded."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from admissions.extensions import db
from admissions.models import (
    Account,
    Candidate,
    Exam,
    Institution,
    KeyingSheet,
    PlanDraftLine,
    PlanLine,
    PlanSubmission,
    Role,
)

F = TypeVar("F", bound=Callable[..., Any])
ACCESS_ATTR = "_access_rule"


def public(view: F) -> F:
    """Mark a view as reachable without logging in."""
    setattr(view, ACCESS_ATTR, "public")
    return view


def login_only(view: F) -> F:
    """Any logged-in account, whatever its role (e.g. log out, the home dispatcher)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            from admissions.extensions import login_manager

            return login_manager.unauthorized()
        return view(*args, **kwargs)

    setattr(wrapper, ACCESS_ATTR, "login")
    return wrapper  # type: ignore[return-value]


def roles_required(*roles: str) -> Callable[[F], F]:
    """Allow only logged-in accounts with one of ``roles``; others get 403."""
    allowed = {Role(r) for r in roles}

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from admissions.extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, ("roles", frozenset(allowed)))
        return wrapper  # type: ignore[return-value]

    return decorate


def access_rule(view: Callable[..., Any]) -> Any:
    """The rule a view was marked with, or None."""
    return getattr(view, ACCESS_ATTR, None)


def _account() -> Account:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def get_exam_for_board(exam_id: int, account: Account | None = None) -> Exam:
    """The exam, if the board account's province runs it (admin: any); else 404/403."""
    account = account or _account()
    exam = db.session.get(Exam, exam_id) or abort(404)
    if account.role == Role.ADMIN:
        return exam
    if account.role != Role.BOARD or exam.province_id != account.province_id:
        abort(403)
    return exam


def get_candidate_for_student(candidate_id: int, account: Account | None = None) -> Candidate:
    """The candidate, only if it is the student's own registration; another's is 404.

    404 rather than 403, so that ids of other candidates cannot be probed.
    """
    account = account or _account()
    if account.role != Role.STUDENT or account.candidate_id != candidate_id:
        abort(404)
    # the exam and the candidate's category come in the same query: student pages read them
    found = db.session.get(
        Candidate,
        candidate_id,
        options=[joinedload(Candidate.exam), joinedload(Candidate.category)],
    )
    return found or abort(404)


def get_candidate_for_board(candidate_id: int, account: Account | None = None) -> Candidate:
    """A candidate of an exam the board account may manage; else 404/403."""
    candidate = db.session.get(Candidate, candidate_id) or abort(404)
    get_exam_for_board(candidate.exam_id, account)
    return candidate


def get_keying_sheet_for_board(sheet_id: int, account: Account | None = None) -> KeyingSheet:
    """A double-entry sheet of an exam the board account may manage; else 404/403."""
    sheet = db.session.get(KeyingSheet, sheet_id) or abort(404)
    get_exam_for_board(sheet.exam_id, account)
    return sheet


def get_institution_for_university(
    institution_id: int, account: Account | None = None
) -> Institution:
    """The institution, if the university account belongs to it (admin: any); else 404/403."""
    account = account or _account()
    institution = db.session.get(Institution, institution_id) or abort(404)
    if account.role == Role.ADMIN:
        return institution
    if account.role != Role.UNIVERSITY or account.institution_id != institution_id:
        abort(403)
    return institution


def get_plan_line_for_university(plan_line_id: int, account: Account | None = None) -> PlanLine:
    """A plan line of the university account's own institution; else 404/403."""
    line = db.session.get(PlanLine, plan_line_id) or abort(404)
    get_institution_for_university(line.institution_id, account)
    return line


def get_draft_line_for_university(line_id: int, account: Account | None = None) -> PlanDraftLine:
    """A line of the university account's own compiled plan; another institution's is 403."""
    line = db.session.get(PlanDraftLine, line_id) or abort(404)
    get_institution_for_university(line.submission.institution_id, account)
    return line


def get_submission_for_board(
    exam_id: int, submission_id: int, account: Account | None = None
) -> PlanSubmission:
    """An institution's compiled plan of an exam the board account may manage; else 404/403."""
    exam = get_exam_for_board(exam_id, account)
    submission = db.session.get(PlanSubmission, submission_id)
    if submission is None or submission.exam_id != exam.id:
        abort(404)
    return submission
