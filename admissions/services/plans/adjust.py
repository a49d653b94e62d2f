"""Adjustments of the published plan (计划调整): a line's seats up or down, seats released from
the reserve (预留计划) for a 征集 round, or a new line for one — each recorded with its reason,
who, when and the seats before and after, audited, and kept within the approved scale.

The adjusted figure is the line's ``seats`` column itself: the catalogue, the exports and the
allocation read it as they always did; ``plan_adjustment`` keeps the history.
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from admissions.extensions import db
from admissions.files.columns import plans_spec
from admissions.files.readers import read_table
from admissions.models import (
    Account,
    AllocationRun,
    Dispatch,
    DispatchStatus,
    Exam,
    Institution,
    PlanAdjustment,
    PlanLine,
)
from admissions.services import audit
from admissions.services.imports.context import ImportContext
from admissions.services.imports.plans import check_rows, line_values
from admissions.services.imports.scale_check import (
    SeatRow,
    excesses,
    has_scale,
    published_rows,
    scale_rows,
)
from admissions.services.imports.sizes import sized
from admissions.services.plans.compile import FORM_KEYS, PlanError


def history(exam: Exam, limit: int = 200) -> list[PlanAdjustment]:
    """The exam's adjustments, latest first."""
    query = (
        select(PlanAdjustment).where(PlanAdjustment.exam_id == exam.id)
        .order_by(PlanAdjustment.id.desc()).limit(limit)
    )  # fmt: skip
    return list(db.session.scalars(query))


def _admitted(line: PlanLine) -> int:
    query = (
        select(func.count(Dispatch.id))
        .join(AllocationRun, AllocationRun.id == Dispatch.run_id)
        .where(Dispatch.plan_line_id == line.id, Dispatch.status == DispatchStatus.ADMITTED,
               AllocationRun.dry_run.is_(False))
    )  # fmt: skip
    return int(db.session.scalar(query) or 0)


def _seats(text: str) -> int:
    text = text.strip()
    if not text.isdigit():
        raise PlanError([("seats", f"调整后计划数应为不小于 0 的整数，当前为「{text}」")])
    return int(text)


def _reason(text: str) -> str:
    if not text.strip():
        raise PlanError([("reason", "请填写调整原因（将记入调整记录和操作日志）")])
    return text.strip()


def _check_scale(exam: Exam, line: PlanLine | None, new: SeatRow) -> None:
    """The plan with `line` replaced by (or extended with) `new`, against the scale."""
    if not has_scale(exam):
        if new.released:
            raise PlanError([("from_reserve", "尚未设定核定招生规模，没有预留计划可以调剂")])
        return
    if new.released and (new.level, "") not in scale_rows(exam):
        raise PlanError(
            [("from_reserve", f"{new.level or '该'}层次没有全省核定总数，没有预留计划可以调剂")]
        )
    rows = [r for r in published_rows(exam) if line is None or r.key != line.id] + [new]
    found = [e for e in excesses(exam, rows) if e.institution_code in ("", new.institution_code)]
    if found:
        raise PlanError([("seats", e.message) for e in found])


def adjust_line(
    line: PlanLine, seats_text: str, reason_text: str, actor: Account, *, from_reserve: bool = False
) -> PlanAdjustment:
    """Change a published line's seats; with `from_reserve` the increase comes from the reserve."""
    seats, reason = _seats(seats_text), _reason(reason_text)
    if seats == line.seats:
        raise PlanError([("seats", f"调整后计划数与现在相同（{seats} 人）")])
    if from_reserve and seats < line.seats:
        raise PlanError([("from_reserve", "从预留计划调剂只能增加计划数")])
    admitted = _admitted(line)
    if seats < admitted:
        raise PlanError([("seats", f"该专业已录取 {admitted} 人，计划数不能少于 {admitted}")])
    exam = line.exam
    level = line.batch.level or ""
    released_now = sum(r.released for r in published_rows(exam) if r.key == line.id)
    released = released_now + (seats - line.seats if from_reserve else 0)
    released = min(released, seats)  # a later cut takes back released seats first
    _check_scale(exam, line, SeatRow(level, line.institution.code, seats, released, line.id))
    return _record(line, line.seats, seats, reason, actor, from_reserve)


def _record(
    line: PlanLine, before: int, after: int, reason: str, actor: Account, from_reserve: bool
) -> PlanAdjustment:
    line.seats = after
    adjustment = PlanAdjustment(exam_id=line.exam_id, plan_line_id=line.id, seats_before=before,
                                seats_after=after, from_reserve=from_reserve, reason=reason,
                                actor_id=actor.id if actor else None)  # fmt: skip
    db.session.add(adjustment)
    db.session.flush()
    audit.record(actor, "plan.adjust", line, before={"seats": before},
                 after={"seats": after, "from_reserve": from_reserve}, reason=reason,
                 exam_id=line.exam_id)  # fmt: skip
    return adjustment


def add_reserve_line(
    exam: Exam, fields: dict[str, str], reason_text: str, actor: Account
) -> PlanAdjustment:
    """A new line for a 征集 round, its seats all released from the reserve. ``fields`` holds
    ``institution_code`` and the keys of ``FORM_KEYS``, checked like a row of the plans file."""
    reason = _reason(reason_text)
    institution = db.session.scalar(
        select(Institution).where(Institution.code == fields.get("institution_code", "").strip())
    )
    if institution is None:
        raise PlanError(
            [("institution_code", f"院校代码「{fields.get('institution_code', '')}」不存在")]
        )
    header = ["institution_code", "institution_name", *FORM_KEYS]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, [institution.code, institution.name,
                                           *[fields.get(k, "") for k in FORM_KEYS]]])  # fmt: skip
    read = read_table(buffer.getvalue().encode("utf-8"), "表单", sized(plans_spec()))
    problems = [(e.column or "", e.message) for e in read.errors]
    if read.rows:
        context = ImportContext(exam, "表单", read.rows, read.lines, actor, read.headers)
        check_rows(context)
        problems += [(e.column or "", e.message) for e in context.errors]
    if problems:
        raise PlanError(problems)
    row = read.rows[0]
    batch = next(b for b in exam.batches if b.code == row["batch"])
    taken = db.session.scalar(select(PlanLine.id).where(
        PlanLine.batch_id == batch.id, PlanLine.institution_id == institution.id,
        PlanLine.program_code == row["program_code"],
    ))  # fmt: skip
    if taken is not None:
        raise PlanError(
            [("program_code", f"该批次已有专业代码 {row['program_code']}，请调整该专业的计划数")]
        )
    values = line_values(row)
    seats = int(values.pop("seats"))  # type: ignore[call-overload]
    if seats <= 0:
        raise PlanError([("seats", "新增专业的计划数应大于 0")])
    _check_scale(exam, None, SeatRow(batch.level or "", institution.code, seats, seats))
    line = PlanLine(exam_id=exam.id, batch_id=batch.id, institution_id=institution.id,
                    program_code=row["program_code"], seats=0, **values)  # fmt: skip
    db.session.add(line)
    db.session.flush()
    return _record(line, 0, seats, reason, actor, True)
