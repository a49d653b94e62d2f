"""Pages of university staff (高校): overview, review and decisions, downloads, letters, tokens."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from admissions import idcard
from admissions.access import get_institution_for_university, roles_required
from admissions.extensions import db
from admissions.files.errors import errors_as_text
from admissions.forms.university import (
    BulkDecisionForm,
    DecisionForm,
    DecisionUploadForm,
    LettersForm,
    RevokeForm,
    TokenForm,
)
from admissions.models import AllocationRun, Dispatch, Institution, utcnow
from admissions.services import audit
from admissions.services.exports import records as export_service
from admissions.services.jobs import queue as jobs
from admissions.services.jobs.tasks import admitted_count
from admissions.services.rounds import decisions as decision_service
from admissions.services.rounds.decisions_upload import apply_decisions_file
from admissions.services.universities import letters
from admissions.services.universities import overview as uni
from admissions.services.universities import review as review_list
from admissions.services.universities import tokens as api_tokens

bp = Blueprint("university", __name__)


@bp.context_processor
def university_helpers() -> dict[str, object]:
    """Template helpers of these pages."""
    return {
        "mask_id": idcard.mask,
        "plain": export_service.plain_decimal,
        "may_manage_tokens": api_tokens.may_manage,
    }


def own_institution() -> Institution:
    """The institution of the logged-in staff member."""
    return get_institution_for_university(current_user.institution_id)


def token_admin_institution() -> Institution:
    """The institution, for its admin user only (other staff get 403 on the token pages)."""
    if not api_tokens.may_manage(current_user):
        abort(403)
    return own_institution()


def own_run(run_id: int) -> AllocationRun:
    """A live run in which the institution holds plan lines; anything else is 404."""
    return uni.run_for_institution(run_id, current_user.institution_id) or abort(404)


def own_dispatch(dispatch_id: int) -> Dispatch:
    """A dispatch to the staff member's institution; another's is 404 (ids cannot be probed)."""
    dispatch = db.session.get(Dispatch, dispatch_id)
    if dispatch is None or dispatch.institution_id != current_user.institution_id:
        abort(404)
    return dispatch


@bp.get("/")
@roles_required("university")
def home():
    """The institution's plan lines with counts, its rounds and their cutoffs."""
    institution = own_institution()
    return render_template(
        "university/home.html",
        institution=institution,
        lines=uni.plan_overview(institution.id),
        rounds=uni.rounds_for(institution.id),
        cutoffs=uni.cutoffs_for(institution.id),
    )


def _filters() -> review_list.ReviewFilter:
    args = request.args
    return review_list.ReviewFilter(
        status=args.get("status", ""),
        program_code=args.get("program", ""),
        search=args.get("q", "")[:40],
        sort=args.get("sort", "total"),
        page=args.get("page", 1, type=int) if len(args.get("page", "")) < 7 else 1,
    )


@bp.get("/runs/<int:run_id>")
@roles_required("university")
def review(run_id: int):
    """The round's dispatched candidates: filter, sort, explanations, bulk decisions."""
    # a run of the staff member's own institution, else 404 (a university account always has
    # its institution: the account table's ck_account_role_scope)
    run = own_run(run_id)
    institution_id = current_user.institution_id
    filters = _filters()
    found = review_list.review_page(run, institution_id, filters)
    around = review_list.review_context(run)
    ids = [c.id for _, c, _ in found.rows]
    return render_template(
        "university/review.html",
        run=run,
        heading=around.heading,
        rows=found.rows,
        total=found.total,
        page=found.page,
        pages=found.pages,
        filters=filters,
        explain=review_list.explanations(
            run, ids, around.formula, found.results, around.components
        ),
        problem=around.problem,
        programs=review_list.programs_of(run, institution_id),
        bulk=BulkDecisionForm(),
        upload=DecisionUploadForm(),
        letters_form=LettersForm(),
    )


@bp.post("/runs/<int:run_id>/decisions")
@roles_required("university")
def bulk_decide(run_id: int):
    """The same decision for every ticked dispatch, all or nothing."""
    institution = own_institution()
    run = own_run(run_id)
    form = BulkDecisionForm()
    ids = [int(v) for v in request.form.getlist("dispatch_id") if v.isdigit()]
    back = redirect(url_for(".review", run_id=run.id, **request.args))
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "error")
        return back
    if not ids:
        flash("请先勾选考生。", "error")
        return back
    items = [
        decision_service.Decision(i, form.decision.data or "", form.reason_text()) for i in ids
    ]
    try:
        for item in items:
            if decision_service.load_dispatch(item.dispatch_id, institution.id).run_id != run.id:
                raise decision_service.DecisionError(f"投档记录 {item.dispatch_id} 不属于本轮")
        decision_service.decide_many(current_user, institution.id, items)
    except decision_service.DecisionError as error:
        db.session.rollback()
        flash(f"未保存任何结论：{error}", "error")
        return back
    db.session.commit()
    flash(f"已提交 {len(items)} 名考生的结论。", "info")
    return back


@bp.route("/dispatches/<int:dispatch_id>", methods=["GET", "POST"])
@roles_required("university")
def dispatch_detail(dispatch_id: int):
    """One dispatched candidate: scores, explanation, and the admit / reject form."""
    dispatch = own_dispatch(dispatch_id)
    run = db.session.get(AllocationRun, dispatch.run_id)
    form = DecisionForm()
    majors = uni.group_majors(dispatch)
    form.program_code.choices = [
        SelectChoice("", "（不调整）"),
        *(SelectChoice(v, t) for v, t in majors),
    ]
    if form.validate_on_submit():
        item = decision_service.Decision(
            dispatch.id,
            form.decision.data or "",
            form.reason_text(),
            form.program_code.data or None,
        )
        try:
            decision_service.decide(current_user, current_user.institution_id, item)
        except decision_service.DecisionError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("结论已保存。", "info")
            return redirect(url_for(".dispatch_detail", dispatch_id=dispatch.id))
    status = 400 if form.errors else 200
    return render_template(
        "university/dispatch.html",
        dispatch=dispatch,
        run=run,
        view=uni.dispatch_view(dispatch),
        explain=review_list.explanations(run, [dispatch.candidate_id])[dispatch.candidate_id],
        form=form,
        problem=decision_service.review_problem(run),
    ), status


@bp.post("/runs/<int:run_id>/upload")
@roles_required("university")
def upload_decisions(run_id: int):
    """Decisions from a file for this round's exam: all rows applied, or none and every error."""
    institution = own_institution()
    run = own_run(run_id)
    form = DecisionUploadForm()
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for(".review", run_id=run.id))
    upload = form.file.data
    result = apply_decisions_file(
        current_user, institution.id, run.exam_id, upload.read(), upload.filename or "upload.csv"
    )
    if not result.ok:
        db.session.rollback()
        return render_template(
            "university/upload_errors.html", run=run, report=errors_as_text(result.errors)
        ), 400
    db.session.commit()
    flash(f"已导入 {result.applied} 条结论。", "info")
    return redirect(url_for(".review", run_id=run.id))


def _number_arg(name: str) -> int | None:
    """A whole-number filter of the query string; one no column can hold is refused (400)."""
    value = request.args.get(name, type=int)
    if value is not None and not 0 <= value < 2**31:
        abort(400)
    return value


def _export_filter(institution_id: int, fmt: str) -> export_service.ExportFilter:
    args = request.args
    status = args.get("status", "")
    if fmt == "pdf" and not status and args.get("include_all") != "yes":
        status = "admitted"  # the printed 录取名单 lists the admitted unless asked otherwise
    return export_service.ExportFilter(
        institution_id=institution_id,
        exam_id=_number_arg("exam"),
        batch_id=_number_arg("batch"),
        round_number=_number_arg("round"),
        program_code=args.get("program", ""),
        status=status,
    )


@bp.get("/exports")
@roles_required("university")
def exports():
    """Choose what to download: exam, batch, round, program, status, format and columns."""
    institution = own_institution()
    return render_template(
        "university/exports.html",
        institution=institution,
        rounds=uni.rounds_for(institution.id),
        lines=uni.plan_overview(institution.id),
        columns=export_service.choose_columns(None),
        formats=export_service.FORMATS,
    )


@bp.get("/exports/admissions")
@roles_required("university")
def download_admissions():
    """The admission list as CSV, XLSX or PDF, Chinese headers and statuses unless the English
    keys are asked for (``headers=en``, for other systems); a PDF lists the admitted only unless
    ``include_all=yes``. ID numbers masked without the permission; audited."""
    institution = own_institution()
    fmt = request.args.get("format", "csv")
    try:
        columns = export_service.choose_columns(request.args.getlist("columns"))
        if fmt not in export_service.FORMATS:
            raise ValueError(f"未知的导出格式：{fmt}")
    except ValueError as error:
        flash(str(error), "error")
        return redirect(url_for(".exports"))
    filters = _export_filter(institution.id, fmt)
    rows = list(export_service.admission_records(filters, current_user.can_see_full_id))
    data = export_service.render(
        rows, columns, fmt, title=f"{institution.name}{export_service.list_title(filters.status)}",
        subtitle=f"院校代码 {institution.code}",
        footer=f"导出人：{current_user.username}",
        headers="en" if request.args.get("headers") == "en" else "zh",
    )  # fmt: skip
    audit.record(
        current_user, "export.admissions", institution,
        after={"format": fmt, "rows": len(rows), "columns": [c.key for c in columns],
               "full_id": bool(current_user.can_see_full_id), "filters": request.args.to_dict()},
    )  # fmt: skip
    db.session.commit()
    return _send(data, f"admissions-{institution.code}.{fmt}", export_service.MIMETYPES[fmt])


def _send(data: bytes, name: str, mimetype: str):
    import io

    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.get("/dispatches/<int:dispatch_id>/letter.pdf")
@roles_required("university")
def letter(dispatch_id: int):
    """The admission letter of one admitted candidate; audited."""
    dispatch = own_dispatch(dispatch_id)
    try:
        data = letters.admission_letter_pdf_for(dispatch, base_url=request.host_url)
    except ValueError as error:  # LetterError, or a character no font can draw (MissingGlyphError)
        flash(str(error), "error")
        return redirect(url_for(".dispatch_detail", dispatch_id=dispatch.id))
    audit.record(current_user, "letter.download", dispatch, exam_id=dispatch.run.exam_id)
    db.session.commit()
    return _send(data, f"letter-{dispatch.id}.pdf", "application/pdf")


@bp.post("/runs/<int:run_id>/letters")
@roles_required("university")
def bulk_letters(run_id: int):
    """Start the background job making one PDF with the letters of every admitted candidate."""
    institution = own_institution()
    run = own_run(run_id)
    if not LettersForm().validate_on_submit():
        abort(400)
    if admitted_count(run.id, institution.id) == 0:
        flash("本轮尚无已录取的考生，无法生成录取通知书", "error")
        return redirect(url_for(".review", run_id=run.id))
    job = jobs.enqueue(
        "letters", {"run_id": run.id, "base_url": request.host_url},
        actor=current_user._get_current_object(), exam_id=run.exam_id,
        institution_id=institution.id,
    )  # fmt: skip
    db.session.commit()
    return redirect(url_for(".job_page_university", job_id=job.id))


@bp.route("/tokens", methods=["GET", "POST"])
@roles_required("university")
def tokens():
    """The institution's API tokens: create one (shown once), list, revoke."""
    institution = token_admin_institution()
    form = TokenForm()
    plain = None
    if form.validate_on_submit():
        try:
            _, plain = api_tokens.create_token(
                current_user, institution.id, form.name.data or "", form.days.data or 0
            )
        except api_tokens.TokenError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
    status = 400 if form.errors else 200
    return (
        render_template(
            "university/tokens.html",
            institution=institution,
            form=form,
            revoke=RevokeForm(),
            plain=plain,
            tokens=api_tokens.tokens_of(institution.id),
            now=utcnow(),
        ),
        status,
        {"Cache-Control": "no-store", "Pragma": "no-cache"},
    )  # a new token is shown once


@bp.post("/tokens/revoke")
@roles_required("university")
def revoke_token():
    """Revoke one of the institution's tokens."""
    institution = token_admin_institution()
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        api_tokens.revoke_token(current_user, institution.id, int(form.token_id.data))
    except api_tokens.TokenError:
        abort(404)
    db.session.commit()
    flash("令牌已吊销。", "info")
    return redirect(url_for(".tokens"))
