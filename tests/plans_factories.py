"""Factories for the plan compilation tests: an exam with levels, a scale, institutions' staff."""

from __future__ import annotations

from admissions.extensions import db
from admissions.models import Exam, Institution, PlanScale, Role
from tests.board_factories import create_board_exam
from tests.factories import create_account, create_institution

FORM = {"batch": "BK", "program_code": "P1", "program_name": "软件工程", "category": "IT",
        "seats": "30"}  # fmt: skip


def levelled_exam() -> Exam:
    """The board exam (batches BK and ZK, categories IT and JX) with BK = 本科 and ZK = 专科."""
    exam = create_board_exam()
    for batch in exam.batches:
        batch.level = "本科" if batch.code == "BK" else "专科"
    db.session.flush()
    return exam


def set_scale(exam: Exam, *rows: tuple[str, str, int, int]) -> None:
    """Scale rows (level, institution code or "", seats, reserved)."""
    for level, code, seats, reserved in rows:
        db.session.add(PlanScale(exam_id=exam.id, level=level, institution_code=code, seats=seats,
                                 reserved=reserved))  # fmt: skip
    db.session.flush()


def university(code: str, name: str):
    """An institution and one staff account of it."""
    institution = create_institution(code=code, name=name)
    return institution, create_account(Role.UNIVERSITY, institution_id=institution.id)


def line(**changes: str) -> dict[str, str]:
    """The fields of a line typed on the page, with changes."""
    return {**FORM, **changes}


__all__ = ["FORM", "Institution", "levelled_exam", "line", "set_scale", "university"]
