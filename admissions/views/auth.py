"""Log in (throttled without lockouts), log out, 退出所有设备, and the staff password change."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from admissions.access import login_only, public, roles_required
from admissions.errors import render_error
from admissions.extensions import db
from admissions.forms.auth import LoginForm, LogoutAllForm, LogoutForm, PasswordChangeForm
from admissions.login_sessions import sign_in, sign_out
from admissions.services import accounts, audit
from admissions.services.accounts import PasswordChangeError, change_own_password
from admissions.services.auth import sessions, throttle
from admissions.views.public import HOME_ENDPOINTS

bp = Blueprint("auth", __name__)
THROTTLED = "尝试次数过多，请稍后再试（约 15 分钟）。如果忘记了密码，考生请持身份证到考试院重置，工作人员请联系管理员。"


def _limits() -> throttle.LoginLimits:
    config = current_app.config
    return throttle.LoginLimits.parse(
        config["LOGIN_RATE_LIMIT"], config["LOGIN_ACCOUNT_LIMIT"],
        config["LOGIN_BACKOFF_LIMIT"], config["LOGIN_ADDRESS_LIMIT"],
    )  # fmt: skip


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
def login():
    """Show the login form; on success go to the role's home page."""
    if current_user.is_authenticated:
        return redirect(url_for(HOME_ENDPOINTS[current_user.role]))
    form = LoginForm()
    if form.validate_on_submit():
        typed = form.username.data or ""
        known = accounts.find_for_login(typed)
        subject = throttle.subject_key(known.id if known else None, typed)
        address = request.remote_addr or ""
        limits = _limits()
        if not throttle.login_allowed(limits, subject, address):
            return render_error(429, THROTTLED)
        account = accounts.authenticate(typed, form.password.data or "")
        if account is None:
            db.session.commit()
            throttle.record_failure(limits, subject, address)
            flash("用户名或密码错误，请重试。", "error")
        else:
            sign_in(account, remember=bool(form.remember.data))
            db.session.commit()
            throttle.record_success(limits, subject, address)
            target = _safe_next(request.args.get("next"))
            return redirect(target or url_for(HOME_ENDPOINTS[account.role]))
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_only
def logout():
    """End the session, on the server too (POST with CSRF token)."""
    form = LogoutForm()
    if form.validate_on_submit():
        audit.record(current_user._get_current_object(), "logout")
        sign_out()
        db.session.commit()
        flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.post("/logout/all")
@login_only
def logout_all():
    """End every session of the account on every device (退出所有设备)."""
    if not LogoutAllForm().validate_on_submit():
        return render_error(400)
    account = current_user._get_current_object()
    sessions.end_all_sessions(account)
    audit.record(account, "logout.all", account)
    sign_out()
    db.session.commit()
    flash("已在所有设备上退出登录。", "info")
    return redirect(url_for("auth.login"))


STAFF_WORDS = {
    "forced": "您正在使用管理员设置的临时密码。请输入该临时密码，并设置只有您自己知道的新密码，之后才能继续使用系统。",
    "hint": "密码至少 8 位，不能包含用户名，不能是常见密码（如 12345678、aaaaaaaa、password1）。几个不相关的词或拼音夹杂数字最好记也最难猜。",
    "done": "密码已修改，其他设备上的登录已全部退出。",
    "current": "当前密码（或管理员给出的临时密码）",
}  # fmt: skip


def password_change_page(words: dict[str, str], home_endpoint: str):
    """The password change of the signed-in account (staff or student): the current or temporary
    password asked again, the new one checked by the password rules; ``words`` give the page's
    notice, hint, done message and (optionally) the current-password label."""
    form = PasswordChangeForm()
    if "current" in words:
        form.current.label.text = words["current"]
    account = current_user._get_current_object()
    forced = account.must_change_password
    if form.validate_on_submit():
        try:
            change_own_password(account, form.current.data or "", form.new.data or "")
        except PasswordChangeError as error:
            db.session.rollback()
            field = form.current if error.field == "current" else form.new
            field.errors = [*field.errors, str(error)]
        else:
            sign_in(account)  # the change ended every session, this one included
            db.session.commit()
            flash(words["done"], "info")
            return redirect(url_for(home_endpoint))
    status = 400 if form.errors else 200
    return render_template(
        "auth/password.html", form=form, forced=forced, words=words, logout_all=LogoutAllForm()
    ), status  # fmt: skip


@bp.route("/account/password", methods=["GET", "POST"])
@roles_required("board", "university", "admin")
def change_password():
    """Staff choose their own password (required after an administrator's temporary one)."""
    return password_change_page(STAFF_WORDS, HOME_ENDPOINTS[current_user.role])
