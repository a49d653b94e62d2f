"""Board pages for exam setup: lifecycle status and registration window, categories and batches
(edited through the rules file), and the list of rules versions.

Routes attach to the ``board`` blueprint; every one loads its exam with ``get_exam_for_board``.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from admissions.access import get_exam_for_board, roles_required
from admissions.extensions import db
from admissions.labels import named
from admissions.models import Exam, ExamStatus
from admissions.services.exam import lifecycle as exam_lifecycle
from admissions.services.exam import structure as exam_structure
from admissions.services.exam.rules import RulesChangeRefused, RulesError
from admissions.services.local_time import TimeInputError, parse_local, to_local_input
from admissions.services.scores.compute import ComputeRefused
from admissions.services.scores.publish import publish_scores
from admissions.views.board import bp
from admissions.views.board.consequences import status_consequences
from admissions.views.confirm import Confirmation, confirmation_page, confirmed

BOARD = ("board", "admin")


def _actor():
    return current_user._get_current_object()


def _settings(exam: Exam, status: int = 200, opens: str | None = None, closes: str | None = None):
    html = render_template(
        "board/setup_exam.html", exam=exam, steps=exam_lifecycle.next_steps(exam),
        opens=to_local_input(exam.registration_opens_at) if opens is None else opens,
        closes=to_local_input(exam.registration_closes_at) if closes is None else closes,
    )  # fmt: skip
    return html, status


@bp.get("/exams/<int:exam_id>/setup")
@roles_required(*BOARD)
def setup_exam(exam_id: int):
    """Status with the allowed next steps, and the registration window."""
    return _settings(get_exam_for_board(exam_id))


@bp.post("/exams/<int:exam_id>/setup/status")
@roles_required(*BOARD)
def setup_status(exam_id: int):
    """Move the exam to the posted status, if the lifecycle's guard allows it, after a
    confirmation page that says what the change does."""
    exam = get_exam_for_board(exam_id)
    try:
        target = ExamStatus(request.form.get("target", ""))
    except ValueError:
        abort(400)
    problem = exam_lifecycle.refusal(exam, target)
    if problem is None and not confirmed():
        return _status_confirmation(exam, target)
    try:
        if target == ExamStatus.SCORES_PUBLISHED:
            publish_scores(exam, actor=_actor())
        else:
            exam_lifecycle.transition(exam, target, actor=_actor())
    except (exam_lifecycle.TransitionRefused, ComputeRefused) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _settings(exam, 409)
    db.session.commit()
    flash(f"考试状态已改为“{exam_lifecycle.STATUS_NAMES[target]}”。", "success")
    return redirect(url_for("board.setup_exam", exam_id=exam.id))


def _status_confirmation(exam: Exam, target: ExamStatus):
    names = exam_lifecycle.STATUS_NAMES
    lines = [f"考试状态将由“{names[exam.status]}”变为“{names[target]}”"]
    lines += status_consequences(exam, target)
    back = url_for("board.setup_exam", exam_id=exam.id)
    step = next(s.label for s in exam_lifecycle.next_steps(exam) if s.target == target)
    return confirmation_page(Confirmation(
        title=step, consequences=lines, action=url_for("board.setup_status", exam_id=exam.id),
        button=f"确认{step}", back=back, fields={"target": target.value},
        crumbs=[(named(exam.name, exam.code), url_for("board.exam_detail", exam_id=exam.id)),
                ("考试设置", back)],
        facts=[("考试", named(exam.name, exam.code))],
    ), exam)  # fmt: skip


@bp.post("/exams/<int:exam_id>/setup/registration")
@roles_required(*BOARD)
def setup_registration(exam_id: int):
    """Set the registration window (Beijing time on the form, UTC in the database)."""
    exam = get_exam_for_board(exam_id)
    opens_text, closes_text = request.form.get("opens", ""), request.form.get("closes", "")
    try:
        opens = parse_local(opens_text, "报名开始时间")
        closes = parse_local(closes_text, "报名截止时间")
        exam_lifecycle.set_registration_window(exam, opens, closes, actor=_actor())
    except (TimeInputError, exam_lifecycle.TransitionRefused) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _settings(exam, 422, opens_text, closes_text)
    db.session.commit()
    flash("报名时间已保存。", "success")
    return redirect(url_for("board.setup_exam", exam_id=exam.id))


def _structure(exam: Exam, status: int = 200):
    html = render_template(
        "board/setup_structure.html", exam=exam, lock=exam_structure.lock_reason(exam)
    )
    return html, status


@bp.get("/exams/<int:exam_id>/setup/structure")
@roles_required(*BOARD)
def setup_structure(exam_id: int):
    """Categories and batches, with forms while they may still change."""
    return _structure(get_exam_for_board(exam_id))


def _apply(exam: Exam, change):
    """Run a rules change; on refusal roll back and show the page with the message."""
    try:
        done = change()
    except (exam_structure.StructureInputError, RulesChangeRefused) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _structure(exam, 409 if isinstance(exc, RulesChangeRefused) else 422)
    except RulesError as exc:
        db.session.rollback()
        flash("规则检查未通过，未保存：" + "；".join(str(e) for e in exc.errors), "error")
        return _structure(exam, 422)
    db.session.commit()
    flash(f"已保存为规则第 {done.version} 版。" if done.changed else "没有变化。", "success")
    return redirect(url_for("board.setup_structure", exam_id=exam.id))


@bp.post("/exams/<int:exam_id>/setup/batches/<batch_code>")
@roles_required(*BOARD)
def setup_batch(exam_id: int, batch_code: str):
    """Change a batch's name, max choices, dispatch ratio and rounds (a new rules version)."""
    exam = get_exam_for_board(exam_id)
    if batch_code not in {b.code for b in exam.batches}:
        abort(404)
    f = request.form
    edit = exam_structure.BatchEdit(
        f.get("name", ""), f.get("max_choices", ""), f.get("ratio", ""), f.get("rounds", "")
    )
    return _apply(exam, lambda: exam_structure.update_batch(exam, batch_code, edit, actor=_actor()))


@bp.post("/exams/<int:exam_id>/setup/categories")
@roles_required(*BOARD)
def setup_category(exam_id: int):
    """Add a category or rename one (a new rules version)."""
    exam = get_exam_for_board(exam_id)
    code, name = request.form.get("code", ""), request.form.get("name", "")
    return _apply(exam, lambda: exam_structure.save_category(exam, code, name, actor=_actor()))


@bp.get("/exams/<int:exam_id>/setup/versions")
@roles_required(*BOARD)
def setup_versions(exam_id: int):
    """Every rules version: who, when, used by how many runs, frozen or not."""
    exam = get_exam_for_board(exam_id)
    return render_template(
        "board/setup_versions.html", exam=exam, versions=exam_structure.versions(exam)
    )


@bp.get("/exams/<int:exam_id>/setup/versions/<int:number>")
@roles_required(*BOARD)
def setup_version_text(exam_id: int, number: int):
    """The text of one rules version, read only."""
    exam = get_exam_for_board(exam_id)
    text = exam_structure.version_text(exam, number)
    if text is None:
        abort(404)
    return render_template("board/setup_version.html", exam=exam, number=number, text=text)
