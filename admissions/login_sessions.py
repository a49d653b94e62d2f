"""Signing in and out with sessions that end on the server (see services/auth/sessions.py).

The signed cookie holds ``<account id>:<session token>`` (Flask-Login's user id) and the time the
session was last seen. On every request the user loader finds the session row and refuses it when
it has ended (logout), expired, belongs to an older session version (password change, reset,
deactivation, 退出所有设备) or stayed idle too long. A user whose password is temporary (set by
the board or an administrator) sees only the password page until they choose their own.
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from admissions.extensions import login_manager
from admissions.models import Account, Role
from admissions.services.auth import sessions

SEEN_KEY = "seen"
SEEN_RESOLUTION = 60  # seconds: the cookie's last-seen time is rewritten at most once a minute
PASSWORD_PAGES = {Role.STUDENT: "student.change_password"}
STAFF_PASSWORD_PAGE = "auth.change_password"
ALWAYS_ALLOWED = {"auth.logout", "auth.logout_all", "static"}


def lifetime_policy() -> sessions.LifetimePolicy:
    """The session lifetimes of the configuration."""
    config = current_app.config
    days = config["SESSION_REMEMBER_DAYS"]
    return sessions.LifetimePolicy(
        staff=sessions.Lifetime(
            timedelta(minutes=config["SESSION_IDLE_MINUTES_STAFF"]),
            timedelta(hours=config["SESSION_MAX_HOURS_STAFF"]),
        ),
        student=sessions.Lifetime(
            timedelta(minutes=config["SESSION_IDLE_MINUTES_STUDENT"]),
            timedelta(hours=config["SESSION_MAX_HOURS_STUDENT"]),
        ),
        remember=sessions.Lifetime(timedelta(days=days), timedelta(days=days)) if days else None,
    )


def password_page(account: Account) -> str:
    """The endpoint where this account changes its own password."""
    return PASSWORD_PAGES.get(account.role, STAFF_PASSWORD_PAGE)


def sign_in(account: Account, remember: bool = False) -> None:
    """Start a session for ``account`` (a new row: the caller commits) and log the browser in."""
    lifetime, remembered = lifetime_policy().for_account(account, remember)
    sessions.start_session(account, lifetime, remembered)
    login_user(account)
    # A remembered session outlives the browser (PERMANENT_SESSION_LIFETIME); others end with it.
    session.permanent = remembered
    session[SEEN_KEY] = int(time.time())


def sign_out() -> None:
    """End this browser's session on the server too (the caller commits)."""
    token = getattr(current_user, "login_token", None)
    if token:
        sessions.end_session(token)
    logout_user()
    session.pop(SEEN_KEY, None)
    session.permanent = False


def load_account(user_id: str) -> Account | None:
    """Flask-Login's user loader: the account only while its session still works."""
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit() or len(raw_id) > 12:
        return None
    found = sessions.live_session(int(raw_id), token)
    if found is None:
        return None
    account, row = found
    seen = session.get(SEEN_KEY)
    if not isinstance(seen, int) or time.time() - seen > row.idle_minutes * 60:
        return None
    return account


def _touch_and_guard():
    """Refresh the last-seen time; send a user with a temporary password to the password page."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = int(time.time())
    if now - session.get(SEEN_KEY, 0) >= SEEN_RESOLUTION:
        session[SEEN_KEY] = now
    if not current_user.must_change_password:
        return None
    target = password_page(current_user)
    if request.endpoint == target or request.endpoint in ALWAYS_ALLOWED:
        return None
    if request.method == "GET":
        flash(
            "您的密码已由考试院重置，请先设置新密码。"
            if current_user.role == Role.STUDENT
            else "您正在使用管理员设置的临时密码，请先设置只有您自己知道的新密码。",
            "info",
        )
    return redirect(url_for(target))


def init_login(app: Flask) -> None:
    """Install the user loader and the per-request check on ``app``."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_account)
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        days=max(1, app.config["SESSION_REMEMBER_DAYS"])
    )
    app.before_request(_touch_and_guard)
