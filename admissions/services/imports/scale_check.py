"""Plans against the approved annual scale (核定招生规模): what exceeds, and by how much.

The checks (docs/plans-and-scale.md): for each level, the province's lines other than seats
released from the reserve fit within its approved total less its reserve, and the seats released
fit within the reserve; each institution's ordinary lines fit within its approved seats less its
own reserve, and all its lines within its approved seats. Where the scale names institutions for
a level, an institution it does not name has no seats at that level.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from admissions.extensions import db
from admissions.models import Batch, Exam, Institution, PlanAdjustment, PlanLine, PlanScale


@dataclass(frozen=True)
class SeatRow:
    """Seats of one line as the checks count them: its level, institution and the seats
    released into it from the reserve (included in ``seats``)."""

    level: str
    institution_code: str
    seats: int
    released: int = 0
    key: object = None  # what the caller uses to name the row (a file line, a line id)


@dataclass(frozen=True)
class Excess:
    """One excess: the level, the institution ("" = the province) and the message."""

    level: str
    institution_code: str
    message: str


def has_scale(exam: Exam) -> bool:
    """True once the exam has an approved scale."""
    query = select(PlanScale.id).where(PlanScale.exam_id == exam.id).limit(1)
    return db.session.scalar(query) is not None


def scale_rows(exam: Exam) -> dict[tuple[str, str], PlanScale]:
    """(level, institution code or "") → the scale row."""
    rows = db.session.scalars(select(PlanScale).where(PlanScale.exam_id == exam.id))
    return {(row.level, row.institution_code): row for row in rows}


def batch_levels(exam: Exam) -> dict[int, str | None]:
    """Batch id → its level (本科 / 专科, or None when the rules file says none)."""
    return {batch.id: batch.level for batch in exam.batches}


def released_by_line(exam: Exam) -> dict[int, int]:
    """Plan line id → seats released into it from the reserve (net of adjustments)."""
    query = (
        select(PlanAdjustment.plan_line_id, func.sum(PlanAdjustment.seats_after - PlanAdjustment.seats_before))
        .where(PlanAdjustment.exam_id == exam.id, PlanAdjustment.from_reserve.is_(True))
        .group_by(PlanAdjustment.plan_line_id)
    )  # fmt: skip
    return {line_id: int(total or 0) for line_id, total in db.session.execute(query)}


def published_rows(exam: Exam, *, except_institution: int | None = None) -> list[SeatRow]:
    """Every published line of the exam as a SeatRow (keyed by line id), optionally leaving out
    one institution's lines (those a proposal replaces)."""
    levels = batch_levels(exam)
    released = released_by_line(exam)
    query = (
        select(PlanLine.id, PlanLine.batch_id, PlanLine.seats, Institution.code, PlanLine.institution_id)
        .join(Institution, Institution.id == PlanLine.institution_id)
        .where(PlanLine.exam_id == exam.id)
    )  # fmt: skip
    return [
        SeatRow(
            levels.get(batch_id) or "", code, seats, min(seats, released.get(line_id, 0)), line_id
        )
        for line_id, batch_id, seats, code, institution_id in db.session.execute(query)
        if institution_id != except_institution
    ]


def _names(codes: Iterable[str]) -> dict[str, str]:
    wanted = {code for code in codes if code}
    if not wanted:
        return {}
    query = select(Institution.code, Institution.name).where(Institution.code.in_(wanted))
    return {code: name for code, name in db.session.execute(query)}


def _over(n: int, limit: int, seats: int, reserved: int) -> str:
    detail = f"（核定 {seats} 人，其中预留 {reserved} 人）" if reserved else ""
    return f"超出核定规模 {limit} 人{detail}，超出 {n - limit} 人"


def excesses(
    exam: Exam, rows: Iterable[SeatRow], names: dict[str, str] | None = None
) -> list[Excess]:
    """Every excess of `rows` (the whole plan as it would stand) over the exam's scale; [] when
    the exam has no scale or the plan fits. `names` names institutions not yet in the database."""
    scale = scale_rows(exam)
    if not scale:
        return []
    ordinary: dict[tuple[str, str], int] = defaultdict(int)
    released: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        for key in ((row.level, row.institution_code), (row.level, "")):
            ordinary[key] += row.seats - row.released
            released[key] += row.released
    known = {**_names(code for _, code in ordinary), **(names or {})}
    listed_levels = {level for level, code in scale if code}
    found: list[Excess] = []
    for level, code in sorted(ordinary):
        n_ordinary, n_released = ordinary[(level, code)], released[(level, code)]
        total = n_ordinary + n_released
        limits = scale.get((level, code))
        if code == "":
            if limits is None:
                continue
            cap = limits.seats - limits.reserved
            if n_ordinary > cap:
                found.append(Excess(level, "", f"全省{level}计划 {n_ordinary} 人，"
                                    + _over(n_ordinary, cap, limits.seats, limits.reserved)))  # fmt: skip
            if n_released > limits.reserved:
                found.append(Excess(level, "", f"全省{level}预留计划已使用 {n_released} 人，超出预留数 "
                                    f"{limits.reserved} 人，超出 {n_released - limits.reserved} 人"))  # fmt: skip
            continue
        who = f"{known.get(code, '')}（{code}）" if known.get(code) else f"院校 {code}"
        if limits is None:
            if level in listed_levels and total > 0:
                found.append(
                    Excess(level, code, f"{who}没有{level}核定规模，不能安排{level}计划 {total} 人")
                )
            continue
        cap = limits.seats - limits.reserved
        if n_ordinary > cap:
            found.append(Excess(level, code, f"{who}{level}计划 {n_ordinary} 人，"
                                + _over(n_ordinary, cap, limits.seats, limits.reserved)))  # fmt: skip
        elif total > limits.seats:
            found.append(Excess(level, code, f"{who}{level}计划含预留调剂共 {total} 人，"
                                + _over(total, limits.seats, limits.seats, 0)))  # fmt: skip
    return found


def batches_without_level(exam: Exam) -> list[Batch]:
    """The exam's batches whose rules say no level."""
    return [batch for batch in exam.batches if not batch.level]
