"""Online registration (报名): open exams, new registrations, edits within the window, the slip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from admissions import idcard
from admissions.extensions import db
from admissions.files.letters import SlipData
from admissions.models import Account, Candidate, Category, Exam, ExamStatus, Role, utcnow
from admissions.models.candidate import CANDIDATE_TYPES, WORK_EXPERIENCE
from admissions.services import accounts, audit
from admissions.services.auth import passwords

EDITABLE_FIELDS = ("name", "category_code", "candidate_type", "school", "major", "phone")
# 学制 (how the person studies or studied): 贯通 students move on inside their own programme.
SCHOOL_TRACKS = {
    "三年制": "三年制中职（含技工学校）",
    "三二分段": "三二分段（中高职贯通）",
    "五年一贯制": "五年一贯制",
    "无": "没有中职学籍（社会人员等）",
}
EXCLUDED_TRACKS = ("三二分段", "五年一贯制")
EXCLUDED_TRACK_MESSAGE = "三二分段、五年一贯制的学生按贯通培养方案转段升学，不能报名参加本考试。如有疑问，请联系所在学校或考试院。"


# Said when the ID number is taken, without saying so: only someone who also holds the account's
# password (or, later, an activation code) is told that this number has registered.
NOT_REGISTERED_MESSAGE = (
    "未能完成报名，请核对身份证号。如果您以前已经报名，请直接登录（可用身份证号或考生号，"
    "或在此页填写原来的密码再次提交）；如果您确定从未报名，请携带身份证到考试院或报名点核实。"
)


class RegistrationError(ValueError):
    """A registration the rules refuse; the message is shown to the user as is."""

    def __init__(self, message: str, field: str = "national_id") -> None:
        super().__init__(message)
        self.field = field


class RegistrationRefused(RegistrationError):
    """The ID number is taken and the password is not that account's; the attempt is audited
    (the caller keeps that event), the message does not confirm the registration."""


class AlreadyRegistered(RegistrationError):
    """The ID number is registered and the password typed is its account's: sign them in."""

    def __init__(self, account: Account) -> None:
        super().__init__("您已报名本次考试，无需重复报名。")
        self.account = account


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
    work_employer: str = ""  # evidence of 具有工作经历
    work_years: int | None = None


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
        raise RegistrationError("请选择考生类型", field="candidate_type")
    if data.candidate_type == WORK_EXPERIENCE:
        if not data.work_employer:
            raise RegistrationError("具有工作经历的考生请填写工作单位", field="work_employer")
        if data.work_years is None or not 1 <= data.work_years <= 60:
            raise RegistrationError(
                "具有工作经历的考生请填写工作年限（1 至 60 的整数）", field="work_years"
            )


def _evidence(data: RegistrationInput) -> dict[str, object]:
    """Work-experience evidence is kept for 具有工作经历 only."""
    if data.candidate_type == WORK_EXPERIENCE:
        return {"work_employer": data.work_employer, "work_years": data.work_years}
    return {"work_employer": "", "work_years": None}


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

    Raises RegistrationError outside the window, for an invalid ID number or a password the
    policy refuses; when the ID number is already registered in this exam, AlreadyRegistered if
    the password is that account's, else RegistrationRefused (which does not say it is taken).
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
    _refuse_taken(exam, national_id, password)
    info = idcard.parse(national_id)
    candidate_no = _next_candidate_no(exam)
    owner = passwords.Person(
        national_id=national_id, birth_date=info.birth_date, candidate_no=candidate_no,
        name=data.name,
    )  # fmt: skip
    problem = passwords.password_problem(password, owner)
    if problem:
        raise RegistrationError(problem, field="password")
    candidate = Candidate(
        exam_id=exam.id, candidate_no=candidate_no, national_id=national_id,
        gender=info.gender, birth_date=info.birth_date, name=data.name,
        category_code=data.category_code, candidate_type=data.candidate_type,
        school=data.school, major=data.major, phone=data.phone,
        **_evidence(data),
    )  # fmt: skip
    db.session.add(candidate)
    db.session.flush()
    account = accounts.create_account(
        f"ks{candidate.id}", password, Role.STUDENT, candidate_id=candidate.id,
        display_name=data.name,
    )  # fmt: skip
    audit.record(account, "registration.create", candidate, after=_snapshot(candidate))
    return candidate


def _refuse_taken(exam: Exam, national_id: str, password: str) -> None:
    """Nothing when the ID number is free in this exam; else ``AlreadyRegistered`` for the
    account's holder (right password) or ``RegistrationRefused`` for anyone else."""
    taken = db.session.scalar(
        select(Candidate).where(Candidate.exam_id == exam.id, Candidate.national_id == national_id)
    )
    if taken is None:
        return
    account = db.session.scalar(select(Account).where(Account.candidate_id == taken.id))
    if (
        account is not None
        and account.active
        and check_password_hash(account.password_hash, password)
    ):
        raise AlreadyRegistered(account)
    audit.record(
        None, "registration.refused", None, exam_id=exam.id,
        after={"national_id": idcard.mask(national_id)},
    )  # fmt: skip
    raise RegistrationRefused(NOT_REGISTERED_MESSAGE)


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
    for name, value in _evidence(data).items():
        setattr(candidate, name, value)
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
