"""Verification codes of admissions, stored on the dispatch so a code is found by index.

A code is an HMAC (``files.verification``) of the exam, the 考生号 and the admitted line, so it
cannot be guessed; it is written when the dispatch is admitted and cleared when it is rejected,
so the code of a later-rejected candidate stops verifying.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from admissions.extensions import db
from admissions.files.verification import verification_code
from admissions.models import Candidate, Dispatch, DispatchStatus, Exam, Institution, PlanLine


def code_for(exam_code: str, candidate_no: str, institution_code: str, program_code: str) -> str:
    """The verification code from its plain inputs (the app's SECRET_KEY is the secret)."""
    return verification_code(
        current_app.config["SECRET_KEY"],
        exam_code,
        candidate_no,
        f"{institution_code}-{program_code}",
    )


def computed_code(dispatch: Dispatch) -> str | None:
    """The code the dispatch's current line and candidate give, or None without a line."""
    if dispatch.plan_line_id is None:
        return None
    row = db.session.execute(
        select(Exam.code, Candidate.candidate_no, Institution.code, PlanLine.program_code)
        .select_from(Dispatch)
        .join(Candidate, Candidate.id == Dispatch.candidate_id)
        .join(Exam, Exam.id == Candidate.exam_id)
        .join(PlanLine, PlanLine.id == dispatch.plan_line_id)
        .join(Institution, Institution.id == PlanLine.institution_id)
        .where(Dispatch.id == dispatch.id)
    ).one()
    return code_for(*row)


def sync_code(dispatch: Dispatch) -> None:
    """Store the code of an admitted dispatch, clear it on any other status (flush only)."""
    admitted = dispatch.status == DispatchStatus.ADMITTED
    dispatch.verification_code = computed_code(dispatch) if admitted else None
    db.session.flush()


def sync_run_codes(run_id: int) -> int:
    """Store the codes of a run's admitted dispatches that have none yet; how many were stored."""
    missing = db.session.scalars(
        select(Dispatch).where(
            Dispatch.run_id == run_id,
            Dispatch.status == DispatchStatus.ADMITTED,
            Dispatch.verification_code.is_(None),
        )
    ).all()
    for dispatch in missing:
        dispatch.verification_code = computed_code(dispatch)
    db.session.flush()
    return len(missing)


def backfill_codes() -> int:
    """Store the codes of every admitted dispatch that has none (rows admitted before 0005)."""
    runs = db.session.scalars(
        select(Dispatch.run_id)
        .where(Dispatch.status == DispatchStatus.ADMITTED, Dispatch.verification_code.is_(None))
        .distinct()
    ).all()
    return sum(sync_run_codes(run_id) for run_id in runs)
