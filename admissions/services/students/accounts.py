"""Student accounts: a password reset done by the exam board (no e-mail server is assumed); the
change of password the student then has to make is ``services.accounts.change_own_password``."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import Account, Candidate, Role
from admissions.services import accounts, audit
from admissions.services.auth import passwords, sessions

# No 0/O, 1/l/I: the temporary password is read aloud or copied from a screen at a counter.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TEMPORARY_LENGTH = 10


class PasswordResetError(ValueError):
    """A reset or change the rules refuse; the message is shown as is."""


def temporary_password() -> str:
    """A random password of 10 unambiguous characters (about 50 bits), e.g. ``k7qd2mzxpa``."""
    while True:  # the rare draw the policy would refuse (e.g. a keyboard run) is drawn again
        password = "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(TEMPORARY_LENGTH))
        if passwords.password_problem(password) is None:
            return password


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
    if not reason.strip():
        raise PasswordResetError("请填写重置原因（如：本人持身份证到考试院办理）")
    account = student_account(candidate)
    if account is None:
        raise PasswordResetError("该考生没有登录账号")
    problem = passwords.password_problem(new_password, passwords.person_of(account))
    if problem:
        raise PasswordResetError(problem)
    account.password_hash = accounts.hash_password(new_password)
    account.must_change_password = True
    # Whoever was signed in with the old password (the person who lost it, or someone who
    # found it) is signed out everywhere.
    sessions.end_all_sessions(account)
    audit.record(
        board_account, "password.reset", account, exam_id=candidate.exam_id, reason=reason.strip()
    )
    return account
