"""Pages of the administrator."""

from flask import Blueprint, render_template
from sqlalchemy import func, select

from admissions.access import roles_required
from admissions.extensions import db
from admissions.models import Account, AuditEvent, Exam, Institution

bp = Blueprint("admin", __name__)


@bp.get("/")
@roles_required("admin")
def home():
    """Counts of the main objects and the latest audit events."""
    counts = {
        "考试": db.session.scalar(select(func.count(Exam.id))),
        "院校": db.session.scalar(select(func.count(Institution.id))),
        "账号": db.session.scalar(select(func.count(Account.id))),
    }
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(20)).all()
    return render_template("admin/home.html", counts=counts, events=events)
