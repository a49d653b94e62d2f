"""Board page for rounds: each round's preference window and decisions deadline (Beijing time on
the page, UTC stored), open/close the window now, open the supplementary round (征集志愿)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from admissions.access import get_exam_for_board, roles_required
from admissions.extensions import db
from admissions.models import Exam, Round
from admissions.services.local_time import TimeInputError, parse_local, to_local_input
from admissions.services.rounds import windows as round_windows
from admissions.views.board import bp

BOARD = ("board", "admin")


def _rounds_page(exam: Exam, status: int = 200):
    html = render_template(
        "board/setup_rounds.html", exam=exam, local=to_local_input,
        batches=[(b, round_windows.batch_rounds(b)) for b in exam.batches],
    )  # fmt: skip
    return html, status


def _load(exam_id: int, batch_code: str, number: int) -> tuple[Exam, Round]:
    exam = get_exam_for_board(exam_id)
    round_ = round_windows.get_round(exam, batch_code, number)
    if round_ is None:
        abort(404)
    return exam, round_


def _times() -> tuple:
    f = request.form
    return (
        parse_local(f.get("opens"), "志愿填报开始时间"),
        parse_local(f.get("closes"), "志愿填报截止时间"),
        parse_local(f.get("deadline"), "院校审核截止时间"),
    )


def _do(exam: Exam, action, done: str):
    try:
        action()
    except (TimeInputError, round_windows.WindowRefused) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        bad_input = isinstance(exc, TimeInputError | round_windows.TimeOrderError)
        return _rounds_page(exam, 422 if bad_input else 409)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("board.setup_rounds", exam_id=exam.id))


@bp.get("/exams/<int:exam_id>/setup/rounds")
@roles_required(*BOARD)
def setup_rounds(exam_id: int):
    """Every batch's rounds with their windows, deadlines, states and free seats."""
    return _rounds_page(get_exam_for_board(exam_id))


@bp.post("/exams/<int:exam_id>/setup/rounds/<batch_code>/<int:number>/times")
@roles_required(*BOARD)
def setup_round_times(exam_id: int, batch_code: str, number: int):
    """Save a round's preference window and decisions deadline."""
    exam, round_ = _load(exam_id, batch_code, number)
    actor = current_user._get_current_object()
    return _do(
        exam,
        lambda: round_windows.set_times(exam, round_, *_times(), actor=actor),
        f"第 {number} 轮的时间已保存。",
    )


@bp.post("/exams/<int:exam_id>/setup/rounds/<batch_code>/<int:number>/open")
@roles_required(*BOARD)
def setup_round_open(exam_id: int, batch_code: str, number: int):
    """Open the round's preference window now."""
    exam, round_ = _load(exam_id, batch_code, number)
    actor = current_user._get_current_object()
    return _do(
        exam,
        lambda: round_windows.open_now(exam, round_, actor=actor),
        f"第 {number} 轮志愿填报已开放。",
    )


@bp.post("/exams/<int:exam_id>/setup/rounds/<batch_code>/<int:number>/close")
@roles_required(*BOARD)
def setup_round_close_window(exam_id: int, batch_code: str, number: int):
    """Close the round's preference window now."""
    exam, round_ = _load(exam_id, batch_code, number)
    actor = current_user._get_current_object()
    return _do(
        exam,
        lambda: round_windows.close_now(exam, round_, actor=actor),
        f"第 {number} 轮志愿填报已截止。",
    )


@bp.post("/exams/<int:exam_id>/setup/rounds/<batch_code>/<int:number>/supplementary")
@roles_required(*BOARD)
def setup_round_supplementary(exam_id: int, batch_code: str, number: int):
    """After round NUMBER is closed, open round NUMBER+1 over the seats still free."""
    exam, round_ = _load(exam_id, batch_code, number)
    actor = current_user._get_current_object()
    return _do(
        exam,
        lambda: round_windows.open_supplementary(
            exam, round_.batch, number, *_times(), actor=actor
        ),
        f"已开放第 {number + 1} 轮（征集志愿）。",
    )
