"""An institution compiles its plan for an exam (招生计划编制): lines entered one by one or
uploaded in the board's plans format (its own institution only), totals against its approved
scale, then submitted for the board's review.

A line entered on the page goes through the very reader and checks of the plans file, so a
form and a file get the same messages.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import func, select

from admissions.extensions import db
from admissions.files.columns import plans_spec
from admissions.files.readers import FileError, Row, read_table
from admissions.models import (
    Account,
    Exam,
    Institution,
    PlanDraftLine,
    PlanLine,
    PlanSubmission,
    utcnow,
)
from admissions.services import audit
from admissions.services.imports.context import ImportContext
from admissions.services.imports.plans import check_rows, line_values
from admissions.services.imports.scale_check import (
    Excess,
    SeatRow,
    excesses,
    published_rows,
    scale_rows,
)
from admissions.services.imports.sizes import sized

EDITABLE = ("draft", "returned")
STATUS_NAMES = {
    "draft": "编制中",
    "submitted": "已提交，待审核",
    "returned": "已退回，待修改",
    "approved": "审核通过，待公布",
    "published": "已公布",
}
COPIED = ("program_name", "category_code", "seats", "group_code", "scheme_code", "requirements",
          "tuition", "years", "ownership", "notes", "types")  # fmt: skip
FORM_KEYS = ("batch", "program_code", "program_name", "category", "seats", "group", "scheme",
             "requirements", "tuition", "years", "ownership", "notes", "types")  # fmt: skip


class PlanError(ValueError):
    """A compilation step the rules refuse; ``problems`` are (field or column, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("；".join(message for _, message in problems))
        self.problems = problems


@dataclass(frozen=True)
class LevelTotal:
    """An institution's seats at one level against its approved scale (None: no scale row)."""

    level: str
    seats: int
    approved: int | None
    reserved: int


def find_submission(exam: Exam, institution: Institution) -> PlanSubmission | None:
    """The institution's compiled plan for the exam, if it started one."""
    query = select(PlanSubmission).where(
        PlanSubmission.exam_id == exam.id, PlanSubmission.institution_id == institution.id
    )
    return db.session.scalar(query)


def empty_submission(exam: Exam, institution: Institution) -> PlanSubmission:
    """A plan not yet started, to show (not added to the session)."""
    return PlanSubmission(exam=exam, institution=institution, status="draft", reason="", lines=[])


def published_count(exam: Exam, institution: Institution) -> int:
    """How many published lines the institution holds in the exam."""
    query = select(func.count(PlanLine.id)).where(
        PlanLine.exam_id == exam.id, PlanLine.institution_id == institution.id
    )
    return int(db.session.scalar(query) or 0)


def open_submission(exam: Exam, institution: Institution) -> PlanSubmission:
    """The institution's compiled plan for the exam, started (编制中) when there is none: from
    its published lines, if the board imported some, since publication replaces them."""
    found = find_submission(exam, institution)
    if found is None:
        found = PlanSubmission(exam_id=exam.id, institution_id=institution.id, status="draft")
        db.session.add(found)
        db.session.flush()
        query = select(PlanLine).where(
            PlanLine.exam_id == exam.id, PlanLine.institution_id == institution.id
        )
        for line in db.session.scalars(query.order_by(PlanLine.batch_id, PlanLine.program_code)):
            found.lines.append(PlanDraftLine(
                batch_id=line.batch_id, program_code=line.program_code,
                **{key: getattr(line, key) for key in COPIED},
            ))  # fmt: skip
        db.session.flush()
    return found


def _editable(submission: PlanSubmission) -> None:
    if submission.status not in EDITABLE:
        status = STATUS_NAMES[submission.status]
        raise PlanError([("", f"计划{status}，不能再修改；如需调整，请联系考试院")])


def _checked(submission: PlanSubmission, data: bytes, filename: str, actor: Account | None):
    """Rows of a plans file checked as the board's import checks them, restricted to the
    submission's institution; returns (rows with their lines, errors)."""
    exam, institution = submission.exam, submission.institution
    read = read_table(data, filename, sized(plans_spec()))
    errors = list(read.errors)
    if errors and not read.rows:
        return [], errors
    context = ImportContext(exam, filename, read.rows, read.lines, actor, read.headers)
    check_rows(context)
    for line, row in context.numbered():
        if row["institution_code"] != institution.code:
            context.error(line, "institution_code",
                          f"只能上传本校（{institution.code}）的计划，此行为院校 {row['institution_code']}")  # fmt: skip
    errors += list(context.errors)
    return context.numbered(), sorted(errors, key=lambda e: e.line or 0)


def _draft_line(submission: PlanSubmission, row: Row) -> PlanDraftLine:
    batch = next(b for b in submission.exam.batches if b.code == row["batch"])
    values = line_values(row)
    return PlanDraftLine(
        submission_id=submission.id, batch_id=batch.id, program_code=row["program_code"],
        **values,
    )  # fmt: skip


def upload_lines(
    submission: PlanSubmission, data: bytes, filename: str, actor: Account | None
) -> list[FileError]:
    """Replace the draft's lines by the file's (all or nothing); returns the errors, if any."""
    _editable(submission)
    rows, errors = _checked(submission, data, filename, actor)
    if errors:
        return errors
    submission.lines.clear()
    db.session.flush()
    for _, row in rows:
        submission.lines.append(_draft_line(submission, row))
    db.session.flush()
    audit.record(actor, "plan.upload", submission, after={"file": filename, "lines": len(rows)},
                 exam_id=submission.exam_id)  # fmt: skip
    return []


def _one_row_file(submission: PlanSubmission, fields: dict[str, str]) -> bytes:
    header = ["institution_code", "institution_name", *FORM_KEYS]
    values = [submission.institution.code, submission.institution.name,
              *[fields.get(key, "") for key in FORM_KEYS]]  # fmt: skip
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, values])
    return buffer.getvalue().encode("utf-8")


def add_line(submission: PlanSubmission, fields: dict[str, str], actor: Account) -> PlanDraftLine:
    """Add one line typed on the page (keys of ``FORM_KEYS``); PlanError names each bad field."""
    _editable(submission)
    rows, errors = _checked(submission, _one_row_file(submission, fields), "表单", actor)
    if errors:
        raise PlanError([(_field_of(e.column), e.message) for e in errors])
    row = rows[0][1]
    batch_id = next(b.id for b in submission.exam.batches if b.code == row["batch"])
    if any(
        ln.batch_id == batch_id and ln.program_code == row["program_code"]
        for ln in submission.lines
    ):
        raise PlanError(
            [
                (
                    "program_code",
                    f"本批次已有专业代码 {row['program_code']}，请修改或先删除原来的一行",
                )
            ]
        )
    line = _draft_line(submission, row)
    submission.lines.append(line)
    db.session.flush()
    audit.record(actor, "plan_line.add", submission, after={"program_code": line.program_code,
                 "seats": line.seats}, exam_id=submission.exam_id)  # fmt: skip
    return line


def _field_of(column: str | None) -> str:
    """The form field of a column as the reader names it (the header written: the English key)."""
    return column if column in FORM_KEYS else ""


def delete_line(submission: PlanSubmission, line_id: int, actor: Account) -> None:
    """Remove one line of the draft (a line of another institution's draft is not found)."""
    _editable(submission)
    line = next((ln for ln in submission.lines if ln.id == line_id), None)
    if line is None:
        raise LookupError(line_id)
    submission.lines.remove(line)
    db.session.flush()
    audit.record(actor, "plan_line.delete", submission, before={"program_code": line.program_code,
                 "seats": line.seats}, exam_id=submission.exam_id)  # fmt: skip


def draft_rows(submission: PlanSubmission) -> list[SeatRow]:
    """The draft's lines as the scale checks count them."""
    levels = {b.id: b.level or "" for b in submission.exam.batches}
    code = submission.institution.code
    return [SeatRow(levels[ln.batch_id], code, ln.seats, 0, ln.id) for ln in submission.lines]


def draft_excesses(submissions: list[PlanSubmission]) -> list[Excess]:
    """What the plan would exceed once these drafts replace their institutions' published lines
    (only excesses of these institutions and of the province's levels)."""
    if not submissions:
        return []
    exam = submissions[0].exam
    replaced = {s.institution_id for s in submissions}
    rows = [r for r in published_rows(exam) if r.key not in _line_ids_of(exam, replaced)]
    for submission in submissions:
        rows += draft_rows(submission)
    codes = {s.institution.code for s in submissions} | {""}
    return [e for e in excesses(exam, rows) if e.institution_code in codes]


def _line_ids_of(exam: Exam, institution_ids: set[int]) -> set[int]:
    query = select(PlanLine.id).where(
        PlanLine.exam_id == exam.id, PlanLine.institution_id.in_(institution_ids)
    )
    return set(db.session.scalars(query))


def level_totals(submission: PlanSubmission) -> list[LevelTotal]:
    """The draft's seats per level beside the institution's approved seats and reserve."""
    scale = scale_rows(submission.exam)
    seats: dict[str, int] = {}
    for row in draft_rows(submission):
        seats[row.level] = seats.get(row.level, 0) + row.seats
    levels = sorted(set(seats) | {lv for lv, code in scale if code == submission.institution.code})
    out = []
    for level in levels:
        limits = scale.get((level, submission.institution.code))
        out.append(LevelTotal(level, seats.get(level, 0), limits.seats if limits else None,
                              limits.reserved if limits else 0))  # fmt: skip
    return out


def submit(submission: PlanSubmission, actor: Account) -> None:
    """Submit the draft for review: it needs lines and must fit the scale."""
    _editable(submission)
    if not submission.lines:
        raise PlanError([("", "计划中还没有专业，不能提交")])
    found = draft_excesses([submission])
    if found:
        raise PlanError([("", e.message) for e in found])
    before = submission.status
    submission.status, submission.submitted_at, submission.reason = "submitted", utcnow(), ""
    db.session.flush()
    audit.record(actor, "plan.submit", submission, before={"status": before},
                 after={"status": "submitted", "lines": len(submission.lines),
                        "seats": sum(ln.seats for ln in submission.lines)},
                 exam_id=submission.exam_id)  # fmt: skip
