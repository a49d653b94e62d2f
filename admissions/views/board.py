"""Pages of exam-board staff (考试院): the exams of their province."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from admissions.access import get_exam_for_board, roles_required
from admissions.extensions import db
from admissions.models import Candidate, Exam, PlanLine, Role

bp = Blueprint("board", __name__)


@bp.get("/")
@roles_required("board", "admin")
def home():
    """The exams this account may manage, with a few counts each."""
    query = select(Exam).order_by(Exam.year.desc(), Exam.code)
    if current_user.role != Role.ADMIN:
        query = query.where(Exam.province_id == current_user.province_id)
    exams = db.session.scalars(query).all()
    return render_template("board/home.html", exams=exams)


@bp.get("/exams/<int:exam_id>")
@roles_required("board", "admin")
def exam_detail(exam_id: int):
    """One exam: status and sizes."""
    exam = get_exam_for_board(exam_id)
    candidates = db.session.scalar(
        select(func.count(Candidate.id)).where(Candidate.exam_id == exam.id)
    )
    seats = db.session.scalar(
        select(func.coalesce(func.sum(PlanLine.seats), 0)).where(PlanLine.exam_id == exam.id)
    )
    return render_template("board/exam.html", exam=exam, candidates=candidates, seats=seats)
