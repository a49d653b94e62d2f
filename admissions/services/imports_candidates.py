"""Candidates import (考生): new registrations, or updates of the same person's details."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import insert, select

from admissions import idcard
from admissions.extensions import db
from admissions.files.readers import Row
from admissions.models import Candidate, utcnow
from admissions.services.imports_context import ImportContext, Staged

_LIMITS = {"candidate_no": 20, "name": 60, "type": 20, "school": 100, "bonus_reason": 200}


def _values(row: Row) -> dict[str, object]:
    return {
        "name": row["name"],
        "category_code": row["category"],
        "candidate_type": row["type"] or "",
        "school": row["school"] or "",
        "bonus": Decimal(row["bonus"] or 0),
        "bonus_reason": row["bonus_reason"] or "",
    }


def stage(context: ImportContext) -> Staged:
    """Check numbers and IDs against the exam's registrations; stage inserts and updates."""
    exam = context.exam
    categories = {c.code for c in exam.categories}
    query = select(Candidate.candidate_no, Candidate.national_id).where(
        Candidate.exam_id == exam.id
    )
    id_of_number = dict(db.session.execute(query).all())
    number_of_id = {national_id: number for number, national_id in id_of_number.items()}
    for line, row in context.numbered():
        number, national_id = str(row["candidate_no"]), str(row["national_id"])
        if row["category"] not in categories:
            known = "、".join(sorted(categories))
            context.error(line, "category", f"专业类别「{row['category']}」不存在（可用：{known}）")
        for key, limit in _LIMITS.items():
            if row[key] and len(str(row[key])) > limit:
                context.error(line, key, f"过长（最多 {limit} 个字符）")
        registered_id = id_of_number.get(number)
        if registered_id is not None and registered_id != national_id:
            masked = idcard.mask(registered_id)
            context.error(line, "candidate_no", f"考生号 {number} 已属于身份证号 {masked} 的考生")
        holder = number_of_id.get(national_id)
        if holder is not None and holder != number:
            context.error(line, "national_id", f"身份证号已在本次考试报名（考生号 {holder}）")
    new_rows = [row for row in context.rows if row["candidate_no"] not in id_of_number]
    known_rows = [row for row in context.rows if row["candidate_no"] in id_of_number]
    current = _current(exam.id, [str(r["candidate_no"]) for r in known_rows])
    changed = [row for row in known_rows if _differs(current[str(row["candidate_no"])], row)]

    def apply() -> None:
        if new_rows:
            db.session.execute(insert(Candidate), [_new(exam.id, row) for row in new_rows])
        for row in changed:
            candidate = current[str(row["candidate_no"])]
            for key, value in _values(row).items():
                setattr(candidate, key, value)
        db.session.flush()

    counts = (len(new_rows), len(changed), len(known_rows) - len(changed))
    return Staged(counts, apply)


def _current(exam_id: int, numbers: list[str]) -> dict[str, Candidate]:
    if not numbers:
        return {}
    query = select(Candidate).where(Candidate.exam_id == exam_id)
    wanted = set(numbers)
    return {c.candidate_no: c for c in db.session.scalars(query) if c.candidate_no in wanted}


def _differs(candidate: Candidate, row: Row) -> bool:
    return any(getattr(candidate, key) != value for key, value in _values(row).items())


def _new(exam_id: int, row: Row) -> dict[str, object]:
    info = idcard.parse(str(row["national_id"]))
    return {
        "exam_id": exam_id,
        "candidate_no": row["candidate_no"],
        "national_id": row["national_id"],
        "gender": info.gender,
        "birth_date": info.birth_date,
        "major": "",
        "phone": "",
        "registered_at": utcnow(),
        **_values(row),
    }
