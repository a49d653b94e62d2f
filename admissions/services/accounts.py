"""Accounts: creation, password hashing, the login lookup (students by 考生号 or ID number), and
the change of one's own password."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from admissions import idcard
from admissions.extensions import db
from admissions.models import Account, Candidate, Role, utcnow
from admissions.services import audit
from admissions.services.auth import passwords, sessions

MIN_PASSWORD_LENGTH = 8
# A hash to compare against when the account does not exist, so timing does not reveal it: of a
# random password nobody kept, with werkzeug's default scrypt parameters (those of the accounts'
# hashes). Written out, since hashing at import added about 0.1 s to every start-up.
_DUMMY_HASH = (
    "scrypt:32768:8:1$iNfwdip4DflhFiHp$b165ed00b41a94b47fae46e610b4125dd259843e93a9a4ec9288f5ea1f"
    "644563fe67233f22d87f172210ba2d02ad4d796846977f8045fdea9642bf4c5f5d9ce8"
)


def hash_password(password: str) -> str:
    """Hash with werkzeug's default (scrypt)."""
    return generate_password_hash(password)


def create_account(
    username: str,
    password: str,
    role: Role | str,
    *,
    actor: Account | None = None,
    **fields: Any,
) -> Account:
    """Create an account (flush only) and audit it; the password must be 8+ characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"密码至少需要{MIN_PASSWORD_LENGTH}个字符")
    account = Account(
        username=username, password_hash=hash_password(password), role=Role(role), **fields
    )
    db.session.add(account)
    db.session.flush()
    audit.record(actor, "account.create", account, after={"username": username, "role": role})
    return account


def find_for_login(identifier: str) -> Account | None:
    """The account for a login name: a username, or for students their 考生号 or ID number."""
    identifier = identifier.strip()
    account = db.session.scalar(select(Account).where(Account.username == identifier))
    if account is not None:
        return account
    student_ids = select(Candidate.id).where(
        or_(
            Candidate.candidate_no == identifier,
            Candidate.national_id == idcard.normalize(identifier),
        )
    )
    matches = db.session.scalars(
        select(Account).where(Account.role == Role.STUDENT, Account.candidate_id.in_(student_ids))
    ).all()
    # The same ID number in two exams would be ambiguous: refuse rather than guess.
    return matches[0] if len(matches) == 1 else None


_ID_NUMBER_LIKE = re.compile(r"\d{14,17}[\dXx]")


def audited_login_name(identifier: str) -> str:
    """The typed identifier as the audit keeps it: anything shaped like an ID number is masked."""
    typed = identifier.strip()[:60]
    return idcard.mask(typed) if _ID_NUMBER_LIKE.fullmatch(typed) else typed


def authenticate(identifier: str, password: str) -> Account | None:
    """The active account matching the credentials, else None. Audits success and failure."""
    account = find_for_login(identifier)
    valid = check_password_hash(account.password_hash if account else _DUMMY_HASH, password)
    if account is None or not valid or not account.active:
        after = {"login": audited_login_name(identifier)}
        audit.record(None, "login.failure", account, after=after)
        return None
    account.last_login_at = utcnow()
    audit.record(account, "login.success", account)
    return account


class PasswordChangeError(ValueError):
    """A change of one's own password that is refused; ``field`` is the form field to blame."""

    def __init__(self, message: str, field: str = "new") -> None:
        super().__init__(message)
        self.field = field


def change_own_password(account: Account, current: str, new_password: str) -> Account:
    """A user changes their own password (flush only, audited); clears the must-change flag.

    The new password must pass the policy (``services.auth.passwords``). Every session of the
    account ends, this one included: the caller signs the user in again.
    """
    if not check_password_hash(account.password_hash, current):
        raise PasswordChangeError("当前密码不正确", field="current")
    if new_password == current:
        raise PasswordChangeError("新密码不能与当前密码相同")
    problem = passwords.password_problem(new_password, passwords.person_of(account))
    if problem:
        raise PasswordChangeError(problem)
    account.password_hash = hash_password(new_password)
    account.must_change_password = False
    sessions.end_all_sessions(account)
    exam_id = account.candidate.exam_id if account.candidate else None
    audit.record(account, "password.change", account, exam_id=exam_id)
    return account
