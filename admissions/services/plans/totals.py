"""The province's plan against the approved scale: per level, institution, category and type.

"Published" counts the exam's plan lines (after adjustments); "pending" counts the lines of
plans submitted or approved and not yet published, which will replace their institution's
published lines when the board publishes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, select

from admissions.extensions import db
from admissions.models import Account, Exam, Institution, PlanLine, PlanScale, PlanSubmission
from admissions.models.scale import LEVELS
from admissions.services import audit
from admissions.services.imports.scale_check import (
    batches_without_level,
    released_by_line,
    scale_rows,
)
from admissions.services.plans.compile import PlanError

PENDING = ("submitted", "approved")
_INSTITUTION_CODE = re.compile(r"\d{5}")


@dataclass(frozen=True)
class TotalRow:
    """Seats of one group (a level, an institution at a level, a category, a type)."""

    label: str
    level: str
    published: int
    pending: int
    approved: int | None = None
    reserved: int = 0
    released: int = 0


def _lines(exam: Exam) -> list[tuple[str, str, str, str, int, int]]:
    """(level, institution code, category, institution type, seats, released) per published line."""
    levels = {b.id: b.level or "" for b in exam.batches}
    released = released_by_line(exam)
    query = (
        select(PlanLine.id, PlanLine.batch_id, Institution.code, PlanLine.category_code,
               Institution.institution_type, PlanLine.seats)
        .join(Institution, Institution.id == PlanLine.institution_id)
        .where(PlanLine.exam_id == exam.id)
    )  # fmt: skip
    return [(levels[b], code, cat, kind or "其他", seats, released.get(lid, 0))
            for lid, b, code, cat, kind, seats in db.session.execute(query)]  # fmt: skip


def _pending(exam: Exam) -> list[tuple[str, str, str, str, int]]:
    levels = {b.id: b.level or "" for b in exam.batches}
    query = select(PlanSubmission).where(
        PlanSubmission.exam_id == exam.id, PlanSubmission.status.in_(PENDING)
    )
    return [
        (levels[ln.batch_id], s.institution.code, ln.category_code,
         s.institution.institution_type or "其他", ln.seats)
        for s in db.session.scalars(query) for ln in s.lines
    ]  # fmt: skip


def level_rows(exam: Exam) -> list[TotalRow]:
    """Per level: the province's published and pending seats beside its approved total."""
    scale = scale_rows(exam)
    published, released, pending = defaultdict(int), defaultdict(int), defaultdict(int)
    for level, _, _, _, seats, freed in _lines(exam):
        published[level] += seats
        released[level] += freed
    for level, _, _, _, seats in _pending(exam):
        pending[level] += seats
    levels = sorted(set(published) | set(pending) | {lv for lv, code in scale if not code})
    out = []
    for level in levels:
        limits = scale.get((level, ""))
        out.append(TotalRow(level or "（未设层次）", level, published[level], pending[level],
                            limits.seats if limits else None, limits.reserved if limits else 0,
                            released[level]))  # fmt: skip
    return out


def grouped_rows(exam: Exam, by: str) -> list[TotalRow]:
    """Per level and category (``by="category"``) or institution type (``by="type"``)."""
    at = {"category": 2, "type": 3}[by]
    published: dict[tuple[str, str], int] = defaultdict(int)
    pending: dict[tuple[str, str], int] = defaultdict(int)
    for row in _lines(exam):
        published[(row[0], row[at])] += row[4]
    for row in _pending(exam):
        pending[(row[0], row[at])] += row[4]
    keys = sorted(set(published) | set(pending))
    return [TotalRow(name, level, published[(level, name)], pending[(level, name)])
            for level, name in keys]  # fmt: skip


def institution_rows(exam: Exam) -> list[TotalRow]:
    """Per institution and level: published and pending seats beside its approved seats."""
    scale = scale_rows(exam)
    published: dict[tuple[str, str], int] = defaultdict(int)
    pending: dict[tuple[str, str], int] = defaultdict(int)
    for level, code, _, _, seats, _ in _lines(exam):
        published[(level, code)] += seats
    for level, code, _, _, seats in _pending(exam):
        pending[(level, code)] += seats
    keys = sorted(
        set(published) | set(pending) | {k for k in scale if k[1]}, key=lambda k: (k[1], k[0])
    )
    names = dict(db.session.execute(select(Institution.code, Institution.name)).all())
    out = []
    for level, code in keys:
        limits = scale.get((level, code))
        label = f"{names[code]}（{code}）" if code in names else f"院校 {code}（尚未登记）"
        out.append(TotalRow(label, level, published[(level, code)], pending[(level, code)],
                            limits.seats if limits else None, limits.reserved if limits else 0))  # fmt: skip
    return out


def set_scale_row(
    exam: Exam, level: str, code: str, seats: str, reserved: str, actor: Account
) -> PlanScale:
    """Enter or replace one scale row on the page, checked like a row of the scale file."""
    problems = []
    if level not in LEVELS:
        problems.append(("level", "请选择层次：本科 或 专科"))
    if code and not _INSTITUTION_CODE.fullmatch(code):
        problems.append(("institution_code", f"院校代码「{code}」应为5位数字（全省总数请留空）"))
    numbers = {}
    for key, text, name in (("seats", seats, "核定数"), ("reserved", reserved or "0", "预留数")):
        if not text.isdigit():
            problems.append((key, f"{name}应为不小于 0 的整数，当前为「{text}」"))
        else:
            numbers[key] = int(text)
    if len(numbers) == 2 and numbers["reserved"] > numbers["seats"]:
        problems.append(("reserved", f"预留数 {numbers['reserved']} 大于核定数 {numbers['seats']}"))
    missing = batches_without_level(exam)
    if missing:
        names = "、".join(f"{b.name}（{b.code}）" for b in missing)
        problems.append(
            ("level", f"设定核定规模前，规则文件的每个批次都须写明层次；未写层次的批次：{names}")
        )
    if problems:
        raise PlanError(problems)
    row = scale_rows(exam).get((level, code))
    before = None if row is None else {"seats": row.seats, "reserved": row.reserved}
    if row is None:
        row = PlanScale(exam_id=exam.id, level=level, institution_code=code)
        db.session.add(row)
    row.seats, row.reserved = numbers["seats"], numbers["reserved"]
    db.session.flush()
    audit.record(actor, "scale.set", exam, before=before,
                 after={"level": level, "institution_code": code, **numbers}, exam_id=exam.id)  # fmt: skip
    return row


def delete_scale_row(exam: Exam, row_id: int, actor: Account) -> None:
    """Remove one row of the exam's scale."""
    row = db.session.get(PlanScale, row_id)
    if row is None or row.exam_id != exam.id:
        raise LookupError(row_id)
    before = {"level": row.level, "institution_code": row.institution_code, "seats": row.seats,
              "reserved": row.reserved}  # fmt: skip
    db.session.execute(delete(PlanScale).where(PlanScale.id == row.id))
    audit.record(actor, "scale.set", exam, before=before, after=None, exam_id=exam.id)
