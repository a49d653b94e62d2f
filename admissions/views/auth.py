"""Log in and log out."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from admissions.access import login_only, public
from admissions.extensions import db, limiter
from admissions.forms.auth import LoginForm, LogoutForm
from admissions.services import accounts, audit
from admissions.views.public import HOME_ENDPOINTS

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_name() -> str:
    """Key of the per-account limit: the login name tried, whatever the client address."""
    return "login:" + (request.form.get("username") or "").strip().lower()[:60]


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_name)
def login():
    """Show the login form; on success go to the role's home page."""
    if current_user.is_authenticated:
        return redirect(url_for(HOME_ENDPOINTS[current_user.role]))
    form = LoginForm()
    if form.validate_on_submit():
        account = accounts.authenticate(form.username.data or "", form.password.data or "")
        db.session.commit()
        if account is not None:
            login_user(account)
            target = _safe_next(request.args.get("next"))
            return redirect(target or url_for(HOME_ENDPOINTS[account.role]))
        flash("用户名或密码错误，请重试。", "error")
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_only
def logout():
    """End the session (POST with CSRF token)."""
    form = LogoutForm()
    if form.validate_on_submit():
        audit.record(current_user._get_current_object(), "logout")
        db.session.commit()
        logout_user()
        flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))
