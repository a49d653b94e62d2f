"""Board pages for rules, score computation and publication, and the 一分一段 table.

Routes attach to the ``board`` blueprint; every one loads its exam with ``get_exam_for_board``.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from admissions.access import get_exam_for_board, roles_required
from admissions.extensions import db
from admissions.models import Exam
from admissions.services.exam.rules import (
    RulesChangeRefused,
    RulesError,
    current_version,
    scheme_reports,
    update_exam_rules,
)
from admissions.services.exam.state import result_count, scores_published
from admissions.services.exports.ranktable import ranktable_bytes
from admissions.services.scores.compute import ComputeRefused, compute_scores
from admissions.services.scores.publish import publish_scores
from admissions.services.scores.ranktable import categories_with_results, chart_bars, ranktable_rows
from admissions.views.board import bp

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _rules_page(exam: Exam, text: str, errors: list[str], status: int = 200):
    version = current_version(exam)
    stored = version.toml_text if version else ""
    reports = scheme_reports(stored) if stored else []
    return (
        render_template(
            "board/scores_rules.html", exam=exam, version=version, text=text,
            errors=errors, reports=reports,
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
        category=category, rows=rows, bars=chart_bars(rows, width=620, height=3), published=scores_published(exam),
    )  # fmt: skip


def _confirmed() -> bool:
    if request.form.get("confirm") == "yes":
        return True
    flash("请先勾选确认框。", "error")
    return False


@bp.post("/exams/<int:exam_id>/scores/compute")
@roles_required("board", "admin")
def exam_scores_compute(exam_id: int):
    """Compute every candidate's result (recomputation after publication needs ``force``)."""
    exam = get_exam_for_board(exam_id)
    if _confirmed():
        try:
            summary = compute_scores(
                exam, actor=current_user, force=request.form.get("force") == "yes"
            )
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
    """Publish the computed scores to candidates."""
    exam = get_exam_for_board(exam_id)
    if _confirmed():
        try:
            count = publish_scores(exam, actor=current_user)
        except ComputeRefused as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"已发布 {count} 名考生的成绩与位次。", "info")
    return redirect(url_for("board.exam_scores", exam_id=exam.id))


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
