"""Login sessions that end on the server.

Flask keeps its session in a signed cookie, which the server cannot take back. So each sign-in
gets a row here and a random token that travels in the cookie (only its hash is stored): the
session works while its row has not ended, has not expired and was started under the account's
current ``session_version``. Logging out ends the row, so a copy of the cookie stops working;
a password change or reset, a deactivation and 退出所有设备 bump the version, which ends every
session of the account at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from admissions.extensions import db
from admissions.models import Account, LoginSession, Role, utcnow


@dataclass(frozen=True)
class Lifetime:
    """How long a session may stay unused (idle) and how long it may live at most."""

    idle: timedelta
    longest: timedelta


@dataclass(frozen=True)
class LifetimePolicy:
    """Lifetimes by kind of account; ``remember`` (students only) keeps a session for days."""

    staff: Lifetime
    student: Lifetime
    remember: Lifetime | None

    def for_account(self, account: Account, remember: bool) -> tuple[Lifetime, bool]:
        """The lifetime a new session of ``account`` gets, and whether it is remembered."""
        if account.role == Role.STUDENT:
            if remember and self.remember is not None:
                return self.remember, True
            return self.student, False
        return self.staff, False


def hash_token(token: str) -> str:
    """SHA-256 of a session token (256 random bits, so a fast hash is enough)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def start_session(
    account: Account, lifetime: Lifetime, remember: bool = False, now: datetime | None = None
) -> str:
    """A new session of ``account`` (flush only); returns its token for the cookie.

    The account's ended or expired sessions are deleted on the way (the audit keeps the logins).
    """
    now = now or utcnow()
    db.session.execute(
        delete(LoginSession).where(
            LoginSession.account_id == account.id,
            or_(LoginSession.ended_at.is_not(None), LoginSession.expires_at <= now),
        )
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(
            account_id=account.id, token_hash=hash_token(token),
            session_version=account.session_version,
            idle_minutes=max(1, int(lifetime.idle.total_seconds() // 60)), remember=remember,
            created_at=now, expires_at=now + lifetime.longest,
        )
    )  # fmt: skip
    db.session.flush()
    account.login_token = token
    return token


def live_session(
    account_id: int, token: str, now: datetime | None = None
) -> tuple[Account, LoginSession] | None:
    """The account and its session for a cookie's id and token, if the session still works."""
    if not token:
        return None
    # One round trip on every signed-in request: the session row with its account.
    found = db.session.execute(
        select(LoginSession, Account)
        .join(Account, Account.id == LoginSession.account_id)
        .where(LoginSession.token_hash == hash_token(token))
    ).first()
    if found is None:
        return None
    row, account = found
    if row.account_id != account_id or row.ended_at is not None:
        return None
    if (now or utcnow()) >= row.expires_at:
        return None
    if not account.active or account.session_version != row.session_version:
        return None
    account.login_token = token
    return account, row


def end_session(token: str, now: datetime | None = None) -> None:
    """End one session (log out); its cookie no longer works anywhere (flush only)."""
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == hash_token(token), LoginSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )
    db.session.flush()


def end_all_sessions(account: Account, now: datetime | None = None) -> None:
    """End every session of ``account`` (flush only): its version moves on, its rows end."""
    account.session_version = (account.session_version or 0) + 1
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.account_id == account.id, LoginSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )
    db.session.flush()
