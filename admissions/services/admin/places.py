"""Administrator: provinces and exams (an exam is created empty; the board loads its rules)."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from admissions.extensions import db
from admissions.models import Account, Exam, Province
from admissions.services import audit

_PROVINCE_CODE = re.compile(r"[1-9]\d0000")
_EXAM_CODE = re.compile(r"[A-Za-z0-9-]{1,40}")
YEARS = (2000, 2100)  # as the rules file accepts


class AdminInputError(ValueError):
    """Input an administrator can correct; ``field`` names the form field, the message is shown."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def provinces() -> list[Province]:
    """Every province, by code."""
    return list(db.session.scalars(select(Province).order_by(Province.code)))


def province_by_code(code: str) -> Province | None:
    """The province with this GB/T 2260 code; a 2-digit prefix ("37") stands for "370000"."""
    code = code.strip()
    if re.fullmatch(r"\d{2}", code):
        code += "0000"
    return db.session.scalar(select(Province).where(Province.code == code))


def _check_province_name(name: str, province_id: int | None = None) -> str:
    name = name.strip()
    if not 2 <= len(name) <= 40:
        raise AdminInputError("name", "省份名称应为 2 至 40 个字")
    taken = db.session.scalar(select(Province).where(Province.name == name))
    if taken is not None and taken.id != province_id:
        raise AdminInputError("name", f"名称「{name}」已被省份 {taken.code} 使用")
    return name


def create_province(actor: Account | None, code: str, name: str) -> Province:
    """A new province (GB/T 2260 provincial code: two digits then 0000); flush and audit."""
    code = code.strip()
    if not _PROVINCE_CODE.fullmatch(code):
        raise AdminInputError("code", "省份代码应为 6 位 GB/T 2260 代码，后四位为 0000，如 370000")
    if province_by_code(code) is not None:
        raise AdminInputError("code", f"省份代码 {code} 已存在")
    province = Province(code=code, name=_check_province_name(name))
    db.session.add(province)
    db.session.flush()
    audit.record(actor, "province.create", province, after={"code": code, "name": province.name})
    return province


def rename_province(actor: Account | None, province: Province, name: str) -> bool:
    """Rename (the code never changes: rules files name it); False when unchanged."""
    name = _check_province_name(name, province.id)
    if name == province.name:
        return False
    before = {"name": province.name}
    province.name = name
    db.session.flush()
    audit.record(actor, "province.rename", province, before=before, after={"name": name})
    return True


def exams() -> list[Exam]:
    """Every exam, newest year first."""
    return list(db.session.scalars(select(Exam).order_by(Exam.year.desc(), Exam.code)))


def create_exam(
    actor: Account | None, province: Province, code: str, name: str, year: int, track: str
) -> Exam:
    """An exam without rules (the board loads its rules file afterwards); flush and audit."""
    code, name, track = code.strip(), name.strip(), track.strip()
    if not _EXAM_CODE.fullmatch(code):
        raise AdminInputError("code", "考试代码只能用字母、数字和连字符 -，最多 40 个字符")
    if db.session.scalar(select(Exam.id).where(func.upper(Exam.code) == code.upper())):
        raise AdminInputError("code", f"考试代码 {code} 已存在")
    if not 2 <= len(name) <= 100:
        raise AdminInputError("name", "考试名称应为 2 至 100 个字")
    if not YEARS[0] <= year <= YEARS[1]:
        raise AdminInputError("year", f"年份应在 {YEARS[0]} 至 {YEARS[1]} 之间")
    if len(track) > 60:
        raise AdminInputError("track", "类型最多 60 个字")
    exam = Exam(code=code, name=name, province_id=province.id, year=year, track=track)
    db.session.add(exam)
    db.session.flush()
    audit.record(
        actor, "exam.create", exam, exam_id=exam.id,
        after={"code": code, "province": province.code, "year": year, "track": track},
    )  # fmt: skip
    return exam
