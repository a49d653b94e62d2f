"""Board pages for allocation rounds (投档): mock run, real run, results with cutoffs, publish,
close. The real run, publication and closing first show a confirmation page with counts."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from admissions.access import get_exam_for_board, roles_required
from admissions.extensions import db
from admissions.labels import named
from admissions.models import Batch, Exam, Round, RunStatus
from admissions.services.exam.locks import lock_batch
from admissions.services.exports.admissions import cutoff_rows
from admissions.services.jobs import queue as jobs
from admissions.services.rounds.close import close_round, open_round_run, publish_run
from admissions.services.rounds.guards import RoundError, find_batch
from admissions.services.rounds.impact import DecisionCounts, decision_counts, run_impact
from admissions.services.rounds.runs import saved_runs
from admissions.services.rounds.windows import window_state
from admissions.views.board import bp
from admissions.views.confirm import Confirmation, confirmation_page, confirmed


def _load(exam_id: int, batch_code: str) -> tuple[Exam, Batch]:
    exam = get_exam_for_board(exam_id)
    try:
        return exam, find_batch(exam, batch_code)
    except RoundError:
        abort(404)


def _round_row(batch: Batch, number: int) -> Round | None:
    return db.session.scalar(
        select(Round).where(Round.batch_id == batch.id, Round.number == number)
    )


def _page(exam: Exam, batch: Batch, number: int, mock: Any = None, status: int = 200):
    run = next(iter(saved_runs(batch, number)), None)
    cutoffs = [c for c in cutoff_rows(exam, batch.code) if c["round"] == number] if run else []
    round_row = _round_row(batch, number)
    html = render_template(
        "board/rounds_batch.html", exam=exam, batch=batch, number=number, run=run, mock=mock,
        cutoffs=cutoffs, status_counts=decision_counts(run) if run else DecisionCounts(),
        round_row=round_row, state=window_state(round_row) if round_row else "未设置",
    )  # fmt: skip
    return html, status


def _url(exam: Exam, batch: Batch, number: int, action: str = "round_page") -> str:
    return url_for(f"board.{action}", exam_id=exam.id, batch_code=batch.code, number=number)


def _confirm(exam: Exam, batch: Batch, number: int, title: str, lines: list[str], button: str,
             action: str, fields: dict[str, str] | None = None):  # fmt: skip
    back = _url(exam, batch, number)
    return confirmation_page(Confirmation(
        title=f"{title}：{batch.name} 第 {number} 轮", consequences=lines,
        action=_url(exam, batch, number, action), button=button, back=back, fields=fields or {},
        crumbs=[(named(exam.name, exam.code), url_for("board.exam_detail", exam_id=exam.id)),
                (f"{batch.name} 第 {number} 轮", back)],
        facts=[("考试", named(exam.name, exam.code)), ("批次", named(batch.name, batch.code)),
               ("轮次", f"第 {number} 轮")],
    ), exam)  # fmt: skip


@bp.get("/exams/<int:exam_id>/rounds/<batch_code>/<int:number>")
@roles_required("board", "admin")
def round_page(exam_id: int, batch_code: str, number: int):
    """A batch's round: its state, the saved run's results and cutoffs, and the buttons."""
    exam, batch = _load(exam_id, batch_code)
    return _page(exam, batch, number)


@bp.post("/exams/<int:exam_id>/rounds/<batch_code>/<int:number>/mock")
@roles_required("board", "admin")
def round_mock(exam_id: int, batch_code: str, number: int):
    """Mock run (模拟投档): the result and cutoffs are shown; nothing is saved."""
    from admissions.services.rounds.run import run_allocation  # the engine: numpy, pandas

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
    """The real run (正式投档) as a background job, after its confirmation page; saved only
    when verified (the job page shows the violations otherwise)."""
    from admissions.services.rounds.build import check_can_run  # the engine's input: numpy

    exam, batch = _load(exam_id, batch_code)
    args = {"batch_code": batch.code, "number": number}
    lock_batch(batch.id)  # a double POST: the second waits here, then finds the first's job
    running = jobs.active_job("round_run", exam.id, **args)
    if running is not None:
        flash("本轮已有正在进行的正式投档任务。", "info")
        return redirect(url_for("board.job_page", job_id=running.id))
    try:
        check_can_run(exam, batch, number)
    except RoundError as exc:
        flash(str(exc), "error")
        return _page(exam, batch, number, status=409)
    if not confirmed():
        impact = run_impact(batch, number)
        return _confirm(exam, batch, number, "正式投档", [
            f"按 {impact.with_preferences:,} 名考生已提交的志愿，向 {impact.lines:,} 条计划"
            f"（空余 {impact.free_seats:,} 个）正式投档，结果经校验后保存",
            "保存后本轮不能重复投档；院校即可审核投档考生",
            "投档结果暂不公布，考生在公布后才能看到",
        ], "确认正式投档", "round_run")  # fmt: skip
    job = jobs.enqueue("round_run", args, actor=current_user._get_current_object(), exam_id=exam.id)
    db.session.commit()
    return redirect(url_for("board.job_page", job_id=job.id))


@bp.post("/exams/<int:exam_id>/rounds/<batch_code>/<int:number>/close")
@roles_required("board", "admin")
def round_close(exam_id: int, batch_code: str, number: int):
    """End the open round after its confirmation page; pending dispatches are admitted only
    when the board chose so (else, with any pending, closing is refused at once)."""
    exam, batch = _load(exam_id, batch_code)
    admit = request.form.get("admit_pending") == "yes"
    try:
        run = open_round_run(batch)
    except RoundError as exc:
        flash(str(exc), "error")
        return _page(exam, batch, number, status=409)
    counts = decision_counts(run)
    if not confirmed() and (admit or not counts.dispatched):
        lines = [f"已录取 {counts.admitted:,} 人、已退档 {counts.rejected:,} 人，结论不再改变"]
        if counts.dispatched:
            lines.append(f"{counts.dispatched:,} 名待审核考生将全部录取（不再等待院校审核，"
                         "可因投档比例或同分并列超出计划数）")  # fmt: skip
        lines.append("本轮投档结果与投档线将公布（如尚未公布）；之后可开放下一轮征集志愿")
        title = "结束本轮并全部录取" if counts.dispatched else "结束本轮"
        return _confirm(exam, batch, run.round_number, title, lines, "确认结束本轮", "round_close",
                        {"admit_pending": "yes"} if admit else None)  # fmt: skip
    try:
        out = close_round(
            exam, batch, admit_pending=admit, actor=current_user._get_current_object()
        )
    except RoundError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _page(exam, batch, number, status=409)
    db.session.commit()
    flash(
        f"第 {out.round_number} 轮已结束：录取 {out.admitted} 人，退档 {out.rejected} 人。",
        "success",
    )
    return redirect(_url(exam, batch, number))


@bp.post("/exams/<int:exam_id>/rounds/<batch_code>/<int:number>/publish")
@roles_required("board", "admin")
def round_publish(exam_id: int, batch_code: str, number: int):
    """Publish the saved run's results and cutoffs to candidates, after its confirmation page."""
    exam, batch = _load(exam_id, batch_code)
    run = next(iter(saved_runs(batch, number)), None)
    if run is not None and run.status != RunStatus.PUBLISHED and not confirmed():
        counts = decision_counts(run)
        return _confirm(exam, batch, number, "公布投档结果", [
            f"{counts.total:,} 名已投档考生将看到自己的投档去向",
            "各专业的投档线（最低分与位次）将向所有人公开",
            "公布后不能撤回",
        ], "确认公布", "round_publish")  # fmt: skip
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
    return redirect(_url(exam, batch, number))
