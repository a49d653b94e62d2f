"""Pages of the administrator: dashboard, provinces and exams (institutions and accounts live in
``admin_institutions`` and ``admin_accounts``, on the same blueprint)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectChoice

from admissions.access import roles_required
from admissions.extensions import db
from admissions.forms.admin import ExamForm, ProvinceForm, RenameForm
from admissions.models import Account, AuditEvent, Exam, Institution, Province
from admissions.services import audit_log
from admissions.services.admin import places as admin_places
from admissions.services.admin.places import AdminInputError

bp = Blueprint("admin", __name__)


def show_input_error(form: FlaskForm, error: AdminInputError) -> None:
    """Put a service's refusal under the form field it concerns (or flash it)."""
    field = getattr(form, error.field, None)
    if field is None:
        flash(str(error), "error")
    else:
        field.errors = [*field.errors, str(error)]


@bp.get("/")
@roles_required("admin")
def home():
    """Counts of the main objects and the latest audit events."""
    counts = {
        "省份": db.session.scalar(select(func.count(Province.id))),
        "考试": db.session.scalar(select(func.count(Exam.id))),
        "院校": db.session.scalar(select(func.count(Institution.id))),
        "账号": db.session.scalar(select(func.count(Account.id))),
    }
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(20)).all()
    labels = audit_log.object_labels(events)
    return render_template("admin/home.html", counts=counts, events=events, labels=labels)


@bp.route("/provinces", methods=["GET", "POST"])
@roles_required("admin")
def provinces():
    """Every province, and a form to add one."""
    form = ProvinceForm()
    if form.validate_on_submit():
        try:
            province = admin_places.create_province(current_user, form.code.data, form.name.data)
        except AdminInputError as error:
            db.session.rollback()
            show_input_error(form, error)
        else:
            db.session.commit()
            flash(f"已新增省份 {province.code} {province.name}。", "info")
            return redirect(url_for(".provinces"))
    status = 400 if form.errors else 200
    return render_template(
        "admin/provinces.html", form=form, provinces=admin_places.provinces()
    ), status


@bp.route("/provinces/<int:province_id>", methods=["GET", "POST"])
@roles_required("admin")
def province_rename(province_id: int):
    """Rename a province (its code stays)."""
    province = db.session.get(Province, province_id) or abort(404)
    form = RenameForm(obj=province)
    if form.validate_on_submit():
        try:
            changed = admin_places.rename_province(current_user, province, form.name.data)
        except AdminInputError as error:
            db.session.rollback()
            show_input_error(form, error)
        else:
            db.session.commit()
            flash("已改名。" if changed else "名称没有变化。", "info")
            return redirect(url_for(".provinces"))
    status = 400 if form.errors else 200
    return render_template("admin/province.html", form=form, province=province), status


@bp.route("/exams", methods=["GET", "POST"])
@roles_required("admin")
def exams():
    """Every exam, and a form to create one for a province."""
    form = ExamForm()
    form.province_id.choices = [
        SelectChoice(str(p.id), f"{p.code} {p.name}") for p in admin_places.provinces()
    ]
    if form.validate_on_submit():
        province = db.session.get(Province, form.province_id.data or 0)
        try:
            if province is None:
                raise AdminInputError("province_id", "请选择省份（没有省份时请先新增）")
            exam = admin_places.create_exam(
                current_user, province, form.code.data, form.name.data, form.year.data,
                form.track.data or "",
            )  # fmt: skip
        except AdminInputError as error:
            db.session.rollback()
            show_input_error(form, error)
        else:
            db.session.commit()
            flash(f"已创建考试 {exam.code}。请考试院上传规则文件。", "info")
            return redirect(url_for(".exams"))
    status = 400 if form.errors else 200
    return render_template("admin/exams.html", form=form, exams=admin_places.exams()), status
