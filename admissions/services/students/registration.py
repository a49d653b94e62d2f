"""Online registration (报名): open exams, new registrations, edits within the window, the slip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from admissions import idcard
from admissions.extensions import db
from admissions.files.letters import SlipData
from admissions.models import Account, Candidate, Category, Exam, ExamStatus, Role, utcnow
from admissions.services import accounts, audit

EDITABLE_FIELDS = ("name", "category_code", "candidate_type", "school", "major", "phone")
CANDIDATE_TYPES = ("中职应届", "中职往届", "社会人员", "退役军人")
# 学制 (how the person studies or studied): 贯通 students move on inside their own programme.
SCHOOL_TRACKS = {
    "三年制": "三年制中职（含技工学校）",
    "三二分段": "三二分段（中高职贯通）",
    "五年一贯制": "五年一贯制",
    "无": "没有中职学籍（社会人员等）",
}
EXCLUDED_TRACKS = ("三二分段", "五年一贯制")
EXCLUDED_TRACK_MESSAGE = "三二分段、五年一贯制的学生按贯通培养方案转段升学，不能报名参加本考试。如有疑问，请联系所在学校或考试院。"


class RegistrationError(ValueError):
    """A registration the rules refuse; the message is shown to the user as is."""


@dataclass(frozen=True)
class RegistrationInput:
    """What a person types into the registration form (already stripped)."""

    national_id: str
    name: str
    category_code: str
    candidate_type: str
    school: str
    major: str
    phone: str
    track: str = ""


def window_open(exam: Exam, now: datetime | None = None) -> bool:
    """True while the exam takes registrations: status open and inside the window (server time)."""
    now = now or utcnow()
    if exam.status != ExamStatus.REGISTRATION_OPEN:
        return False
    if exam.registration_opens_at is not None and now < exam.registration_opens_at:
        return False
    return exam.registration_closes_at is None or now < exam.registration_closes_at


def open_exams(now: datetime | None = None) -> list[Exam]:
    """Exams currently taking registrations, by name.

    An exam without categories (created by the administrator, rules not loaded yet) is left out:
    a candidate would have nothing to register in."""
    has_category = select(Category.id).where(Category.exam_id == Exam.id).exists()
    exams = db.session.scalars(
        select(Exam)
        .where(Exam.status == ExamStatus.REGISTRATION_OPEN, has_category)
        .order_by(Exam.name)
    ).all()
    return [exam for exam in exams if window_open(exam, now)]


def category_names(exam: Exam) -> dict[str, str]:
    """Category code → name of an exam."""
    rows = db.session.execute(
        select(Category.code, Category.name).where(Category.exam_id == exam.id)
    ).all()
    return {code: name for code, name in rows}


def _check_choices(exam: Exam, data: RegistrationInput) -> None:
    if data.category_code not in category_names(exam):
        raise RegistrationError("请选择本次考试的专业类别")
    if data.candidate_type not in CANDIDATE_TYPES:
        raise RegistrationError("请选择考生类型")


def _next_candidate_no(exam: Exam) -> str:
    """考生号: 2-digit year, 2-digit province, 2-digit exam id, 6-digit sequence."""
    prefix = f"{exam.year % 100:02d}{exam.province.code[:2]}{exam.id % 100:02d}"
    last = db.session.scalar(
        select(func.max(Candidate.candidate_no)).where(
            Candidate.exam_id == exam.id, Candidate.candidate_no.like(f"{prefix}%")
        )
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def register(
    exam: Exam, data: RegistrationInput, password: str, now: datetime | None = None
) -> Candidate:
    """Register a person in an exam and create their student account (flush only).

    Raises RegistrationError outside the window, for an invalid ID number, or when the ID number
    is already registered in this exam (without saying anything about that registration).
    """
    if not window_open(exam, now):
        raise RegistrationError("当前不在报名时间内，不能报名")
    if data.track in EXCLUDED_TRACKS:
        raise RegistrationError(EXCLUDED_TRACK_MESSAGE)
    message = idcard.validate(data.national_id)
    if message:
        raise RegistrationError(message)
    national_id = idcard.normalize(data.national_id)
    _check_choices(exam, data)
    taken = db.session.scalar(
        select(Candidate.id).where(
            Candidate.exam_id == exam.id, Candidate.national_id == national_id
        )
    )
    if taken is not None:
        raise RegistrationError(
            "该身份证号已在本次考试报名，不能重复报名。请使用考生号或身份证号登录；"
            "如非本人操作，请联系考试院。"
        )
    info = idcard.parse(national_id)
    candidate = Candidate(
        exam_id=exam.id, candidate_no=_next_candidate_no(exam), national_id=national_id,
        gender=info.gender, birth_date=info.birth_date, name=data.name,
        category_code=data.category_code, candidate_type=data.candidate_type,
        school=data.school, major=data.major, phone=data.phone,
    )  # fmt: skip
    db.session.add(candidate)
    db.session.flush()
    account = accounts.create_account(
        f"ks{candidate.id}", password, Role.STUDENT, candidate_id=candidate.id,
        display_name=data.name,
    )  # fmt: skip
    audit.record(account, "registration.create", candidate, after=_snapshot(candidate))
    return candidate


def _snapshot(candidate: Candidate) -> dict[str, str]:
    return {name: str(getattr(candidate, name)) for name in EDITABLE_FIELDS}


def update_registration(
    account: Account, candidate: Candidate, data: RegistrationInput, now: datetime | None = None
) -> Candidate:
    """Change a registration while the window is open; the ID number never changes.

    After the window closes nothing changes, the category above all (it is locked).
    """
    if not window_open(candidate.exam, now):
        raise RegistrationError("报名已截止，报名信息（包括专业类别）已锁定，不能修改")
    _check_choices(candidate.exam, data)
    before = _snapshot(candidate)
    for name in EDITABLE_FIELDS:
        setattr(candidate, name, getattr(data, name))
    account.display_name = data.name
    db.session.flush()
    after = _snapshot(candidate)
    if after != before:
        audit.record(account, "registration.update", candidate, before=before, after=after)
    return candidate


def slip_data(candidate: Candidate) -> SlipData:
    """What the registration slip (报名确认单) prints."""
    names = category_names(candidate.exam)
    return SlipData(
        exam_name=candidate.exam.name,
        candidate_name=candidate.name,
        candidate_no=candidate.candidate_no,
        national_id=candidate.national_id,
        category_name=names.get(candidate.category_code, candidate.category_code),
        candidate_type=candidate.candidate_type,
        school=candidate.school,
        registered_at=candidate.registered_at,
    )


def account_of(candidate: Candidate) -> Account:
    """The student account of a registration."""
    return db.session.scalars(select(Account).where(Account.candidate_id == candidate.id)).one()
