"""Pages of university staff (高校): their own institution's plan lines."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from admissions.access import get_institution_for_university, roles_required
from admissions.extensions import db
from admissions.models import PlanLine

bp = Blueprint("university", __name__)


@bp.get("/")
@roles_required("university")
def home():
    """The institution's plan lines across every exam it recruits in."""
    institution = get_institution_for_university(current_user.institution_id)
    lines = db.session.scalars(
        select(PlanLine)
        .where(PlanLine.institution_id == institution.id)
        .order_by(PlanLine.exam_id, PlanLine.batch_id, PlanLine.program_code)
    ).all()
    return render_template("university/home.html", institution=institution, lines=lines)
