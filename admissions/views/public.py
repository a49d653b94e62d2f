"""Pages anyone may see: the landing page, the health check, registration and letter checks."""

from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from admissions.access import public
from admissions.extensions import db, limiter
from admissions.forms.student import RegistrationForm
from admissions.login_sessions import sign_in
from admissions.models import Exam
from admissions.services.jobs import health
from admissions.services.published import exams as published_exams
from admissions.services.students import letters as student_letters
from admissions.services.students import registration
from admissions.services.students import slip as student_slip

bp = Blueprint("public", __name__)

HOME_ENDPOINTS = {
    "student": "student.home",
    "board": "board.home",
    "university": "university.home",
    "admin": "admin.home",
}


@bp.get("/")
@public
def index():
    """Landing page: the exams and their public information; a logged-in user goes home."""
    if current_user.is_authenticated:
        return redirect(url_for(HOME_ENDPOINTS[current_user.role]))
    open_ids = {exam.id for exam in registration.open_exams()}
    listed = [published_exams.news(exam) for exam in published_exams.listed_exams()]
    return render_template("public/index.html", listed=listed, open_ids=open_ids)


@bp.get("/favicon.ico")
@public
def favicon():
    """The site's icon, at the address browsers ask for by themselves."""
    icon = Path(current_app.static_folder or "", "favicon.ico").read_bytes()
    return icon, 200, {"Content-Type": "image/vnd.microsoft.icon", "Cache-Control": "max-age=86400"}


@bp.get("/healthz")
@public
def healthz():
    """Liveness probe for the process manager (the process answers; nothing else is asked)."""
    return {"status": "ok"}


@bp.get("/readyz")
@public
def readyz():
    """Readiness probe for the load balancer: the database, and Redis when the jobs or the
    rate limits use it; 503 with what failed."""
    config = current_app.config
    limits = str(config.get("RATELIMIT_STORAGE_URI", ""))
    redis_url = limits if limits.startswith("redis") else None
    if config.get("JOBS_BACKEND") == "rq":
        redis_url = config.get("REDIS_URL")
    checks = health.readiness(redis_url)
    ready = all(value == "ok" for value in checks.values())
    return {"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503


def _chosen_exam(exams: list[Exam]) -> Exam | None:
    wanted = request.args.get("exam", type=int)
    if wanted is None and len(exams) == 1:
        return exams[0]
    return next((exam for exam in exams if exam.id == wanted), None)


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit("60 per minute", methods=["POST"])  # a school lab may share one address
def register():
    """Online registration for an exam whose window is open (server time)."""
    if current_user.is_authenticated:
        return redirect(url_for(HOME_ENDPOINTS[current_user.role]))
    exams = registration.open_exams()
    exam = _chosen_exam(exams)
    if exam is None:
        status = 404 if request.args.get("exam") else 200
        return render_template("public/register_choose.html", exams=exams), status
    form = RegistrationForm()
    form.set_categories(registration.category_names(exam))
    if form.validate_on_submit():
        try:
            candidate = registration.register(
                exam, form.to_input(form.national_id.data or ""), form.password.data or ""
            )
        except registration.AlreadyRegistered as found:
            sign_in(found.account)
            db.session.commit()
            flash(str(found), "info")
            return redirect(url_for("student.home"))
        except registration.RegistrationError as error:
            if isinstance(error, registration.RegistrationRefused):
                db.session.commit()  # only the audit event of the refused attempt
            else:
                db.session.rollback()
            field = getattr(form, error.field, None) or form.national_id
            field.errors = [*field.errors, str(error)]
        else:
            sign_in(registration.account_of(candidate))
            db.session.commit()
            return redirect(url_for("student.registered"))
    status = 400 if form.errors else 200
    return render_template("public/register.html", form=form, exam=exam), status


@bp.get("/verify")
@public
def verify_form():
    """The form to type a code; a typed code goes to its own page."""
    code = request.args.get("code", "").strip()[:40]
    if code:
        return redirect(url_for("public.verify", code=code))
    return render_template("public/verify.html", code=None, letter=None, slip=None)


@bp.get("/verify/<code>")
@public
@limiter.limit("30 per minute")
def verify(code: str):
    """Check the code of an admission letter or a 志愿确认单; shows only masked facts."""
    code = code.strip()[:40]
    letter = student_letters.verify_code(current_app.config["SECRET_KEY"], code)
    found_slip = None if letter else student_slip.verify_slip(code)
    status = 200 if letter or found_slip else 404
    return render_template(
        "public/verify.html", code=code, letter=letter, slip=found_slip
    ), status  # fmt: skip
