"""Pages of a candidate (考生): only their own registration."""

from flask import Blueprint, render_template
from flask_login import current_user

from admissions import idcard
from admissions.access import get_candidate_for_student, roles_required

bp = Blueprint("student", __name__)


@bp.get("/")
@roles_required("student")
def home():
    """The student's home page: their registration at a glance."""
    candidate = get_candidate_for_student(current_user.candidate_id)
    return render_template("student/home.html", candidate=candidate, mask=idcard.mask)


@bp.get("/candidates/<int:candidate_id>")
@roles_required("student")
def candidate_detail(candidate_id: int):
    """A registration by id — only the student's own; any other id is 404."""
    candidate = get_candidate_for_student(candidate_id)
    return render_template("student/candidate.html", candidate=candidate, mask=idcard.mask)
