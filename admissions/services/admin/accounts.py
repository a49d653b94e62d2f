"""Administrator: staff accounts (board, university, admin) — create, list, (de)activate, reset.

Students are not created here: they register. Password hashes never leave this module's callers'
models; pages show usernames, roles and flags only.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from admissions.extensions import db
from admissions.models import Account, Institution, Province, Role
from admissions.services import accounts, audit
from admissions.services.admin.places import AdminInputError
from admissions.services.auth import passwords, sessions
from admissions.services.universities.tokens import revoke_tokens_created_by

_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{2,59}")
_STUDENT_NAME = re.compile(r"ks\d+", re.IGNORECASE)  # students' own usernames: ks + candidate id
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I
TEMPORARY_LENGTH = 12
STAFF_ROLES = (Role.BOARD, Role.UNIVERSITY, Role.ADMIN)
PAGE_SIZE = 200


@dataclass(frozen=True)
class AccountFilter:
    """List filters; None means any."""

    role: Role | None = None
    province_id: int | None = None
    institution_id: int | None = None
    q: str = ""


def list_accounts(wanted: AccountFilter) -> list[Account]:
    """Accounts matching the filter, by role then username (at most PAGE_SIZE)."""
    statement = (
        select(Account)
        .options(
            *(selectinload(r) for r in (Account.province, Account.institution, Account.candidate))
        )
        .order_by(Account.role, Account.username)
        .limit(PAGE_SIZE)
    )
    if wanted.role is not None:
        statement = statement.where(Account.role == wanted.role)
    if wanted.province_id is not None:
        statement = statement.where(Account.province_id == wanted.province_id)
    if wanted.institution_id is not None:
        statement = statement.where(Account.institution_id == wanted.institution_id)
    q = wanted.q.strip()
    if q:
        statement = statement.where(
            Account.username.contains(q, autoescape=True)
            | Account.display_name.contains(q, autoescape=True)
        )
    return list(db.session.scalars(statement))


def check_username(username: str) -> str:
    """The username, stripped, if allowed and free; else ``AdminInputError``."""
    username = username.strip()
    if not _USERNAME.fullmatch(username):
        raise AdminInputError(
            "username", "用户名为 3 至 60 个字符，以字母开头，只能包含字母、数字、_ . -"
        )
    if _STUDENT_NAME.fullmatch(username):
        raise AdminInputError("username", "「ks+数字」形式的用户名留给考生账号，请换一个")
    taken = db.session.scalar(
        select(Account.username).where(func.lower(Account.username) == username.lower())
    )
    if taken is not None:
        raise AdminInputError("username", f"用户名「{taken}」已被使用")
    return username


def check_password(password: str, username: str = "", display_name: str = "") -> str:
    """The one password policy (``services.auth.passwords``), for a staff account."""
    person = passwords.Person(username=username, name=display_name)
    problem = passwords.password_problem(password, person)
    if problem:
        raise AdminInputError("password", problem)
    return password


@dataclass(frozen=True)
class StaffAccount:
    """What a new staff account needs; scope and flags depend on the role."""

    username: str
    role: Role
    display_name: str = ""
    province_id: int | None = None
    institution_id: int | None = None
    can_see_full_id: bool = False
    is_institution_admin: bool = False
    # Set when an administrator chose the password: the person picks their own at first login.
    must_change_password: bool = False


def create_staff_account(actor: Account | None, new: StaffAccount, password: str) -> Account:
    """Create a board / university / admin account (flush, audited by ``create_account``)."""
    if new.role not in STAFF_ROLES:
        raise AdminInputError(
            "role", "考生账号由考生本人报名时创建，这里只能创建考试院、高校或管理员账号"
        )
    username = check_username(new.username)
    if new.role == Role.BOARD and db.session.get(Province, new.province_id or 0) is None:
        raise AdminInputError("province_id", "考试院账号必须选择所属省份")
    if new.role == Role.UNIVERSITY and db.session.get(Institution, new.institution_id or 0) is None:
        raise AdminInputError("institution_id", "高校账号必须选择所属院校")
    if len(new.display_name.strip()) > 60:
        raise AdminInputError("display_name", "姓名最多 60 个字")
    university = new.role == Role.UNIVERSITY
    return accounts.create_account(
        username, check_password(password, username, new.display_name), new.role, actor=actor,
        must_change_password=new.must_change_password,
        display_name=new.display_name.strip(),
        province_id=new.province_id if new.role == Role.BOARD else None,
        institution_id=new.institution_id if university else None,
        can_see_full_id=new.can_see_full_id and new.role != Role.ADMIN,
        is_institution_admin=new.is_institution_admin and university,
    )  # fmt: skip


def set_active(actor: Account, account: Account, active: bool) -> bool:
    """Deactivate or reactivate; an administrator cannot deactivate their own account."""
    if account.id == actor.id and not active:
        raise AdminInputError("active", "不能停用自己的账号")
    if account.active == active:
        return False
    account.active = active
    if not active:
        sessions.end_all_sessions(account)
        revoke_tokens_created_by(actor, account, "account.deactivate")
    db.session.flush()
    action = "account.reactivate" if active else "account.deactivate"
    audit.record(actor, action, account, before={"active": not active}, after={"active": active})
    return True


def temporary_password() -> str:
    """A random password of TEMPORARY_LENGTH unambiguous letters and digits."""
    while True:  # the rare draw the policy would refuse is drawn again
        password = "".join(secrets.choice(_ALPHABET) for _ in range(TEMPORARY_LENGTH))
        if passwords.password_problem(password) is None:
            return password


def reset_password(actor: Account, account: Account) -> str:
    """Give a staff account a new random password; return it (shown once, never stored plain).

    The person must choose their own at the next login; every session of the account ends."""
    if account.role == Role.STUDENT:
        raise AdminInputError("password", "考生密码由考试院在核验身份后重置")
    password = temporary_password()
    account.password_hash = accounts.hash_password(password)
    account.must_change_password = True
    sessions.end_all_sessions(account)
    audit.record(actor, "account.password_reset", account, after={"username": account.username})
    return password


def update_flags(
    actor: Account, account: Account, display_name: str, can_see_full_id: bool, is_admin: bool
) -> bool:
    """Change a staff account's name and flags; False when nothing changed."""
    if account.role == Role.STUDENT:
        raise AdminInputError("display_name", "考生账号的信息由考生本人维护")
    if len(display_name.strip()) > 60:
        raise AdminInputError("display_name", "姓名最多 60 个字")
    after = {
        "display_name": display_name.strip(),
        "can_see_full_id": can_see_full_id and account.role != Role.ADMIN,
        "is_institution_admin": is_admin and account.role == Role.UNIVERSITY,
    }
    before = {key: getattr(account, key) for key in after}
    if before == after:
        return False
    for key, value in after.items():
        setattr(account, key, value)
    if before["is_institution_admin"] and not after["is_institution_admin"]:
        revoke_tokens_created_by(actor, account, "account.update")
    db.session.flush()
    audit.record(actor, "account.update", account, before=before, after=after)
    return True
