"""Scale import (核定招生规模): replaces the exam's approved scale, all or nothing.

The file checks only its own shape: known levels, 5-digit institution codes, reserved ≤ seats,
and that every batch of the exam says its level. Institutions it names need not exist yet.
"""

from __future__ import annotations

import re

from sqlalchemy import delete

from admissions.extensions import db
from admissions.models import PlanScale
from admissions.models.scale import LEVELS
from admissions.services.imports.context import ChangeList, ImportContext, Staged
from admissions.services.imports.scale_check import batches_without_level, scale_rows

_INSTITUTION_CODE = re.compile(r"\d{5}")


def stage(context: ImportContext) -> Staged:
    """Check the scale rows; stage the replacement of the exam's scale."""
    exam = context.exam
    for line, row in context.numbered():
        if row["level"] not in LEVELS:
            context.error(line, "level", f"层次「{row['level']}」应为 本科 或 专科")
        code = row["institution_code"] or ""
        if code and not _INSTITUTION_CODE.fullmatch(code):
            context.error(line, "institution_code", f"院校代码「{code}」应为5位数字")
        seats, reserved = int(row["seats"] or 0), int(row["reserved"] or 0)
        if reserved > seats:
            context.error(line, "reserved", f"预留数 {reserved} 大于核定数 {seats}")
    missing = batches_without_level(exam)
    if missing and context.lines:
        names = "、".join(f"{b.name}（{b.code}）" for b in missing)
        context.error(
            context.lines[0], "level",
            f"设定核定规模前，规则文件的每个批次都须写明层次（level = \"本科\" 或 \"专科\"）；"
            f"未写层次的批次：{names}",
        )  # fmt: skip
    old = scale_rows(exam)
    changes = ChangeList()
    counts = [0, 0, 0]
    for line, row in context.numbered():
        key = (str(row["level"]), row["institution_code"] or "")
        seats, reserved = int(row["seats"] or 0), int(row["reserved"] or 0)
        before = old.get(key)
        shown = f"{key[0]} {key[1] or '全省'}"
        if before is None:
            counts[0] += 1
            changes.add(line, shown, True, [("核定数", None, seats), ("预留数", None, reserved)])
        elif (before.seats, before.reserved) != (seats, reserved):
            counts[1] += 1
            changes.add(line, shown, False, [("核定数", before.seats, seats),
                                              ("预留数", before.reserved, reserved)])  # fmt: skip
        else:
            counts[2] += 1

    def apply() -> None:
        db.session.execute(delete(PlanScale).where(PlanScale.exam_id == exam.id))
        for row in context.rows:
            db.session.add(PlanScale(
                exam_id=exam.id, level=row["level"], institution_code=row["institution_code"] or "",
                seats=int(row["seats"] or 0), reserved=int(row["reserved"] or 0),
            ))  # fmt: skip
        db.session.flush()

    return Staged((counts[0], counts[1], counts[2]), apply, changes.rows)
