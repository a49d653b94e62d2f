"""Board page for control lines (最低控制分数线): counts for a proposed line, then fix it.

The proposal is a GET form (works without JavaScript; board_lines.js refreshes the result as the
clerk types); fixing is a POST, audited, refused once a run of the batch succeeded.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from admissions.access import get_exam_for_board, roles_required
from admissions.extensions import db
from admissions.labels import category_label
from admissions.models import Batch, Exam
from admissions.templating import line_words
from admissions.views.board import bp


def _batch(exam: Exam, code: str | None) -> Batch:
    if not exam.batches:
        abort(404)
    if not code:
        return exam.batches[0]
    return next((b for b in exam.batches if b.code == code), None) or abort(404)


def _page(exam: Exam, batch: Batch, args: dict[str, str], status: int = 200):
    # control_lines counts with the engine (numpy, pandas): loaded by this page, not at start-up
    from admissions.services.rounds.control_lines import (
        PARTS,
        batch_lines,
        lock_reason,
        parse_proposal,
        parse_ratio,
        proposal_result,
    )

    try:
        ratio, ratio_error = parse_ratio(args.get("ratio"))
        rows = batch_lines(exam, batch, ratio)
    except LookupError as exc:
        flash(str(exc), "error")
        return redirect(url_for("board.exam_detail", exam_id=exam.id))
    category = args.get("category") or (rows[0].code if rows else "")
    if rows and category not in {r.code for r in rows}:
        abort(404)
    proposal, errors = parse_proposal(args)
    if ratio_error:
        errors["ratio"] = ratio_error
    result = None
    if proposal.conditions() and not errors:
        result = proposal_result(exam, batch, category, proposal.conditions())
    html = render_template(
        "board/lines.html", exam=exam, batch=batch, rows=rows, ratio=ratio, category=category,
        values=args, parts=PARTS, errors=errors, result=result, locked=lock_reason(exam, batch),
    )  # fmt: skip
    return html, (422 if errors and status == 200 else status)


@bp.get("/exams/<int:exam_id>/lines")
@roles_required("board", "admin")
def control_lines(exam_id: int):
    """Seats, qualified candidates and the line per category; the count for a proposed line."""
    exam = get_exam_for_board(exam_id)
    batch = _batch(exam, request.args.get("batch"))
    return _page(exam, batch, request.args.to_dict())


@bp.post("/exams/<int:exam_id>/lines")
@roles_required("board", "admin")
def control_lines_fix(exam_id: int):
    """Fix the proposed line of one category (audited); refused once the batch has run."""
    from admissions.services.rounds.control_lines import LineRefused, fix_line, parse_proposal

    exam = get_exam_for_board(exam_id)
    batch = _batch(exam, request.form.get("batch"))
    args = request.form.to_dict()
    args.pop("csrf_token", None)
    proposal, errors = parse_proposal(args)
    if errors:
        return _page(exam, batch, args, 422)
    if request.form.get("confirm") != "yes":
        flash("请勾选确认框后再确定控制线。", "error")
        return _page(exam, batch, args, 400)
    category = args.get("category", "")
    try:
        fix_line(exam, batch, category, proposal, current_user._get_current_object())
    except LineRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _page(exam, batch, args, 409)
    db.session.commit()
    flash(
        f"已确定 {batch.name} {category_label(exam, category)} 的控制线："
        f"{line_words(proposal.conditions(), exam)}。",
        "success",
    )
    return redirect(url_for("board.control_lines", exam_id=exam.id, batch=batch.code,
                            category=category))  # fmt: skip
