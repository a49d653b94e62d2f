"""A student's own account: the password change, required after a board reset.

Routes attach to the ``student`` blueprint; a student whose password was reset by the board sees
nothing else of the student pages until they chose a new password.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from admissions.access import roles_required
from admissions.extensions import db
from admissions.forms.auth import PasswordChangeForm
from admissions.services.students.accounts import PasswordResetError, change_own_password
from admissions.views.student import bp


@bp.before_request
def _require_password_change():
    """After a board reset the temporary password only opens the change-password page."""
    if (
        current_user.is_authenticated
        and getattr(current_user, "must_change_password", False)
        and request.endpoint != "student.change_password"
    ):
        flash("您的密码已由考试院重置，请先设置新密码。", "info")
        return redirect(url_for("student.change_password"))
    return None


@bp.route("/password", methods=["GET", "POST"])
@roles_required("student")
def change_password():
    """Choose a new password (the current or temporary one is asked again)."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_own_password(current_user, form.current.data or "", form.new.data or "")
        except PasswordResetError as error:
            db.session.rollback()
            form.current.errors = [*form.current.errors, str(error)]
        else:
            db.session.commit()
            flash("密码已修改，请牢记新密码。", "info")
            return redirect(url_for("student.home"))
    status = 400 if form.errors else 200
    return render_template(
        "student/password.html", form=form, forced=current_user.must_change_password
    ), status  # fmt: skip
