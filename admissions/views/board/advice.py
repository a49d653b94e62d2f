"""Board page: the 冲/稳/保 margins the preference editor uses for the exam's candidates."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from admissions.access import get_exam_for_board, roles_required
from admissions.extensions import db
from admissions.services.students import advice
from admissions.views.board import BOARD, bp


@bp.route("/exams/<int:exam_id>/setup/advice", methods=["GET", "POST"])
@roles_required(*BOARD)
def setup_advice(exam_id: int):
    """Show and change the margins (whole percentages of a cutoff's 位次)."""
    exam = get_exam_for_board(exam_id)
    error = None
    values = {k: str(v) for k, v in advice.margins(exam).items()}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in advice.MARGIN_NAMES}
        try:
            advice.set_margins(current_user._get_current_object(), exam,
                               advice.parse_margins(values))  # fmt: skip
        except advice.MarginError as problem:
            db.session.rollback()
            error = (problem.field, str(problem))
        else:
            db.session.commit()
            flash("冲稳保提示幅度已保存。", "info")
            return redirect(url_for("board.setup_advice", exam_id=exam.id))
    return render_template(
        "board/setup_advice.html", exam=exam, values=values, error=error,
        defaults=advice.DEFAULT_MARGINS,
    ), 400 if error else 200  # fmt: skip
