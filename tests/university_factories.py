"""Factories for the university side: allocation runs, rounds and dispatches (flush, no commit)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import (
    AllocationRun,
    Candidate,
    Dispatch,
    DispatchStatus,
    Exam,
    PlanLine,
    Round,
    RoundStatus,
    RunStatus,
)


def create_round(
    exam: Exam, number: int = 1, status: RoundStatus = RoundStatus.ALLOCATED, **fields: object
) -> Round:
    """The round row of the exam's first batch (or ``batch=``), created or updated."""
    batch = fields.pop("batch", None) or exam.batches[0]
    row = db.session.scalar(select(Round).where(Round.batch_id == batch.id, Round.number == number))
    if row is None:
        row = Round(batch_id=batch.id, number=number)
        db.session.add(row)
    row.status = status
    for key, value in fields.items():
        setattr(row, key, value)
    db.session.flush()
    return row


def create_run(exam: Exam, number: int = 1, **fields: object) -> AllocationRun:
    """A successful allocation run of round ``number``, with its round open for review."""
    batch = fields.pop("batch", None) or exam.batches[0]
    round_status = fields.pop("round_status", RoundStatus.ALLOCATED)
    create_round(exam, number, round_status, batch=batch)
    values: dict[str, object] = {
        "exam_id": exam.id, "batch_id": batch.id, "round_number": number,
        "status": RunStatus.SUCCEEDED,
    }  # fmt: skip
    values.update(fields)
    run = AllocationRun(**values)
    db.session.add(run)
    db.session.flush()
    return run


def create_dispatch(
    run: AllocationRun, candidate: Candidate, line: PlanLine | None, **fields: object
) -> Dispatch:
    """A dispatch of ``candidate`` to ``line`` in ``run`` (status dispatched unless given)."""
    values: dict[str, object] = {
        "run_id": run.id, "candidate_id": candidate.id,
        "plan_line_id": line.id if line is not None else None,
        "institution_id": line.institution_id if line is not None else fields.get("institution_id"),
        "group_code": line.group_code if line is not None else None,
        "choice": 1, "total": Decimal("500.5"), "rank": 100, "status": DispatchStatus.DISPATCHED,
    }  # fmt: skip
    values.update(fields)
    dispatch = Dispatch(**values)
    db.session.add(dispatch)
    db.session.flush()
    return dispatch


def review_scenario(
    db, can_see_full_id: bool = False, institution_admin: bool = False
) -> dict[str, object]:
    """Two institutions in one exam, a live round with three candidates for ours and one for theirs,
    and a staff account for each (both institution admins if asked); committed."""
    from admissions.models import Role
    from tests.factories import create_account, create_candidate, create_exam, create_plan_line

    exam = create_exam()
    line = create_plan_line(exam, program_code="P01", program_name="软件技术", seats=2)
    other_line = create_plan_line(exam, program_code="Q01", program_name="烹饪工艺与营养")
    run = create_run(exam)
    names = ["张三", "李四", '=HYPERLINK("http://x","王五")']
    ours = [
        create_dispatch(
            run, create_candidate(exam, name=name), line, total=Decimal(600 - i), rank=i + 1
        )
        for i, name in enumerate(names)
    ]
    theirs = create_dispatch(run, create_candidate(exam, name="赵六"), other_line)
    staff = create_account(
        Role.UNIVERSITY,
        institution_id=line.institution_id,
        can_see_full_id=can_see_full_id,
        is_institution_admin=institution_admin,
    )
    rival = create_account(
        Role.UNIVERSITY,
        institution_id=other_line.institution_id,
        is_institution_admin=institution_admin,
    )
    db.session.commit()
    return {
        "exam": exam,
        "line": line,
        "run": run,
        "ours": ours,
        "theirs": theirs,
        "staff": staff,
        "rival": rival,
        "other_line": other_line,
    }
