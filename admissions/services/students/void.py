"""Voiding a registration (作废报名): someone registered first with another person's ID number.

The board, having checked the person's papers, voids the registration with a reason: the
registration is removed so the number's holder can register, and its account is deactivated,
signed out everywhere and detached (it stays, since the audit names it as an actor). Only a
registration that nothing else refers to yet (no scores, preferences, dispatches, keying rows)
can be voided; its activation codes are credentials, not records, and go with it. The audit keeps
what it held, the ID number masked.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select

from admissions import idcard
from admissions.extensions import db
from admissions.models import Account, ActivationCode, Base, Candidate
from admissions.services import audit
from admissions.services.auth import sessions
from admissions.services.students.registration import EDITABLE_FIELDS


class VoidError(ValueError):
    """A void the rules refuse (Chinese message)."""


_CREDENTIALS = {Account.__tablename__, ActivationCode.__tablename__}


def _references(candidate: Candidate) -> list[str]:
    """Tables (other than the account) whose rows point at the candidate."""
    found = []
    for table in Base.metadata.sorted_tables:
        column = table.columns.get("candidate_id")
        if column is None or table.name in _CREDENTIALS:
            continue
        count = db.session.scalar(
            select(func.count()).select_from(table).where(column == candidate.id)
        )
        if count:
            found.append(table.name)
    return found


def void_registration(board_account: Account, candidate: Candidate, reason: str) -> str:
    """Void ``candidate`` (flush only, audited); returns its 考生号. The caller checked that the
    board may manage the candidate's exam (``get_candidate_for_board``)."""
    reason = reason.strip()
    if not reason:
        raise VoidError("请填写作废原因（如：经核验，该报名冒用他人身份证号）")
    if _references(candidate):
        raise VoidError(
            "该考生已有成绩、志愿、投档或双录入记录，不能在此作废报名；请按考试院的规定另行处理"
        )
    account = db.session.scalar(select(Account).where(Account.candidate_id == candidate.id))
    before = {name: str(getattr(candidate, name)) for name in EDITABLE_FIELDS}
    before |= {"candidate_no": candidate.candidate_no,
               "national_id": idcard.mask(candidate.national_id)}  # fmt: skip
    if account is not None:
        before["account"] = account.username
        account.active = False
        account.candidate_id = None
        sessions.end_all_sessions(account)
    codes = db.session.execute(
        delete(ActivationCode).where(ActivationCode.candidate_id == candidate.id)
    ).rowcount
    if codes:
        before["activation_codes"] = str(codes)
    audit.record(
        board_account, "registration.void", candidate, before=before, reason=reason,
        exam_id=candidate.exam_id,
    )  # fmt: skip
    candidate_no = candidate.candidate_no
    db.session.delete(candidate)
    db.session.flush()
    return candidate_no
