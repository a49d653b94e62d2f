"""Board pages for rules, score computation and publication, and the 一分一段 table.

Routes attach to the ``board`` blueprint; every one loads its exam with ``get_exam_for_board``.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from admissions.access import get_exam_for_board, roles_required
from admissions.extensions import db
from admissions.labels import named
from admissions.models import Exam, ExamStatus
from admissions.services.exam import lifecycle as exam_lifecycle
from admissions.services.exam.rules import (
    RulesChangeRefused,
    RulesError,
    current_version,
    exam_rules,
    scheme_reports,
    update_exam_rules,
)
from admissions.services.exam.state import result_count, scores_published
from admissions.services.exports.ranktable import ranktable_bytes
from admissions.services.scores.compute import ComputeRefused, compute_refusal, compute_scores
from admissions.services.scores.publish import publish_scores
from admissions.services.scores.ranktable import categories_with_results, ranktable_rows
from admissions.views.board import bp
from admissions.views.board.consequences import status_consequences
from admissions.views.confirm import Confirmation, confirmation_page, confirmed
from scoring.rules_words import describe_rules

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _rules_page(exam: Exam, text: str, errors: list[str], status: int = 200):
    version = current_version(exam)
    stored = version.toml_text if version else ""
    reports = scheme_reports(stored) if stored else []
    try:
        words = describe_rules(exam_rules(exam)[1]) if version else None
    except (LookupError, RulesError):
        words = None
    return (
        render_template(
            "board/scores_rules.html", exam=exam, version=version, text=text,
            errors=errors, reports=reports, words=words,
        ),
        status,
    )  # fmt: skip


@bp.get("/exams/<int:exam_id>/rules")
@roles_required("board", "admin")
def exam_rules_page(exam_id: int):
    """The current rules, the scheme report, and a form to load a new version."""
    exam = get_exam_for_board(exam_id)
    version = current_version(exam)
    return _rules_page(exam, version.toml_text if version else "", [])


@bp.post("/exams/<int:exam_id>/rules")
@roles_required("board", "admin")
def exam_rules_update(exam_id: int):
    """Validate the edited rules; store a new version or show every error inline."""
    exam = get_exam_for_board(exam_id)
    text = request.form.get("rules", "")
    try:
        done = update_exam_rules(exam, text, actor=current_user)
    except RulesError as exc:
        db.session.rollback()
        return _rules_page(exam, text, [str(e) for e in exc.errors], 422)
    except RulesChangeRefused as exc:
        db.session.rollback()
        return _rules_page(exam, text, [str(exc)], 409)
    db.session.commit()
    flash(f"规则已保存为第 {done.version} 版。" if done.changed else "规则未变化。", "info")
    return redirect(url_for("board.exam_rules_page", exam_id=exam.id))


@bp.get("/exams/<int:exam_id>/scores")
@roles_required("board", "admin")
def exam_scores(exam_id: int):
    """Compute / publish buttons and the 一分一段 table of one category, with a bar chart."""
    exam = get_exam_for_board(exam_id)
    version = current_version(exam)
    computed = result_count(exam, version.id) if version else 0
    categories = categories_with_results(exam)
    category = request.args.get("category") or (categories[0] if categories else None)
    if category is not None and category not in categories:
        abort(404)
    rows = ranktable_rows(exam, category) if category else []
    return render_template(
        "board/scores_table.html", exam=exam, computed=computed, categories=categories,
        category=category, rows=rows, published=scores_published(exam),
    )  # fmt: skip


def _scores_confirmation(exam: Exam, title: str, lines: list[str], button: str, action: str,
                         fields: dict[str, str] | None = None):  # fmt: skip
    back = url_for("board.exam_scores", exam_id=exam.id)
    return confirmation_page(Confirmation(
        title=title, consequences=lines, action=url_for(action, exam_id=exam.id), button=button,
        back=back, fields=fields or {}, kind="danger" if fields else "primary",
        crumbs=[(named(exam.name, exam.code), url_for("board.exam_detail", exam_id=exam.id)),
                ("成绩与一分一段", back)],
        facts=[("考试", named(exam.name, exam.code)),
               ("规则", f"第 {exam.current_rules_version} 版" if exam.current_rules_version else "—")],
    ), exam)  # fmt: skip


@bp.post("/exams/<int:exam_id>/scores/compute")
@roles_required("board", "admin")
def exam_scores_compute(exam_id: int):
    """Compute every candidate's result after a confirmation page (recomputation after
    publication needs ``force``, chosen on the scores page)."""
    exam = get_exam_for_board(exam_id)
    force = request.form.get("force") == "yes"
    refused = compute_refusal(exam, force)
    if refused:
        flash(refused, "error")
        return redirect(url_for("board.exam_scores", exam_id=exam.id))
    if not confirmed():
        from admissions.services.scores.inputs import scored_count  # numpy: not at start-up

        count = scored_count(exam)
        lines = [f"按当前规则计算 {count:,} 名有成绩考生的总成绩、资格与位次，替换已有结果"]
        if force:
            lines.append("成绩已经发布：考生将看到重新计算后的成绩与位次，重算记入操作日志")
        return _scores_confirmation(
            exam,
            "计算成绩",
            lines,
            "确认计算成绩",
            "board.exam_scores_compute",
            {"force": "yes"} if force else None,
        )
    try:
        summary = compute_scores(exam, actor=current_user, force=force)
    except ComputeRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(summary.summary(), "info")
    return redirect(url_for("board.exam_scores", exam_id=exam.id))


@bp.post("/exams/<int:exam_id>/scores/publish")
@roles_required("board", "admin")
def exam_scores_publish(exam_id: int):
    """Publish the computed scores to candidates, after a confirmation page."""
    exam = get_exam_for_board(exam_id)
    problem = exam_lifecycle.refusal(exam, ExamStatus.SCORES_PUBLISHED)
    if problem is None and not confirmed():
        return confirmation_page_for_publish(exam)
    try:
        count = publish_scores(exam, actor=current_user)
    except ComputeRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"已发布 {count} 名考生的成绩与位次。", "info")
    return redirect(url_for("board.exam_scores", exam_id=exam.id))


def confirmation_page_for_publish(exam: Exam):
    """Publishing scores: who will see what, and that it cannot be taken back."""
    lines = status_consequences(exam, ExamStatus.SCORES_PUBLISHED)
    return _scores_confirmation(
        exam, "发布成绩", lines, "确认发布成绩", "board.exam_scores_publish"
    )


@bp.get("/exams/<int:exam_id>/scores/ranktable.<fmt>")
@roles_required("board", "admin")
def exam_ranktable_download(exam_id: int, fmt: str):
    """The whole 一分一段 table as CSV or XLSX (Chinese headers)."""
    exam = get_exam_for_board(exam_id)
    if fmt not in MIMETYPES:
        abort(404)
    try:
        data = ranktable_bytes(exam, fmt, headers="zh")
    except ComputeRefused:
        abort(404)
    name = f"{exam.code}-ranktable.{fmt}"
    return Response(
        data, mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )  # fmt: skip
