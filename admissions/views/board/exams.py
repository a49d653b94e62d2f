"""Board pages: the exams, imports with preview, score correction, the audit log."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from admissions.access import get_candidate_for_board, get_exam_for_board, roles_required
from admissions.errors import render_error
from admissions.extensions import db
from admissions.files.errors import errors_as_csv, errors_as_text
from admissions.forms.board import (
    AuditFilterForm,
    CandidateSearchForm,
    ConfirmForm,
    ScoreReasonForm,
    UploadForm,
)
from admissions.models import Candidate, Exam, Job, PlanLine, Role
from admissions.services import audit_log
from admissions.services.imports import previews
from admissions.services.imports import uploads as imports_uploads
from admissions.services.imports.pipeline import KIND_NAMES, import_file
from admissions.services.jobs import queue as jobs
from admissions.services.scores import entry as score_entry
from admissions.views.board import BOARD, bp

AUDIT_CSV_LIMIT = 100_000


@bp.get("/")
@roles_required(*BOARD)
def home():
    """The exams this account may manage, with a few counts each."""
    query = select(Exam).order_by(Exam.year.desc(), Exam.code)
    if current_user.role != Role.ADMIN:
        query = query.where(Exam.province_id == current_user.province_id)
    exams = db.session.scalars(query).all()
    return render_template("board/home.html", exams=exams)


@bp.get("/exams/<int:exam_id>")
@roles_required(*BOARD)
def exam_detail(exam_id: int):
    """One exam: status and sizes, the import kinds and the other tools."""
    exam = get_exam_for_board(exam_id)
    candidates = db.session.scalar(
        select(func.count(Candidate.id)).where(Candidate.exam_id == exam.id)
    )
    seats = db.session.scalar(
        select(func.coalesce(func.sum(PlanLine.seats), 0)).where(PlanLine.exam_id == exam.id)
    )
    return render_template(
        "board/exam.html", exam=exam, candidates=candidates, seats=seats, kinds=KIND_NAMES,
        search=CandidateSearchForm(),
    )  # fmt: skip


@bp.route("/exams/<int:exam_id>/imports/<kind>", methods=["GET", "POST"])
@roles_required(*BOARD)
def import_upload(exam_id: int, kind: str):
    """Upload a file of KIND; it is kept server-side and previewed before anything is written."""
    exam = get_exam_for_board(exam_id)
    if kind not in KIND_NAMES:
        abort(404)
    form = UploadForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            token = imports_uploads.store_upload(
                exam.id, kind, upload.filename or "upload", upload.stream, current_user.id
            )
        except imports_uploads.UploadRefused as refused:
            db.session.rollback()
            form.file.errors = [*form.file.errors, str(refused)]
            status = 413
        else:
            db.session.commit()
            stored = _upload_or_404(exam, token)
            if stored.size < current_app.config["JOBS_IMPORT_MIN_BYTES"]:
                previews.preview(exam, stored, current_user)  # parsed once, here; kept
                db.session.commit()
            return redirect(url_for("board.import_preview", exam_id=exam.id, token=token))
    return render_template(
        "board/import_upload.html", exam=exam, kind=kind, kinds=KIND_NAMES, form=form
    ), status


def _upload_or_404(exam: Exam, token: str) -> imports_uploads.Upload:
    return imports_uploads.load_upload(token, exam.id, current_user.id) or abort(404)


@bp.get("/exams/<int:exam_id>/uploads/<token>")
@roles_required(*BOARD)
def import_preview(exam_id: int, token: str):
    """What the stored upload would change, or every error in it."""
    exam = get_exam_for_board(exam_id)
    upload = _upload_or_404(exam, token)
    page = request.args.get("page", "1")
    if not page.isascii() or not page.isdigit() or not 1 <= int(page) <= 1_000_000:
        return render_error(400, "页码须为正整数，例如 ?page=2。")
    result = previews.kept(upload)
    if result is None and upload.size >= current_app.config["JOBS_IMPORT_MIN_BYTES"]:
        job = _preview_job(exam, upload)
        result = previews.kept(upload)  # a job run at once ("sync") has kept it already
        if result is None:
            return render_template(
                "board/import_checking.html", exam=exam, upload=upload, job=job, kinds=KIND_NAMES
            )
    if result is None:
        result = previews.preview(exam, upload, current_user)
        db.session.commit()
    pages = previews.page_count(result)
    if int(page) > pages:
        return render_error(400, f"页码超出范围：预览共 {pages} 页。")
    return render_template(
        "board/import_preview.html", exam=exam, upload=upload, result=result, kinds=KIND_NAMES,
        form=ConfirmForm(), page=int(page), pages=pages,
        errors=previews.page_of(result.errors, int(page)),
        changes=previews.page_of(result.changes, int(page)),
        page_size=previews.PAGE_SIZE,
    )  # fmt: skip


def _preview_job(exam: Exam, upload: imports_uploads.Upload) -> Job:
    """The job checking a large upload for its preview: the one noted, or a new one."""
    job_id = previews.preview_job_id(upload)
    job = db.session.get(Job, job_id) if job_id else None
    if job is None:
        job = jobs.enqueue(
            "import_preview", {"token": upload.token, "kind": upload.kind},
            actor=current_user._get_current_object(), exam_id=exam.id,
        )  # fmt: skip
        previews.remember_job(upload, job.id)
        db.session.commit()
        db.session.expire_all()
    return job


@bp.post("/exams/<int:exam_id>/uploads/<token>/cancel")
@roles_required(*BOARD)
def import_cancel(exam_id: int, token: str):
    """Cancel a preview: the stored upload is removed (it frees the account's upload quota)."""
    exam = get_exam_for_board(exam_id)
    upload = _upload_or_404(exam, token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    imports_uploads.discard_upload(upload.token)
    db.session.commit()
    flash("已取消该预览，上传的文件已删除。", "info")
    return redirect(url_for("board.import_upload", exam_id=exam.id, kind=upload.kind))


@bp.get("/exams/<int:exam_id>/uploads/<token>/errors.<fmt>")
@roles_required(*BOARD)
def import_errors(exam_id: int, token: str, fmt: str):
    """The upload's error list as a download (.txt or .csv)."""
    exam = get_exam_for_board(exam_id)
    upload = _upload_or_404(exam, token)
    if fmt not in ("txt", "csv"):
        abort(404)
    result = previews.preview(exam, upload, current_user)
    db.session.commit()
    if fmt == "txt":
        body, mimetype = errors_as_text(result.errors).encode("utf-8"), "text/plain; charset=utf-8"
    else:
        body, mimetype = errors_as_csv(result.errors), "text/csv; charset=utf-8"
    disposition = f'attachment; filename="import-errors.{fmt}"'
    return body, 200, {"Content-Type": mimetype, "Content-Disposition": disposition}


@bp.post("/exams/<int:exam_id>/uploads/<token>")
@roles_required(*BOARD)
def import_confirm(exam_id: int, token: str):
    """Import the stored upload: all or nothing, one commit; a large file as a background job."""
    exam = get_exam_for_board(exam_id)
    upload = _upload_or_404(exam, token)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if upload.size >= current_app.config["JOBS_IMPORT_MIN_BYTES"]:
        previews.forget(upload)  # the job checks the file again: a later preview re-reads it once
        job = jobs.active_job("import", exam.id, token=token) or jobs.enqueue(
            "import", {"token": token, "kind": upload.kind, "filename": upload.filename},
            actor=current_user._get_current_object(), exam_id=exam.id,
        )  # fmt: skip
        db.session.commit()
        return redirect(url_for("board.job_page", job_id=job.id))
    result = import_file(
        exam, upload.kind, upload.data, upload.filename, current_user, dry_run=False
    )
    if not result.ok:
        db.session.rollback()
        previews.keep(upload, result)  # the preview shows what the import found just now
        db.session.commit()
        flash("文件有错误，未导入任何数据。", "error")
        return redirect(url_for("board.import_preview", exam_id=exam.id, token=token))
    imports_uploads.discard_upload(token)
    db.session.commit()
    return render_template("board/import_done.html", exam=exam, result=result, kinds=KIND_NAMES)


@bp.get("/exams/<int:exam_id>/candidates")
@roles_required(*BOARD)
def candidate_search(exam_id: int):
    """Find candidates of the exam, to correct their scores or see their history."""
    exam = get_exam_for_board(exam_id)
    form = CandidateSearchForm(request.args)
    found = score_entry.find_candidates(exam.id, form.q.data or "") if form.validate() else []
    return render_template("board/candidates.html", exam=exam, form=form, found=found)


@bp.route("/candidates/<int:candidate_id>/scores", methods=["GET", "POST"])
@roles_required(*BOARD)
def score_edit(candidate_id: int):
    """Enter or correct one candidate's scores; a reason is required and every change audited."""
    candidate = get_candidate_for_board(candidate_id)
    form = ScoreReasonForm()
    entries = {c.code: request.form.get(f"score-{c.code}", "") for c in candidate.exam.components}
    errors = score_entry.check_entries(candidate, entries) if request.method == "POST" else {}
    if form.validate_on_submit() and not errors:
        changed = score_entry.correct_scores(candidate, entries, form.reason.data, current_user)
        db.session.commit()
        flash(f"已保存，修改了 {changed} 科成绩。" if changed else "成绩没有变化。", "info")
        return redirect(url_for("board.score_history", candidate_id=candidate.id))
    grid = score_entry.score_grid(candidate)
    values = entries if request.method == "POST" else {r.component.code: r.current for r in grid}
    status = 422 if request.method == "POST" else 200
    return render_template(
        "board/scores.html", candidate=candidate, grid=grid, values=values, errors=errors, form=form,
    ), status  # fmt: skip


@bp.get("/candidates/<int:candidate_id>/history")
@roles_required(*BOARD)
def score_history(candidate_id: int):
    """Every change of the candidate's scores: when, who, before, after, why."""
    candidate = get_candidate_for_board(candidate_id)
    events = audit_log.score_history(candidate)
    return render_template("board/history.html", candidate=candidate, events=events)


@bp.get("/exams/<int:exam_id>/audit")
@roles_required(*BOARD)
def audit(exam_id: int):
    """The exam's audit log, filtered by action, actor, candidate and dates."""
    exam = get_exam_for_board(exam_id)
    form, events = _audit_events(exam, limit=500)
    labels = audit_log.object_labels(events)
    return render_template("board/audit.html", exam=exam, form=form, events=events, labels=labels)


@bp.get("/exams/<int:exam_id>/audit.csv")
@roles_required(*BOARD)
def audit_csv(exam_id: int):
    """The filtered audit log as a CSV download (Chinese headers and action names)."""
    exam = get_exam_for_board(exam_id)
    form, events = _audit_events(exam, limit=AUDIT_CSV_LIMIT)
    if form.errors:
        abort(400)
    disposition = f'attachment; filename="{exam.code}-audit.csv"'
    body = audit_log.events_csv(events)
    return (
        body,
        200,
        {"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": disposition},
    )


def _audit_events(exam: Exam, limit: int) -> tuple[AuditFilterForm, list]:
    form = AuditFilterForm(request.args)
    form.offer_actions(audit_log.exam_actions(exam.id))
    if not form.validate():
        return form, []
    events = audit_log.exam_events(
        exam.id, action=form.action.data or None, actor=form.actor.data or None,
        since=form.since.data, until=form.until.data,
        candidate_no=(form.candidate_no.data or "").strip() or None, limit=limit,
    )  # fmt: skip
    return form, events
