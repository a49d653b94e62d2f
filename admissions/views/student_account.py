"""A student's own account: the password change, required after a board reset.

Routes attach to the ``student`` blueprint. A student whose password was reset by the board sees
nothing else until they chose a new password (``admissions.login_sessions``).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from admissions.access import roles_required
from admissions.extensions import db
from admissions.forms.auth import LogoutAllForm, PasswordChangeForm
from admissions.login_sessions import sign_in
from admissions.services.accounts import PasswordChangeError, change_own_password
from admissions.views.student import bp


@bp.route("/password", methods=["GET", "POST"])
@roles_required("student")
def change_password():
    """Choose a new password (the current or temporary one is asked again)."""
    form = PasswordChangeForm()
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
            flash("密码已修改，请牢记新密码。其他设备上的登录已全部退出。", "info")
            return redirect(url_for("student.home"))
    status = 400 if form.errors else 200
    return render_template(
        "student/password.html", form=form, forced=forced, logout_all=LogoutAllForm()
    ), status  # fmt: skip
