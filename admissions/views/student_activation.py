"""Account activation (激活账号) for candidates the board imported: a public page.

Routes attach to the ``public`` blueprint. Failed attempts are throttled per address and per
考生号 with the login throttle (``services.auth.throttle``), and audited by the service.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from admissions.access import public
from admissions.errors import render_error
from admissions.extensions import db, limiter
from admissions.forms.activation import ActivationForm
from admissions.login_sessions import sign_in
from admissions.services.auth import throttle
from admissions.services.students import activation
from admissions.views.public import HOME_ENDPOINTS, bp

THROTTLED = "尝试次数过多，请约 15 分钟后再试。如果激活码遗失或失效，请联系报名点或考试院重新领取。"


def _limits() -> throttle.LoginLimits:
    config = current_app.config
    return throttle.LoginLimits.parse(
        config["LOGIN_RATE_LIMIT"], config["LOGIN_ACCOUNT_LIMIT"],
        config["LOGIN_BACKOFF_LIMIT"], config["LOGIN_ADDRESS_LIMIT"],
    )  # fmt: skip


@bp.route("/activate", methods=["GET", "POST"])
@public
@limiter.limit("60 per minute", methods=["POST"])  # a school lab may share one address
def activate():
    """考生号 + 身份证号 + 激活码 + a new password: creates the login and signs the candidate in."""
    if current_user.is_authenticated:
        return redirect(url_for(HOME_ENDPOINTS[current_user.role]))
    form = ActivationForm()
    if form.validate_on_submit():
        number = (form.candidate_no.data or "").strip()
        subject = throttle.subject_key(None, f"activate:{number}")
        address = request.remote_addr or ""
        limits = _limits()
        if not throttle.login_allowed(limits, subject, address):
            return render_error(429, THROTTLED)
        try:
            account = activation.activate(
                number, form.national_id.data or "", form.code.data or "", form.password.data or ""
            )
        except activation.ActivationError as error:
            if error.field == "password":
                db.session.rollback()
                form.password.errors = [*form.password.errors, str(error)]
            else:
                db.session.commit()  # only the audit event of the failed attempt
                throttle.record_failure(limits, subject, address)
                form.code.errors = [*form.code.errors, str(error)]
        else:
            sign_in(account)
            db.session.commit()
            throttle.record_success(limits, subject, address)
            flash("账号已激活。以后请用考生号或身份证号和刚设置的密码登录。", "info")
            return redirect(url_for("student.home"))
    status = 400 if form.errors else 200
    return render_template("public/activate.html", form=form), status
