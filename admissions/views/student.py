"""Pages of a candidate (考生): only their own registration, scores, preferences and results."""

from collections.abc import Callable
from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from admissions import idcard
from admissions.access import get_candidate_for_student, roles_required
from admissions.extensions import db
from admissions.files.letters import admission_letter_pdf, registration_slip_pdf
from admissions.files.pdf import MissingGlyphError
from admissions.forms.student import RegistrationEditForm
from admissions.services.students import explain as student_explain
from admissions.services.students import letters as student_letters
from admissions.services.students import registration, standing
from admissions.services.students import results as student_results
from admissions.services.students import scores as student_scores
from scoring.rules_words import describe_rules

bp = Blueprint("student", __name__)


def _me():
    return get_candidate_for_student(current_user.candidate_id)


def _pdf(build: Callable[[], bytes], name: str, title: str):
    """Send the PDF ``build`` makes; a character no font can draw gets a page saying which one
    (never a PDF with the character silently dropped)."""
    try:
        data = build()
    except MissingGlyphError as error:
        current_app.logger.warning("PDF %s not made: %s", name, error)
        return render_template("student/pdf_problem.html", title=title, error=error), 422
    return send_file(BytesIO(data), mimetype="application/pdf", download_name=name)


@bp.get("/")
@roles_required("student")
def home():
    """The student's home page: their registration at a glance and where to go next."""
    candidate = _me()
    return render_template(
        "student/home.html", candidate=candidate, mask=idcard.mask,
        can_edit=registration.window_open(candidate.exam),
        scores_visible=student_scores.scores_visible(candidate.exam),
        standing=standing.home_standing(candidate),
    )  # fmt: skip


@bp.get("/candidates/<int:candidate_id>")
@roles_required("student")
def candidate_detail(candidate_id: int):
    """A registration by id — only the student's own; any other id is 404."""
    candidate = get_candidate_for_student(candidate_id)
    return render_template("student/candidate.html", candidate=candidate, mask=idcard.mask)


@bp.get("/registered")
@roles_required("student")
def registered():
    """Confirmation after registering: the 考生号 to remember and the slip to print."""
    candidate = _me()
    names = registration.category_names(candidate.exam)
    return render_template(
        "student/registered.html", candidate=candidate, mask=idcard.mask, names=names
    )


@bp.get("/registration/slip.pdf")
@roles_required("student")
def registration_slip():
    """The printable registration slip (报名确认单)."""
    candidate = _me()
    data = registration.slip_data(candidate)
    return _pdf(
        lambda: registration_slip_pdf(data),
        f"报名确认单-{candidate.candidate_no}.pdf",
        "报名确认单",
    )


@bp.route("/registration/edit", methods=["GET", "POST"])
@roles_required("student")
def edit_registration():
    """Change the registration until the window closes (the ID number never changes)."""
    candidate = _me()
    open_now = registration.window_open(candidate.exam)
    form = RegistrationEditForm(obj=candidate)
    form.set_categories(registration.category_names(candidate.exam))
    if open_now and form.validate_on_submit():
        try:
            registration.update_registration(
                current_user._get_current_object(), candidate, form.to_input(candidate.national_id)
            )
        except registration.RegistrationError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("报名信息已保存。", "info")
            return redirect(url_for("student.home"))
    elif request.method == "POST" and not open_now:
        flash("报名已截止，报名信息（包括专业类别）已锁定，不能修改。", "error")
    status = 400 if request.method == "POST" else 200
    return render_template(
        "student/edit.html", form=form, candidate=candidate, open_now=open_now
    ), status


@bp.get("/scores")
@roles_required("student")
def scores():
    """Scores, composite, rank and verdicts, and the category's 一分一段 — once published."""
    candidate = _me()
    if not student_scores.scores_visible(candidate.exam):
        return render_template("student/scores.html", candidate=candidate, visible=False)
    version, result = student_scores.version_and_result(candidate)
    table = student_scores.score_table(candidate, result) if result else []
    full = request.args.get("full") == "1"
    shown = table if full or not result else student_scores.rows_near(table, result.total)
    # the rules and the scores are read once, for the table, the explanation and the words
    sheet = student_scores.score_sheet(candidate)
    loaded = student_explain.loaded_rules(candidate, version)
    explanation = student_explain.explanation(
        candidate, result.rank if result else None, loaded, sheet
    ) if loaded else None  # fmt: skip
    return render_template(
        "student/scores.html", candidate=candidate, visible=True, result=result,
        rows=student_scores.component_rows(candidate, sheet), table=shown,
        explanation=explanation, full=full or shown == table,
        words=describe_rules(loaded[1]) if loaded else None,
    )  # fmt: skip


@bp.get("/results")
@roles_required("student")
def results():
    """Dispatched / admitted / rejected with the reason; when unplaced, why; the next round."""
    candidate = _me()
    return render_template(
        "student/results.html", candidate=candidate,
        results=student_results.results_of(candidate),
    )  # fmt: skip


@bp.get("/letters/<int:dispatch_id>.pdf")
@roles_required("student")
def admission_letter(dispatch_id: int):
    """The admission letter (PDF) of the student's own admission; anything else is 404."""
    candidate = _me()
    dispatch = student_results.admitted_dispatch(candidate, dispatch_id) or abort(404)
    data = student_letters.letter_data(
        current_app.config["SECRET_KEY"], candidate, dispatch, request.host_url
    )
    return _pdf(
        lambda: admission_letter_pdf(data), f"录取通知书-{candidate.candidate_no}.pdf", "录取通知书"
    )
