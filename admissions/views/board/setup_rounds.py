"""Board page for rounds: each round's preference window and decisions deadline (Beijing time on
the page, UTC stored), open/close the window now, open the supplementary round (征集志愿)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from admissions.access import get_exam_for_board, roles_required
from admissions.extensions import db
from admissions.labels import named
from admissions.models import Exam, Round
from admissions.models.base import utcnow
from admissions.services.local_time import TimeInputError, parse_local, show_local, to_local_input
from admissions.services.rounds import windows as round_windows
from admissions.services.rounds.impact import unplaced_count, window_impact
from admissions.views.board import bp
from admissions.views.confirm import Confirmation, confirmation_page, confirmed

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
    """Open (or reopen) the round's preference window now, after a confirmation page."""
    exam, round_ = _load(exam_id, batch_code, number)
    if not confirmed():
        refused = _refused(exam, lambda: round_windows.check_open_now(exam, round_))
        if refused:
            return refused
        impact = window_impact(exam, round_)
        again = round_windows.window_state(round_) == "已截止"
        return _confirm(exam, round_, "重新开放志愿填报" if again else "立即开放志愿填报", [
            f"{impact.candidates:,} 名考生将可以{'重新' if again else ''}填报和修改"
            f"{round_.batch.name}第 {number} 轮志愿",
            "截止时间：" + (show_local(round_.prefs_close_at) if round_.prefs_close_at
                         and round_.prefs_close_at > utcnow() else "不限（请随后设置截止时间）"),
            f"已提交志愿 {impact.submitted:,} 人；他们可以修改后重新提交，以最后一次提交为准",
        ], "确认开放志愿填报", "setup_round_open")  # fmt: skip
    actor = current_user._get_current_object()
    return _do(
        exam,
        lambda: round_windows.open_now(exam, round_, actor=actor),
        f"第 {number} 轮志愿填报已开放。",
    )


@bp.post("/exams/<int:exam_id>/setup/rounds/<batch_code>/<int:number>/close")
@roles_required(*BOARD)
def setup_round_close_window(exam_id: int, batch_code: str, number: int):
    """Close the round's preference window now, after a confirmation page."""
    exam, round_ = _load(exam_id, batch_code, number)
    if not confirmed():
        refused = _refused(exam, lambda: round_windows.check_close_now(round_))
        if refused:
            return refused
        impact = window_impact(exam, round_)
        return _confirm(exam, round_, "立即截止志愿填报", [
            f"{impact.candidates:,} 名考生将无法再修改{round_.batch.name}第 {number} 轮志愿",
            f"已提交志愿 {impact.submitted:,} 人，按最后一次提交的版本投档",
            f"只有草稿、从未提交的 {impact.drafts_only:,} 人将不参加本轮投档",
            "截止后即可正式投档；如需让考生继续修改，可重新开放填报",
        ], "确认截止志愿填报", "setup_round_close_window")  # fmt: skip
    actor = current_user._get_current_object()
    return _do(
        exam,
        lambda: round_windows.close_now(exam, round_, actor=actor),
        f"第 {number} 轮志愿填报已截止。",
    )


def _refused(exam: Exam, check):
    """The rounds page with the refusal (409) when ``check`` refuses, else None."""
    try:
        check()
    except round_windows.WindowRefused as exc:
        flash(str(exc), "error")
        return _rounds_page(exam, 409)
    return None


def _confirm(exam: Exam, round_: Round, title: str, lines: list[str], button: str, endpoint: str,
             fields: dict[str, str] | None = None, action_number: int | None = None):  # fmt: skip
    batch, number = round_.batch, round_.number
    back = url_for("board.setup_rounds", exam_id=exam.id) + f"#round-{batch.code}-{number}"
    return confirmation_page(Confirmation(
        title=f"{title}：{batch.name} 第 {number} 轮", consequences=lines,
        action=url_for(f"board.{endpoint}", exam_id=exam.id, batch_code=batch.code,
                       number=number if action_number is None else action_number),
        button=button, back=back, fields=fields or {},
        crumbs=[(named(exam.name, exam.code), url_for("board.exam_detail", exam_id=exam.id)),
                ("轮次与时间", back)],
        facts=[("考试", named(exam.name, exam.code)), ("批次", named(batch.name, batch.code)),
               ("轮次", f"第 {number} 轮")],
    ), exam)  # fmt: skip


@bp.post("/exams/<int:exam_id>/setup/rounds/<batch_code>/<int:number>/supplementary")
@roles_required(*BOARD)
def setup_round_supplementary(exam_id: int, batch_code: str, number: int):
    """After round NUMBER is closed, open round NUMBER+1 over the seats still free, after a
    confirmation page (the times typed travel with it)."""
    exam, round_ = _load(exam_id, batch_code, number)
    if not confirmed():
        return _supplementary_confirmation(exam, round_)
    actor = current_user._get_current_object()
    return _do(
        exam,
        lambda: round_windows.open_supplementary(
            exam, round_.batch, number, *_times(), actor=actor
        ),
        f"已开放第 {number + 1} 轮（征集志愿）。",
    )


def _supplementary_confirmation(exam: Exam, round_: Round):
    """What opening the supplementary round does, with counts; bad times or a refusal first."""
    batch, after = round_.batch, round_.number
    try:
        opens, closes, _ = _times()
        round_windows.check_supplementary(exam, batch, after)
    except (TimeInputError, round_windows.WindowRefused) as exc:
        flash(str(exc), "error")
        return _rounds_page(exam, 422 if isinstance(exc, TimeInputError) else 409)
    seats = round_windows.free_seats(batch, after + 1)
    when = (
        (show_local(opens) if opens else "立即")
        + " 至 "
        + (show_local(closes) if closes else "不限（请随后设置截止时间）")
    )
    fields = {k: request.form.get(k, "") for k in ("opens", "closes", "deadline")}
    next_round = round_windows.get_round(exam, batch.code, after + 1) or round_
    return _confirm(exam, next_round, "开放征集志愿", [
        f"{batch.name}第 {after + 1} 轮（征集志愿）开放填报，空余计划 {seats:,} 个",
        f"尚未被录取的 {unplaced_count(exam):,} 名考生可以填报；已录取的考生不能参加",
        f"填报时间：{when}",
    ], "确认开放征集志愿", "setup_round_supplementary", fields, action_number=after)  # fmt: skip
