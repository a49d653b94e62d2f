"""Board pages for plans (招生计划): the approved scale, institutions' compiled plans (review,
return, approve), publication, and the province's totals against the scale."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from admissions.access import get_exam_for_board, get_submission_for_board, roles_required
from admissions.extensions import db
from admissions.models import Exam
from admissions.models.scale import LEVELS
from admissions.services.imports.scale_check import scale_rows
from admissions.services.plans import compile as plans
from admissions.services.plans import report, review, totals
from admissions.services.plans.export import plan_bytes, plan_rows
from admissions.views.board import BOARD, bp

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _overview(exam: Exam, errors: list[tuple[str, str]] | None = None, values=None):
    html = render_template(
        "board/plans.html", exam=exam, levels=totals.level_rows(exam),
        institutions=totals.institution_rows(exam), categories=totals.grouped_rows(exam, "category"),
        types=totals.grouped_rows(exam, "type"), submissions=review.submissions(exam),
        scale=sorted(scale_rows(exam).values(), key=lambda r: (r.level, r.institution_code)),
        status_names=plans.STATUS_NAMES, errors=errors or [], field_errors=dict(errors or []),
        values=values or {}, level_options=[("", "请选择"), *((lv, lv) for lv in LEVELS)],
    )  # fmt: skip
    return html, 422 if errors else 200


@bp.get("/exams/<int:exam_id>/plans")
@roles_required(*BOARD)
def plans_page(exam_id: int):
    """The scale, the province's totals against it, and every institution's compiled plan."""
    return _overview(get_exam_for_board(exam_id))


@bp.post("/exams/<int:exam_id>/scale")
@roles_required(*BOARD)
def scale_set(exam_id: int):
    """Enter or replace one row of the approved scale."""
    exam = get_exam_for_board(exam_id)
    values = {
        k: request.form.get(k, "").strip()
        for k in ("level", "institution_code", "seats", "reserved")
    }
    try:
        totals.set_scale_row(exam, values["level"], values["institution_code"], values["seats"],
                             values["reserved"], current_user._get_current_object())  # fmt: skip
    except plans.PlanError as refused:
        db.session.rollback()
        return _overview(exam, refused.problems, values)
    db.session.commit()
    flash("已保存核定招生规模。", "success")
    return redirect(url_for("board.plans_page", exam_id=exam.id))


@bp.post("/exams/<int:exam_id>/scale/<int:row_id>/delete")
@roles_required(*BOARD)
def scale_delete(exam_id: int, row_id: int):
    """Remove one row of the approved scale."""
    exam = get_exam_for_board(exam_id)
    try:
        totals.delete_scale_row(exam, row_id, current_user._get_current_object())
    except LookupError:
        abort(404)
    db.session.commit()
    flash("已删除这一行核定规模。", "success")
    return redirect(url_for("board.plans_page", exam_id=exam.id))


def _review_page(submission, errors: list[tuple[str, str]] | None = None, status: int = 200):
    return render_template(
        "board/plan_review.html", exam=submission.exam, submission=submission,
        totals=plans.level_totals(submission), excesses=plans.draft_excesses([submission]),
        status_names=plans.STATUS_NAMES, errors=errors or [], field_errors=dict(errors or []),
    ), (422 if errors else status)  # fmt: skip


@bp.get("/exams/<int:exam_id>/plans/<int:submission_id>")
@roles_required(*BOARD)
def plan_review(exam_id: int, submission_id: int):
    """One institution's compiled plan, with its totals against the scale."""
    return _review_page(get_submission_for_board(exam_id, submission_id))


@bp.post("/exams/<int:exam_id>/plans/<int:submission_id>/decision")
@roles_required(*BOARD)
def plan_decide(exam_id: int, submission_id: int):
    """Approve the plan, or return it with a reason."""
    submission = get_submission_for_board(exam_id, submission_id)
    actor = current_user._get_current_object()
    action = request.form.get("action")
    try:
        if action == "approve":
            review.approve(submission, actor)
        elif action == "return":
            review.return_plan(submission, request.form.get("reason", ""), actor)
        else:
            abort(400)
    except plans.PlanError as refused:
        db.session.rollback()
        return _review_page(submission, refused.problems)
    db.session.commit()
    done = "已审核通过" if action == "approve" else "已退回学校"
    flash(f"{submission.institution.name}的计划{done}。", "success")
    return redirect(url_for("board.plans_page", exam_id=exam_id))


@bp.post("/exams/<int:exam_id>/plans/publish")
@roles_required(*BOARD)
def plans_publish(exam_id: int):
    """Publish every approved plan: its lines become the exam's plan."""
    exam = get_exam_for_board(exam_id)
    if request.form.get("confirm") != "yes":
        return _overview(exam, [("confirm", "请勾选确认框后再公布计划")])
    try:
        count = review.publish(exam, current_user._get_current_object())
    except plans.PlanError as refused:
        db.session.rollback()
        return _overview(exam, refused.problems)
    db.session.commit()
    flash(f"已公布 {count} 所院校的招生计划，考生现在可以在招生计划中看到。", "success")
    return redirect(url_for("board.plans_page", exam_id=exam.id))


@bp.get("/exams/<int:exam_id>/plans/download")
@roles_required(*BOARD)
def plans_download(exam_id: int):
    """The published plan (seats after adjustments) as CSV or XLSX, in the plans file's columns."""
    exam = get_exam_for_board(exam_id)
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        abort(400, "格式应为 csv 或 xlsx")
    headers = "zh" if request.args.get("headers", "zh") == "zh" else "en"
    data = plan_bytes(plan_rows(exam), fmt, headers, f"{exam.name} 招生计划")
    mimetype = "text/csv" if fmt == "csv" else XLSX_MIME
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=f"{exam.code}-plans.{fmt}")  # fmt: skip


@bp.get("/exams/<int:exam_id>/plans/report")
@roles_required(*BOARD)
def plans_report(exam_id: int):
    """The 应用型本科 report: seats by institution type, level and category, beside last year's."""
    exam = get_exam_for_board(exam_id)
    built = report.build_report(exam)
    fmt = request.args.get("format", "html")
    if fmt == "html":
        return render_template("board/plan_report.html", exam=exam, report=built)
    if fmt not in ("xlsx", "pdf"):
        abort(400, "格式应为 xlsx 或 pdf")
    mimetype = XLSX_MIME if fmt == "xlsx" else "application/pdf"
    return send_file(io.BytesIO(report.report_bytes(built, fmt)), mimetype=mimetype,
                     as_attachment=True, download_name=f"{exam.code}-plan-report.{fmt}")  # fmt: skip
