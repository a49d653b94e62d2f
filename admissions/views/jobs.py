"""Job pages (后台任务): status and progress for the board and for universities, the JSON the
page polls, and the download of a finished bulk letters PDF. Only the job's own side may look:
the exam's board (admin: any) or the job's institution."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, stream_with_context, url_for
from flask_login import current_user

from admissions.access import get_exam_for_board, roles_required
from admissions.extensions import db
from admissions.models import Job, JobStatus, StoredFile
from admissions.services import audit
from admissions.services.jobs import health
from admissions.services.jobs.tasks import letters_file
from admissions.services.storage import store
from admissions.views.board import BOARD
from admissions.views.board import bp as board_bp
from admissions.views.university import bp as university_bp
from admissions.views.university import own_institution


def job_for_board(job_id: int) -> Job:
    """A job of an exam the board account manages: 404 if unknown or not an exam's, else 403."""
    job = db.session.get(Job, job_id)
    if job is None or job.exam_id is None or job.institution_id is not None:
        abort(404)
    get_exam_for_board(job.exam_id)
    return job


def job_for_university(job_id: int) -> Job:
    """A job of the staff member's institution; anyone else's is 404 (ids cannot be probed)."""
    job = db.session.get(Job, job_id)
    if job is None or job.institution_id != current_user.institution_id:
        abort(404)
    return job


def status_json(job: Job) -> dict[str, object]:
    """What the page's script polls."""
    return {
        "status": job.status.value, "finished": job.finished, "done": job.done,
        "total": job.total, "percent": job.percent, "message": job.message, "error": job.error,
    }  # fmt: skip


@board_bp.get("/jobs/<int:job_id>")
@roles_required(*BOARD)
def job_page(job_id: int):
    """A board job: status and progress, refreshing itself until it ends."""
    job = job_for_board(job_id)
    return render_template("jobs/job.html", job=job, side="board")


@board_bp.get("/jobs/<int:job_id>/status")
@roles_required(*BOARD)
def job_status(job_id: int):
    """The job's state as JSON."""
    return status_json(job_for_board(job_id))


@university_bp.get("/jobs/<int:job_id>")
@roles_required("university")
def job_page_university(job_id: int):
    """A university job: status and progress, then the download."""
    job = job_for_university(job_id)
    kept = job.status == JobStatus.SUCCEEDED and letters_file(job) is not None
    return render_template("jobs/job.html", job=job, side="university", letters_kept=kept)


@university_bp.get("/jobs/<int:job_id>/status")
@roles_required("university")
def job_status_university(job_id: int):
    """The job's state as JSON."""
    return status_json(job_for_university(job_id))


@university_bp.get("/jobs/<int:job_id>/letters.pdf")
@roles_required("university")
def job_letters(job_id: int):
    """The bulk letters PDF a finished job made; audited."""
    job = job_for_university(job_id)
    file_id = letters_file(job) if job.status == JobStatus.SUCCEEDED else None
    stored = store.info(file_id) if file_id else None
    if stored is None:
        abort(404)
    audit.record(
        current_user, "letters.download", job, after={"letters": job.result.get("letters", 0)}
    )
    db.session.commit()
    return streamed_file(stored, "application/pdf")


def streamed_file(stored: StoredFile, mimetype: str) -> Response:
    """A stored file sent as an attachment, chunk by chunk from the shared storage."""
    response = Response(stream_with_context(store.open(stored.id)), mimetype=mimetype)
    response.headers["Content-Length"] = str(stored.size)
    response.headers.set("Content-Disposition", "attachment", filename=stored.filename)
    return response


def _retry(job: Job, endpoint: str):
    """Start the failed job again (a new job, same work) and go to its page."""
    try:
        again = health.retry(job, current_user._get_current_object())
    except health.RetryRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for(endpoint, job_id=job.id))
    db.session.commit()
    return redirect(url_for(endpoint, job_id=again.id))


@board_bp.post("/jobs/<int:job_id>/retry")
@roles_required(*BOARD)
def job_retry(job_id: int):
    """重试: run a failed board job again."""
    return _retry(job_for_board(job_id), "board.job_page")


@university_bp.post("/jobs/<int:job_id>/retry")
@roles_required("university")
def job_retry_university(job_id: int):
    """重试: run a failed university job again."""
    return _retry(job_for_university(job_id), "university.job_page_university")


@board_bp.get("/exams/<int:exam_id>/jobs")
@roles_required(*BOARD)
def exam_jobs(exam_id: int):
    """The exam's recent background jobs."""
    exam = get_exam_for_board(exam_id)
    jobs = health.recent_jobs(exam_id=exam.id)
    return render_template("jobs/list.html", jobs=jobs, exam=exam, side="board")


@university_bp.get("/jobs")
@roles_required("university")
def institution_jobs():
    """The institution's recent background jobs."""
    institution = own_institution()
    jobs = health.recent_jobs(institution_id=institution.id)
    return render_template("jobs/list.html", jobs=jobs, exam=None, side="university")
