"""Board pages for allocation rounds (投档): mock run, real run, results with cutoffs, close."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from admissions.access import get_exam_for_board, roles_required
from admissions.extensions import db
from admissions.models import Batch, Exam, Round
from admissions.services.exports.admissions import admission_rows, cutoff_rows
from admissions.services.jobs import queue as jobs
from admissions.services.rounds.build import RoundError, check_can_run
from admissions.services.rounds.close import close_round, publish_run
from admissions.services.rounds.run import find_batch, run_allocation
from admissions.services.rounds.runs import saved_runs
from admissions.views.board import bp


def _load(exam_id: int, batch_code: str) -> tuple[Exam, Batch]:
    exam = get_exam_for_board(exam_id)
    try:
        return exam, find_batch(exam, batch_code)
    except RoundError:
        abort(404)


def _page(exam: Exam, batch: Batch, number: int, mock: Any = None, status: int = 200):
    run = next(iter(saved_runs(batch, number)), None)
    cutoffs = [c for c in cutoff_rows(exam, batch.code) if c["round"] == number] if run else []
    rows = [r for r in admission_rows(exam, batch.code) if r["round"] == number] if run else []
    round_row = db.session.scalar(
        select(Round).where(Round.batch_id == batch.id, Round.number == number)
    )
    html = render_template(
        "board/rounds_batch.html", exam=exam, batch=batch, number=number, run=run, mock=mock,
        cutoffs=cutoffs, status_counts=_status_counts(rows), round_row=round_row,
    )  # fmt: skip
    return html, status


def _status_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"dispatched": 0, "admitted": 0, "rejected": 0}
    for row in rows:
        counts[row["status"]] += 1
    return counts


@bp.get("/exams/<int:exam_id>/rounds/<batch_code>/<int:number>")
@roles_required("board", "admin")
def round_page(exam_id: int, batch_code: str, number: int):
    """A batch's round: the saved run's results and cutoffs, and the buttons."""
    exam, batch = _load(exam_id, batch_code)
    return _page(exam, batch, number)


@bp.post("/exams/<int:exam_id>/rounds/<batch_code>/<int:number>/mock")
@roles_required("board", "admin")
def round_mock(exam_id: int, batch_code: str, number: int):
    """Mock run (模拟投档): the result and cutoffs are shown; nothing is saved."""
    exam, batch = _load(exam_id, batch_code)
    try:
        outcome = run_allocation(exam, batch, number, dry_run=True)
    except RoundError as exc:
        flash(str(exc), "error")
        return _page(exam, batch, number, status=409)
    db.session.rollback()
    return _page(exam, batch, number, mock=outcome)


@bp.post("/exams/<int:exam_id>/rounds/<batch_code>/<int:number>/run")
@roles_required("board", "admin")
def round_run(exam_id: int, batch_code: str, number: int):
    """The real run (正式投档), after an explicit confirmation, as a background job; saved only
    when verified (the job page shows the violations otherwise)."""
    exam, batch = _load(exam_id, batch_code)
    if request.form.get("confirm") != "yes":
        flash("请勾选确认后再正式投档。", "error")
        return _page(exam, batch, number, status=400)
    args = {"batch_code": batch.code, "number": number}
    running = jobs.active_job("round_run", exam.id, **args)
    if running is not None:
        flash("本轮已有正在进行的正式投档任务。", "info")
        return redirect(url_for("board.job_page", job_id=running.id))
    try:
        check_can_run(exam, batch, number)
    except RoundError as exc:
        flash(str(exc), "error")
        return _page(exam, batch, number, status=409)
    job = jobs.enqueue("round_run", args, actor=current_user._get_current_object(), exam_id=exam.id)
    db.session.commit()
    return redirect(url_for("board.job_page", job_id=job.id))


@bp.post("/exams/<int:exam_id>/rounds/<batch_code>/<int:number>/close")
@roles_required("board", "admin")
def round_close(exam_id: int, batch_code: str, number: int):
    """End the open round; pending dispatches are admitted only if the box is ticked."""
    exam, batch = _load(exam_id, batch_code)
    admit = request.form.get("admit_pending") == "yes"
    try:
        out = close_round(
            exam, batch, admit_pending=admit, actor=current_user._get_current_object()
        )
    except RoundError as exc:
        db.session.rollback()
        flash(
            str(exc).replace("使用 --admit-pending 全部录取", "勾选“未审核考生全部录取”"), "error"
        )
        return _page(exam, batch, number, status=409)
    db.session.commit()
    flash(
        f"第 {out.round_number} 轮已结束：录取 {out.admitted} 人，退档 {out.rejected} 人。",
        "success",
    )
    return redirect(
        url_for("board.round_page", exam_id=exam.id, batch_code=batch.code, number=number)
    )


@bp.post("/exams/<int:exam_id>/rounds/<batch_code>/<int:number>/publish")
@roles_required("board", "admin")
def round_publish(exam_id: int, batch_code: str, number: int):
    """Publish the saved run's results and cutoffs to candidates (after an explicit tick)."""
    exam, batch = _load(exam_id, batch_code)
    if request.form.get("confirm") != "yes":
        flash("请勾选确认后再公布投档结果。", "error")
        return _page(exam, batch, number, status=400)
    try:
        dispatched = publish_run(exam, batch, number, actor=current_user._get_current_object())
    except RoundError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _page(exam, batch, number, status=409)
    db.session.commit()
    flash(
        f"第 {number} 轮投档结果已公布：考生可查看投档去向（{dispatched} 人）与投档线。", "success"
    )
    return redirect(
        url_for("board.round_page", exam_id=exam.id, batch_code=batch.code, number=number)
    )
