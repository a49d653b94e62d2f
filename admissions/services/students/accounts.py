"""Student accounts: a password reset done by the exam board (no e-mail server is assumed),
and the change of password the student then has to make."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from werkzeug.security import check_password_hash

from admissions.extensions import db
from admissions.models import Account, Candidate, Role
from admissions.services import accounts, audit

# No 0/O, 1/l/I: the temporary password is read aloud or copied from a screen at a counter.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TEMPORARY_LENGTH = 10


class PasswordResetError(ValueError):
    """A reset or change the rules refuse; the message is shown as is."""


def temporary_password() -> str:
    """A random password of 10 unambiguous characters (about 50 bits), e.g. ``k7qd2mzxpa``."""
    return "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(TEMPORARY_LENGTH))


def student_account(candidate: Candidate) -> Account | None:
    """The login account of a registration, if it has one."""
    return db.session.scalar(
        select(Account).where(Account.role == Role.STUDENT, Account.candidate_id == candidate.id)
    )


def reset_student_password(
    board_account: Account, candidate: Candidate, new_password: str, reason: str
) -> Account:
    """Set a new password on a candidate's account (flush only) and audit who did it and why.

    The student must choose their own password at the next login. The caller has already
    checked that ``board_account`` may manage the candidate's exam (``get_candidate_for_board``);
    the person's identity is checked at the board's counter.
    """
    if len(new_password) < accounts.MIN_PASSWORD_LENGTH:
        raise PasswordResetError(f"密码至少需要{accounts.MIN_PASSWORD_LENGTH}个字符")
    if not reason.strip():
        raise PasswordResetError("请填写重置原因（如：本人持身份证到考试院办理）")
    account = student_account(candidate)
    if account is None:
        raise PasswordResetError("该考生没有登录账号")
    account.password_hash = accounts.hash_password(new_password)
    account.must_change_password = True
    db.session.flush()
    audit.record(
        board_account, "password.reset", account, exam_id=candidate.exam_id, reason=reason.strip()
    )
    return account


def change_own_password(account: Account, current: str, new_password: str) -> Account:
    """A user changes their own password (flush only, audited); clears the must-change flag."""
    if not check_password_hash(account.password_hash, current):
        raise PasswordResetError("当前密码不正确")
    if len(new_password) < accounts.MIN_PASSWORD_LENGTH:
        raise PasswordResetError(f"新密码至少需要{accounts.MIN_PASSWORD_LENGTH}个字符")
    if new_password == current:
        raise PasswordResetError("新密码不能与当前密码相同")
    account.password_hash = accounts.hash_password(new_password)
    account.must_change_password = False
    db.session.flush()
    exam_id = account.candidate.exam_id if account.candidate else None
    audit.record(account, "password.change", account, exam_id=exam_id)
    return account
