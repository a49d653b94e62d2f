"""Board pages about a candidate's account: the password reset done at the board's counter.

Routes attach to the ``board`` blueprint; the candidate is loaded with ``get_candidate_for_board``,
so only the board of the candidate's exam (or an admin) may reset.
"""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from admissions.access import get_candidate_for_board, roles_required
from admissions.extensions import db
from admissions.forms.board import PasswordResetForm
from admissions.services.students.accounts import (
    PasswordResetError,
    reset_student_password,
    student_account,
    temporary_password,
)
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
