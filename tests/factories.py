"""Plain factory functions for test data; each flushes and returns the object (no commit)."""

from __future__ import annotations

import itertools
import re
from datetime import date
from decimal import Decimal

from admissions import idcard
from admissions.extensions import db
from admissions.models import (
    Account,
    Batch,
    BatchShape,
    Candidate,
    Category,
    Component,
    ComponentGroup,
    Exam,
    ExamStatus,
    Institution,
    PlanLine,
    Province,
    Role,
)
from admissions.services.accounts import create_account as _create_account
from admissions.services.provinces import get_or_create_province

PASSWORD = "correct-horse-9"
_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


def create_province(code: str = "370000") -> Province:
    return get_or_create_province(code)


def create_exam(province_code: str = "370000", **fields: object) -> Exam:
    """An exam with two components, one category (IT) and one flat batch (BK)."""
    n = _n()
    province = create_province(province_code)
    values: dict[str, object] = {
        "code": f"EX{n}", "name": f"测试考试{n}", "province_id": province.id, "year": 2026,
        "status": ExamStatus.SCORING,
    }  # fmt: skip
    values.update(fields)
    exam = Exam(**values)
    db.session.add(exam)
    db.session.flush()
    db.session.add_all([
        Component(exam_id=exam.id, code="chinese", name="语文", max=Decimal(120),
                  group=ComponentGroup.CULTURE, position=0),
        Component(exam_id=exam.id, code="skill", name="技能测试", max=Decimal(230),
                  group=ComponentGroup.VOCATIONAL, position=1),
        Category(exam_id=exam.id, code="IT", name="信息技术类"),
        Batch(exam_id=exam.id, code="BK", name="本科批", sequence=1, shape=BatchShape.FLAT,
              max_choices=96, ratio=Decimal(1), rounds=1, scheme_code="standard"),
    ])  # fmt: skip
    db.session.flush()
    return exam


def create_institution(**fields: object) -> Institution:
    n = _n()
    values: dict[str, object] = {
        "code": f"{n % 100000:05d}",
        "name": f"测试学院{n}",
        "city": "济南",
    }
    values.update(fields)
    institution = Institution(**values)
    db.session.add(institution)
    db.session.flush()
    return institution


def create_plan_line(exam: Exam | None = None, **fields: object) -> PlanLine:
    exam = exam or create_exam()
    batch = fields.pop("batch", None) or exam.batches[0]
    institution = fields.pop("institution", None) or create_institution()
    values: dict[str, object] = {
        "exam_id": exam.id, "batch_id": batch.id, "institution_id": institution.id,
        "program_code": f"P{_n():03d}", "program_name": "软件技术", "category_code": "IT", "seats": 10,
    }  # fmt: skip
    values.update(fields)
    line = PlanLine(**values)
    db.session.add(line)
    db.session.flush()
    return line


def valid_national_id(region: str = "370102", born: date = date(2007, 5, 1)) -> str:
    """A fresh, checksum-valid ID number."""
    return idcard.make(region, born, _n() % 1000)


def create_candidate(exam: Exam | None = None, **fields: object) -> Candidate:
    exam = exam or create_exam()
    n = _n()
    national_id = str(fields.pop("national_id", None) or valid_national_id())
    info = idcard.parse(national_id)
    values: dict[str, object] = {
        "exam_id": exam.id, "candidate_no": f"2637{n:010d}", "national_id": national_id,
        "name": f"考生{n}", "gender": info.gender, "birth_date": info.birth_date,
        "category_code": "IT",
    }  # fmt: skip
    values.update(fields)
    candidate = Candidate(**values)
    db.session.add(candidate)
    db.session.flush()
    return candidate


def create_account(
    role: Role | str = Role.ADMIN, password: str = PASSWORD, **fields: object
) -> Account:
    """An account of ``role``, with the province / institution / candidate it needs."""
    role = Role(role)
    if role == Role.BOARD and "province_id" not in fields:
        fields["province_id"] = create_province().id
    if role == Role.UNIVERSITY and "institution_id" not in fields:
        fields["institution_id"] = create_institution().id
    if role == Role.STUDENT and "candidate_id" not in fields:
        fields["candidate_id"] = create_candidate().id
    username = str(fields.pop("username", None) or f"{role.value}{_n()}")
    return _create_account(username, password, role, **fields)


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token of the form on ``path``."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def login(client, username: str, password: str = PASSWORD, follow: bool = False):
    """Log in through the form, with its CSRF token."""
    token = csrf_token(client)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=follow,
    )
