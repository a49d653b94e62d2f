"""Board pages about a candidate's account: the password reset done at the board's counter, and
voiding a registration made with another person's ID number.

Routes attach to the ``board`` blueprint; the candidate is loaded with ``get_candidate_for_board``,
so only the board of the candidate's exam (or an admin) may act.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from admissions.access import get_candidate_for_board, roles_required
from admissions.extensions import db
from admissions.forms.board import PasswordResetForm, VoidRegistrationForm
from admissions.services.students.accounts import (
    PasswordResetError,
    reset_student_password,
    student_account,
    temporary_password,
)
from admissions.services.students.void import VoidError, void_registration
from admissions.views.board import BOARD, bp


@bp.route("/candidates/<int:candidate_id>/password", methods=["GET", "POST"])
@roles_required(*BOARD)
def student_password_reset(candidate_id: int):
    """Give a student a temporary password, shown once; they must change it at next login."""
    candidate = get_candidate_for_board(candidate_id)
    form = PasswordResetForm()
    has_account = student_account(candidate) is not None
    if has_account and form.validate_on_submit():
        password = temporary_password()
        try:
            reset_student_password(current_user, candidate, password, form.reason.data or "")
        except PasswordResetError as error:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(error)]
        else:
            db.session.commit()
            return _no_store(render_template(
                "board/password_done.html", candidate=candidate, password=password
            ))  # fmt: skip
    status = 400 if form.errors else 200
    return render_template(
        "board/password_reset.html", candidate=candidate, form=form, has_account=has_account
    ), status  # fmt: skip


def _no_store(body: str):
    """The temporary password must not stay in a browser cache or be shown again on back."""
    return body, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}


@bp.route("/candidates/<int:candidate_id>/void", methods=["GET", "POST"])
@roles_required(*BOARD)
def registration_void(candidate_id: int):
    """Void a registration (作废报名) with a reason, after the person's papers were checked."""
    candidate = get_candidate_for_board(candidate_id)
    form = VoidRegistrationForm()
    if form.validate_on_submit():
        exam_id = candidate.exam_id
        try:
            number = void_registration(current_user, candidate, form.reason.data or "")
        except VoidError as error:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(error)]
        else:
            db.session.commit()
            flash(
                f"考生号 {number} 的报名已作废，其账号已停用；身份证号持有人现在可以报名。", "info"
            )
            return redirect(url_for("board.candidate_search", exam_id=exam_id))
    status = 400 if form.errors else 200
    return render_template("board/registration_void.html", candidate=candidate, form=form), status
