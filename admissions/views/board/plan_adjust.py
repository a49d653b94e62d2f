"""Board page for adjustments of the published plan (计划调整): one institution's lines with a
form each, a new 征集 line from the reserve, and the history of every adjustment."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from admissions.access import get_exam_for_board, roles_required
from admissions.extensions import db
from admissions.models import Exam, Institution, PlanLine
from admissions.services.plans import adjust
from admissions.services.plans.compile import FORM_KEYS, PlanError
from admissions.views.board import BOARD, bp


def _lines(exam: Exam, code: str) -> list[PlanLine]:
    if not code:
        return []
    query = (
        select(PlanLine).join(Institution, Institution.id == PlanLine.institution_id)
        .where(PlanLine.exam_id == exam.id, Institution.code == code)
        .order_by(PlanLine.batch_id, PlanLine.program_code)
    )  # fmt: skip
    return list(db.session.scalars(query))


def _page(exam: Exam, code: str, errors=None, values=None, line_id: int | None = None):
    return render_template(
        "board/plan_adjust.html", exam=exam, code=code, lines=_lines(exam, code),
        history=adjust.history(exam), errors=errors or [], field_errors=dict(errors or []),
        values=values or {}, error_line=line_id,
        batch_options=[(b.code, f"{b.name}（{b.code}）") for b in exam.batches],
        category_options=[(c.code, f"{c.name}（{c.code}）") for c in exam.categories],
    ), (422 if errors else 200)  # fmt: skip


@bp.get("/exams/<int:exam_id>/plan-adjustments")
@roles_required(*BOARD)
def plan_adjustments(exam_id: int):
    """Find an institution's published lines to adjust; every adjustment made so far."""
    exam = get_exam_for_board(exam_id)
    return _page(exam, request.args.get("institution", "").strip()[:5])


@bp.post("/exams/<int:exam_id>/plan-adjustments")
@roles_required(*BOARD)
def plan_adjust_line(exam_id: int):
    """Change one published line's seats (from the reserve, when ticked)."""
    exam = get_exam_for_board(exam_id)
    line = db.session.get(PlanLine, request.form.get("line_id", type=int) or 0)
    if line is None or line.exam_id != exam.id:
        abort(404)
    form = request.form
    try:
        adjust.adjust_line(line, form.get("seats", ""), form.get("reason", ""),
                           current_user._get_current_object(),
                           from_reserve=form.get("from_reserve") == "yes")  # fmt: skip
    except PlanError as refused:
        db.session.rollback()
        return _page(exam, line.institution.code, refused.problems, form.to_dict(), line.id)
    db.session.commit()
    flash(
        f"已调整 {line.program_name}（{line.program_code}）的计划数为 {line.seats} 人。", "success"
    )
    return redirect(url_for("board.plan_adjustments", exam_id=exam.id,
                            institution=line.institution.code))  # fmt: skip


@bp.post("/exams/<int:exam_id>/plan-adjustments/new-line")
@roles_required(*BOARD)
def plan_reserve_line(exam_id: int):
    """A new line for a 征集 round, its seats released from the reserve."""
    exam = get_exam_for_board(exam_id)
    fields = {k: request.form.get(k, "").strip() for k in ("institution_code", *FORM_KEYS)}
    try:
        adjust.add_reserve_line(exam, fields, request.form.get("reason", ""),
                                current_user._get_current_object())  # fmt: skip
    except PlanError as refused:
        db.session.rollback()
        values = {**fields, "reason": request.form.get("reason", "")}
        return _page(exam, fields["institution_code"][:5], refused.problems, values)
    db.session.commit()
    flash(f"已从预留计划新增专业 {fields['program_name']}（{fields['program_code']}）。", "success")
    return redirect(url_for("board.plan_adjustments", exam_id=exam.id,
                            institution=fields["institution_code"]))  # fmt: skip
