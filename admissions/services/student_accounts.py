"""Student accounts: a password reset done by the exam board (no e-mail server is assumed)."""

from __future__ import annotations

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import Account, Candidate, Role
from admissions.services import accounts, audit


class PasswordResetError(ValueError):
    """A reset the rules refuse; the message is shown as is."""


def reset_student_password(
    board_account: Account, candidate: Candidate, new_password: str, reason: str
) -> Account:
    """Set a new password on a candidate's account (flush only) and audit who did it and why.

    The caller has already checked that ``board_account`` may manage the candidate's exam
    (``get_candidate_for_board``); the person's identity is checked at the board's counter.
    """
    if len(new_password) < accounts.MIN_PASSWORD_LENGTH:
        raise PasswordResetError(f"密码至少需要{accounts.MIN_PASSWORD_LENGTH}个字符")
    if not reason.strip():
        raise PasswordResetError("请填写重置原因（如：本人持身份证到考试院办理）")
    account = db.session.scalar(
        select(Account).where(Account.role == Role.STUDENT, Account.candidate_id == candidate.id)
    )
    if account is None:
        raise PasswordResetError("该考生没有登录账号")
    account.password_hash = accounts.hash_password(new_password)
    db.session.flush()
    audit.record(
        board_account, "password.reset", account, exam_id=candidate.exam_id, reason=reason.strip()
    )
    return account
