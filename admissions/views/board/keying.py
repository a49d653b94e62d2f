"""Board pages for double entry (双录入): create a sheet, key it twice, resolve, apply.

Routes attach to the ``board`` blueprint; each loads its exam or sheet with the ownership check.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from admissions.access import get_exam_for_board, get_keying_sheet_for_board, roles_required
from admissions.extensions import db
from admissions.forms.board import ConfirmForm, KeyingCancelForm, KeyingResolveForm, KeyingSheetForm
from admissions.labels import named
from admissions.models import KeyingSheet
from admissions.services.keying import compare as keying_compare
from admissions.services.keying import passes
from admissions.services.keying import sheets as keying
from admissions.services.keying.sheets import KeyingError
from admissions.views.board import BOARD, bp


def _sheet_url(sheet: KeyingSheet) -> str:
    return url_for("board.keying_sheet", sheet_id=sheet.id)


@bp.get("/exams/<int:exam_id>/keying")
@roles_required(*BOARD)
def keying_list(exam_id: int):
    """The exam's double-entry sheets and their status."""
    exam = get_exam_for_board(exam_id)
    query = select(KeyingSheet).where(KeyingSheet.exam_id == exam.id).order_by(KeyingSheet.id)
    sheets = db.session.scalars(query).all()
    return render_template(
        "board/keying_list.html", exam=exam, sheets=sheets, status_names=keying.STATUS_NAMES
    )


@bp.route("/exams/<int:exam_id>/keying/new", methods=["GET", "POST"])
@roles_required(*BOARD)
def keying_new(exam_id: int):
    """Create a sheet from typed/pasted candidate numbers, or from a category."""
    exam = get_exam_for_board(exam_id)
    form = KeyingSheetForm()
    form.components.choices = [SelectChoice(c.code, c.name) for c in exam.components]
    form.category.choices = [SelectChoice("", "（不按类别）")] + [
        SelectChoice(c.code, named(c.name, c.code)) for c in exam.categories
    ]
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            sheet = keying.create_sheet(
                exam, form.name.data or "", list(form.components.data or []),
                form.numbers.data or "", form.category.data or "", current_user,
            )  # fmt: skip
        except KeyingError as error:
            db.session.rollback()
            errors = error.messages
        else:
            db.session.commit()
            flash(f"已建立录入单「{sheet.name}」，共 {len(sheet.lines)} 名考生。", "info")
            return redirect(_sheet_url(sheet))
    status = 422 if request.method == "POST" else 200
    return render_template("board/keying_new.html", exam=exam, form=form, errors=errors), status


@bp.get("/keying/<int:sheet_id>")
@roles_required(*BOARD)
def keying_sheet(sheet_id: int):
    """The sheet: its passes, the comparison with a resolve form per difference, apply, cancel."""
    sheet = get_keying_sheet_for_board(sheet_id)
    both = sheet.pass1_at is not None and sheet.pass2_at is not None
    return render_template(
        "board/keying_sheet.html", sheet=sheet, exam=sheet.exam,
        components=keying.sheet_components(sheet), passes=passes.pass_states(sheet),
        differences=keying_compare.differences(sheet) if both else [],
        status_names=keying.STATUS_NAMES, form=ConfirmForm(), cancel_form=KeyingCancelForm(),
    )  # fmt: skip


@bp.route("/keying/<int:sheet_id>/pass/<int:pass_no>", methods=["GET", "POST"])
@roles_required(*BOARD)
def keying_pass(sheet_id: int, pass_no: int):
    """Key one pass: a grid of inputs, one per candidate and component (blank = not keyed)."""
    sheet = get_keying_sheet_for_board(sheet_id)
    if pass_no not in keying.PASSES:
        abort(404)
    refused = passes.refuse_pass(sheet, pass_no, current_user)
    if refused:
        flash(refused, "error")
        return redirect(_sheet_url(sheet))
    form = ConfirmForm()
    components = keying.sheet_components(sheet)
    cells = [(line.candidate_id, c.code) for line in sheet.lines for c in components]
    errors: dict[tuple[int, str], str] = {}
    if request.method == "POST":
        values = {cell: request.form.get(f"v-{cell[0]}-{cell[1]}", "") for cell in cells}
        if form.validate_on_submit():
            errors = passes.check_pass(sheet, values)
            if not errors:
                keyed = passes.save_pass(sheet, pass_no, values, current_user)
                db.session.commit()
                flash(f"第 {pass_no} 遍已保存，录入 {keyed} 项（共 {len(cells)} 项）。", "info")
                return redirect(_sheet_url(sheet))
    else:
        values = passes.keyed_texts(sheet, pass_no)
    return render_template(
        "board/keying_pass.html", sheet=sheet, pass_no=pass_no, components=components,
        values=values, errors=errors, form=form,
    ), (422 if request.method == "POST" else 200)  # fmt: skip


@bp.post("/keying/<int:sheet_id>/resolve")
@roles_required(*BOARD)
def keying_resolve(sheet_id: int):
    """Settle one difference with a chosen or typed value and a reason."""
    sheet = get_keying_sheet_for_board(sheet_id)
    form = KeyingResolveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        keying_compare.resolve(
            sheet, form.candidate_id.data or 0, form.component.data or "",
            form.choice.data or "", form.value.data or "", form.reason.data or "", current_user,
        )  # fmt: skip
    except KeyingError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("已处理该差异。", "info")
    return redirect(_sheet_url(sheet) + "#differences")


@bp.post("/keying/<int:sheet_id>/apply")
@roles_required(*BOARD)
def keying_apply(sheet_id: int):
    """Write the settled values to the candidates' scores, in one transaction."""
    sheet = get_keying_sheet_for_board(sheet_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        changed = keying_compare.apply_sheet(sheet, current_user)
    except KeyingError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"成绩已写入，{changed} 名考生的成绩有变化。", "info")
    return redirect(_sheet_url(sheet))


@bp.post("/keying/<int:sheet_id>/cancel")
@roles_required(*BOARD)
def keying_cancel(sheet_id: int):
    """Cancel a sheet that was not applied (it then no longer holds back publication)."""
    sheet = get_keying_sheet_for_board(sheet_id)
    form = KeyingCancelForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        keying_compare.cancel_sheet(sheet, form.reason.data or "", current_user)
    except KeyingError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"录入单「{sheet.name}」已作废。", "info")
    return redirect(_sheet_url(sheet))
