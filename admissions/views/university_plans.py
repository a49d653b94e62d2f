"""University pages for compiling its plan (招生计划编制): enter or upload lines, see the totals
against the approved scale, submit for the board's review."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from admissions.access import get_draft_line_for_university, roles_required
from admissions.extensions import db
from admissions.models import Exam
from admissions.models.candidate import CANDIDATE_TYPES
from admissions.models.plan import OWNERSHIPS
from admissions.services.plans import compile as plans
from admissions.views.university import bp, own_institution


def _exam(exam_id: int) -> Exam:
    return db.session.get(Exam, exam_id) or abort(404)


@bp.get("/plans")
@roles_required("university")
def plan_exams():
    """The exams the institution may compile a plan for, with its plan's status in each."""
    institution = own_institution()
    exams = db.session.scalars(select(Exam).order_by(Exam.year.desc(), Exam.code)).all()
    rows = [(exam, plans.find_submission(exam, institution)) for exam in exams]
    return render_template("university/plan_exams.html", institution=institution, rows=rows,
                           status_names=plans.STATUS_NAMES)  # fmt: skip


def _page(exam: Exam, errors: list[tuple[str, str]] | None = None, values=None, upload_errors=None):
    institution = own_institution()
    found = plans.find_submission(exam, institution)
    submission = found or plans.empty_submission(exam, institution)
    problems = [] if submission.status not in plans.EDITABLE else plans.draft_excesses([submission])
    status = 422 if errors or upload_errors else 200
    return render_template(
        "university/plan.html", exam=exam, institution=institution, submission=submission,
        totals=plans.level_totals(submission), excesses=problems, errors=errors or [],
        field_errors=dict(errors or []), values=values or {}, upload_errors=upload_errors or [],
        status_names=plans.STATUS_NAMES, editable=submission.status in plans.EDITABLE,
        published=0 if found else plans.published_count(exam, institution),
        candidate_types=CANDIDATE_TYPES,
        batch_options=[(b.code, f"{b.name}（{b.code}）") for b in exam.batches],
        category_options=[(c.code, f"{c.name}（{c.code}）") for c in exam.categories],
        ownership_options=[("", "不填"), *((o, o) for o in OWNERSHIPS)],
    ), status  # fmt: skip


@bp.get("/plans/<int:exam_id>")
@roles_required("university")
def plan_page(exam_id: int):
    """The institution's compiled plan for one exam."""
    return _page(_exam(exam_id))


@bp.post("/plans/<int:exam_id>/lines")
@roles_required("university")
def plan_add_line(exam_id: int):
    """Add one line typed on the page."""
    exam = _exam(exam_id)
    submission = plans.open_submission(exam, own_institution())
    values = {key: request.form.get(key, "").strip() for key in plans.FORM_KEYS}
    try:
        plans.add_line(submission, values, current_user._get_current_object())
    except plans.PlanError as refused:
        db.session.rollback()
        return _page(exam, refused.problems, values)
    db.session.commit()
    flash(f"已添加专业 {values['program_name']}（{values['program_code']}）。", "success")
    return redirect(url_for("university.plan_page", exam_id=exam.id))


@bp.post("/plans/lines/<int:line_id>/delete")
@roles_required("university")
def plan_delete_line(line_id: int):
    """Remove one line of the institution's own draft (another institution's: 403)."""
    line = get_draft_line_for_university(line_id)
    exam_id = line.submission.exam_id
    try:
        plans.delete_line(line.submission, line.id, current_user._get_current_object())
    except plans.PlanError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("university.plan_page", exam_id=exam_id))
    db.session.commit()
    flash(f"已删除专业 {line.program_name}（{line.program_code}）。", "success")
    return redirect(url_for("university.plan_page", exam_id=exam_id))


@bp.post("/plans/<int:exam_id>/upload")
@roles_required("university")
def plan_upload(exam_id: int):
    """Replace the draft's lines by an uploaded plans file (CSV or XLSX), all or nothing."""
    exam = _exam(exam_id)
    submission = plans.open_submission(exam, own_institution())
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(exam, [("file", "请选择要上传的计划文件（CSV 或 XLSX）")])
    try:
        errors = plans.upload_lines(submission, upload.read(), upload.filename,
                                    current_user._get_current_object())  # fmt: skip
    except plans.PlanError as refused:
        db.session.rollback()
        return _page(exam, refused.problems)
    if errors:
        db.session.rollback()
        return _page(exam, upload_errors=errors)
    db.session.commit()
    flash(f"已导入 {len(submission.lines)} 个专业，原有的编制内容已被替换。", "success")
    return redirect(url_for("university.plan_page", exam_id=exam.id))


@bp.post("/plans/<int:exam_id>/submit")
@roles_required("university")
def plan_submit(exam_id: int):
    """Submit the draft for the board's review (refused beyond the approved scale)."""
    exam = _exam(exam_id)
    submission = plans.open_submission(exam, own_institution())
    try:
        plans.submit(submission, current_user._get_current_object())
    except plans.PlanError as refused:
        db.session.rollback()
        return _page(exam, refused.problems)
    db.session.commit()
    flash("计划已提交考试院审核。审核期间不能修改；如被退回，可修改后再次提交。", "success")
    return redirect(url_for("university.plan_page", exam_id=exam.id))
