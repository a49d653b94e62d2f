"""Accounts (one role each) and API tokens of institutions."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from admissions.models.base import Base, UTCDateTime, utcnow
from admissions.models.candidate import Candidate
from admissions.models.enums import Role, str_enum
from admissions.models.exam import Province
from admissions.models.plan import Institution


class Account(UserMixin, Base):
    """A login. Board staff belong to a province, university staff to an institution,
    a student to one candidate registration."""

    __tablename__ = "account"
    __table_args__ = (
        CheckConstraint(
            "(role != 'board' OR province_id IS NOT NULL)"
            " AND (role != 'university' OR institution_id IS NOT NULL)"
            # A registration voided by the board leaves its (deactivated) account detached.
            " AND (role != 'student' OR candidate_id IS NOT NULL OR NOT active)",
            name="role_scope",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("province.id"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"), index=True)
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidate.id"), unique=True, index=True
    )
    display_name: Mapped[str] = mapped_column(String(60), default="")
    active: Mapped[bool] = mapped_column(default=True)
    can_see_full_id: Mapped[bool] = mapped_column(default=False)
    # The university's admin user: only they manage the institution's API tokens.
    is_institution_admin: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # Set by a board password reset: the student chooses their own password at next login.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # Bumped on a password change or reset, a deactivation and 退出所有设备: every login
    # session started under an older version stops working (admissions.services.auth.sessions).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    province: Mapped[Province | None] = relationship()
    institution: Mapped[Institution | None] = relationship()
    candidate: Mapped[Candidate | None] = relationship()

    # The login session this instance was loaded for (set at sign-in and by the user loader);
    # Flask-Login keeps get_id() in the cookie, so the session's own token travels with the id.
    login_token = None

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses inactive accounts."""
        return self.active

    def get_id(self) -> str:
        """``<account id>:<login session token>`` (the token is checked on every request)."""
        return f"{self.id}:{self.login_token or ''}"


class ApiToken(Base):
    """A bearer token of an institution for the API; only its hash is stored."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginSession(Base):
    """One sign-in of an account: its cookie carries the token, only the hash is stored here.

    The session works while it has not ended (log out), has not passed ``expires_at``, and was
    started under the account's current ``session_version``. Idle time is checked from the
    signed cookie's last-seen time against ``idle_minutes``."""

    __tablename__ = "login_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    session_version: Mapped[int] = mapped_column()
    idle_minutes: Mapped[int] = mapped_column()
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
