"""Candidates import (考生): new registrations, or updates of the same person's details."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from admissions import idcard
from admissions.extensions import db
from admissions.files.readers import Row
from admissions.models import Candidate, utcnow
from admissions.models.candidate import CANDIDATE_TYPES, DEFAULT_CANDIDATE_TYPE, WORK_EXPERIENCE
from admissions.services.imports.bulk import foreign_keys_checked_once, insert_tuples, update_rows
from admissions.services.imports.context import ChangeList, ImportContext, Staged

LABELS = {
    "name": "姓名",
    "category_code": "专业类别",
    "candidate_type": "考生类型",
    "school": "毕业学校",
    "bonus": "加分",
    "bonus_reason": "加分原因",
    "work_employer": "工作单位",
    "work_years": "工作年限",
}


def _values(row: Row) -> dict[str, object]:
    """The columns a file sets, keyed as LABELS."""
    return {
        "name": row["name"],
        "category_code": row["category"],
        "candidate_type": row["type"] or DEFAULT_CANDIDATE_TYPE,
        "school": row["school"] or "",
        "bonus": Decimal(row["bonus"] or 0),
        "bonus_reason": row["bonus_reason"] or "",
        "work_employer": row["work_employer"] or "",
        "work_years": int(row["work_years"]) if row["work_years"] else None,
    }


def _check_type(context: ImportContext, line: int, row: Row) -> None:
    """A known type; 具有工作经历 needs its evidence (employer and whole years)."""
    kind = row["type"] or DEFAULT_CANDIDATE_TYPE
    if kind not in CANDIDATE_TYPES:
        allowed = "、".join(CANDIDATE_TYPES)
        context.error(
            line, "type", f"考生类型「{kind}」应为 {allowed} 之一（留空为{DEFAULT_CANDIDATE_TYPE}）"
        )
    elif kind == WORK_EXPERIENCE:
        if not row["work_employer"]:
            context.error(line, "work_employer", "具有工作经历的考生须填写工作单位")
        if not row["work_years"] or int(row["work_years"]) < 1:
            context.error(line, "work_years", "具有工作经历的考生须填写工作年限（整年，至少 1 年）")


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
        registered_id = id_of_number.get(number)
        if registered_id is not None and registered_id != national_id:
            masked = idcard.mask(registered_id)
            context.error(line, "candidate_no", f"考生号 {number} 已属于身份证号 {masked} 的考生")
        _check_type(context, line, row)
        holder = number_of_id.get(national_id)
        if holder is not None and holder != number:
            context.error(line, "national_id", f"身份证号已在本次考试报名（考生号 {holder}）")
    new_rows = [row for row in context.rows if row["candidate_no"] not in id_of_number]
    current = _current(exam.id) if len(new_rows) < len(context.rows) else {}
    changes = ChangeList()
    updates: list[dict[str, object]] = []
    unchanged = 0
    for line, row in context.numbered():
        number = str(row["candidate_no"])
        if number not in id_of_number:
            changes.add(line, f"考生号 {number}", True, [
                (LABELS[k], None, v) for k, v in _values(row).items() if k in ("name", "category_code")
            ])  # fmt: skip
            continue
        candidate_id, before = current[number]
        after = _values(row)
        differs = [k for k, v in after.items() if before[k] != v]
        if not differs:
            unchanged += 1
            continue
        updates.append({"id": candidate_id, **after})
        changes.add(
            line, f"考生号 {number}", False, [(LABELS[k], before[k], after[k]) for k in differs]
        )

    def apply() -> None:
        now = utcnow()
        with foreign_keys_checked_once(["candidate"], len(new_rows)):
            insert_tuples(
                Candidate.__table__, _NEW_COLUMNS, [_new(exam.id, row, now) for row in new_rows]
            )
        update_rows(Candidate, updates)
        db.session.flush()

    return Staged((len(new_rows), len(updates), unchanged), apply, changes.rows)


def _current(exam_id: int) -> dict[str, tuple[int, dict[str, object]]]:
    """Plain values of every registration of the exam (no ORM objects: 100,000 rows)."""
    keys = list(LABELS)
    query = select(Candidate.candidate_no, Candidate.id, *(getattr(Candidate, k) for k in keys))
    rows = db.session.execute(query.where(Candidate.exam_id == exam_id))
    return {row[0]: (row[1], dict(zip(keys, row[2:], strict=True))) for row in rows}


# then ``_values``'s, in the order of LABELS
_NEW_COLUMNS = ("exam_id", "candidate_no", "national_id", "gender", "birth_date", "major", "phone",
                "registered_at", *LABELS)  # fmt: skip


def _new(exam_id: int, row: Row, now: object) -> tuple[object, ...]:
    """A new registration's values in ``_NEW_COLUMNS`` order (a tuple: no dict per row)."""
    number = str(row["national_id"])  # checked by the reader (idcard.validate): read its parts
    return (
        exam_id, row["candidate_no"], number, "M" if int(number[16]) % 2 else "F",
        date(int(number[6:10]), int(number[10:12]), int(number[12:14])), "", "", now,
        *map(_values(row).__getitem__, LABELS),
    )  # fmt: skip
