"""Administrator: institutions (院校) — search, create, edit and a bulk CSV/XLSX import."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from admissions.extensions import db
from admissions.files import parsers
from admissions.files.columns import Column, TableSpec
from admissions.files.errors import FileError, error_count
from admissions.files.readers import read_table
from admissions.models import Account, Institution
from admissions.models.plan import INSTITUTION_TYPES
from admissions.services import audit
from admissions.services.admin.places import AdminInputError

_CODE = re.compile(r"\d{5}")
CODE_MESSAGE = "院校代码应为 5 位数字，如 10001"
PAGE_SIZE = 200
_SEARCHED = (Institution.code, Institution.name, Institution.city)

INSTITUTIONS_SPEC = TableSpec(
    "institutions",
    (
        Column("code", ("院校代码",), parser=parsers.code),
        Column("name", ("院校名称",)),
        Column("city", ("所在城市", "城市"), required=False),
        Column("institution_type", ("院校类型",), required=False),
    ),
    unique=(("code",),),
).with_lengths(  # each cell no longer than the database column it fills
    {"code": Institution.code.type.length, "name": Institution.name.type.length,
     "city": Institution.city.type.length}
)  # fmt: skip


def search(query: str = "") -> list[Institution]:
    """Institutions whose code, name or city contains ``query`` (all when blank), by code."""
    statement = select(Institution).order_by(Institution.code).limit(PAGE_SIZE)
    query = query.strip()
    if query:
        statement = statement.where(
            or_(*(column.contains(query, autoescape=True) for column in _SEARCHED))
        )
    return list(db.session.scalars(statement))


def by_code(code: str) -> Institution | None:
    """The institution with this 5-digit code."""
    return db.session.scalar(select(Institution).where(Institution.code == code.strip()))


def _check_code(code: str) -> str | None:
    return None if _CODE.fullmatch(code) else CODE_MESSAGE


def _check_type(kind: str) -> str | None:
    if kind and kind not in INSTITUTION_TYPES:
        return f"院校类型「{kind}」应为 {'、'.join(INSTITUTION_TYPES)} 之一"
    return None


def _type_or_error(kind: str) -> str | None:
    kind = kind.strip()
    problem = _check_type(kind)
    if problem:
        raise AdminInputError("institution_type", problem)
    return kind or None


def _check_name_city(name: str, city: str) -> tuple[str, str]:
    name, city = name.strip(), city.strip()
    if not 2 <= len(name) <= 100:
        raise AdminInputError("name", "院校名称应为 2 至 100 个字")
    if len(city) > 40:
        raise AdminInputError("city", "城市最多 40 个字")
    return name, city


def create_institution(
    actor: Account | None, code: str, name: str, city: str, institution_type: str = ""
) -> Institution:
    """A new institution; its code is 5 digits and unique. Flush and audit."""
    code = code.strip()
    problem = _check_code(code)
    if problem:
        raise AdminInputError("code", problem)
    if by_code(code) is not None:
        raise AdminInputError("code", f"院校代码 {code} 已存在")
    name, city = _check_name_city(name, city)
    kind = _type_or_error(institution_type)
    institution = Institution(code=code, name=name, city=city, institution_type=kind)
    db.session.add(institution)
    db.session.flush()
    after = {
        "code": code,
        "name": name,
        "city": city,
        **({"institution_type": kind} if kind else {}),
    }
    audit.record(actor, "institution.create", institution, after=after)
    return institution


def update_institution(
    actor: Account | None,
    institution: Institution,
    name: str,
    city: str,
    institution_type: str | None = None,
) -> bool:
    """Change name, city and type (the code is fixed: plans and files name it); False when
    unchanged. A type of None keeps the institution's type."""
    name, city = _check_name_city(name, city)
    kind = (
        institution.institution_type
        if institution_type is None
        else _type_or_error(institution_type)
    )
    before = {"name": institution.name, "city": institution.city}
    after = {"name": name, "city": city}
    if kind or institution.institution_type:
        before["institution_type"], after["institution_type"] = institution.institution_type, kind
    if before == after:
        return False
    institution.name, institution.city, institution.institution_type = name, city, kind
    db.session.flush()
    audit.record(actor, "institution.update", institution, before=before, after=after)
    return True


@dataclass
class InstitutionImport:
    """What an import did, or every error (then nothing was written)."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[FileError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        """How many errors the file has (``errors`` lists the first of them)."""
        return error_count(self.errors)

    def summary(self) -> str:
        return f"新增 {self.inserted} 所，更新 {self.updated} 所，{self.unchanged} 所没有变化"


def import_institutions(actor: Account | None, data: bytes, filename: str) -> InstitutionImport:
    """Create or update institutions from a file (code, name, city): all or nothing.

    Flushes only when the whole file is valid; the caller commits, or rolls back on errors."""
    validators = {"code": _check_code, "institution_type": _check_type}
    read = read_table(data, filename, INSTITUTIONS_SPEC, validators=validators)
    result = InstitutionImport(errors=list(read.errors))
    if not result.ok:
        return result
    known = {i.code: i for i in db.session.scalars(select(Institution))}
    for row in read.rows:
        _upsert(known.get(str(row["code"])), row, result)
    db.session.flush()
    audit.record(
        actor, "institution.import", None,
        after={"file": filename[:100], "inserted": result.inserted, "updated": result.updated},
    )  # fmt: skip
    return result


def _upsert(
    institution: Institution | None, row: dict[str, str | None], result: InstitutionImport
) -> None:
    name, city = str(row["name"]), row["city"] or ""
    if institution is None:
        kind = row["institution_type"] or None
        db.session.add(
            Institution(code=str(row["code"]), name=name, city=city, institution_type=kind)
        )
        result.inserted += 1
        return
    kind = row["institution_type"] or institution.institution_type  # blank keeps the type
    if (institution.name, institution.city, institution.institution_type) == (name, city, kind):
        result.unchanged += 1
    else:
        institution.name, institution.city, institution.institution_type = name, city, kind
        result.updated += 1
