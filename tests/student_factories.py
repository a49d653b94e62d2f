"""Factories for the student journey: open windows, rounds, scores, published runs (flush only)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from admissions.extensions import db
from admissions.models import (
    AllocationRun,
    Batch,
    BatchShape,
    Candidate,
    Category,
    Component,
    ComponentScore,
    CreditedScore,
    Cutoff,
    Dispatch,
    DispatchStatus,
    Exam,
    ExamStatus,
    Role,
    Round,
    RoundStatus,
    RulesVersion,
    RunStatus,
    ScoreResult,
    utcnow,
)
from tests.factories import create_account, create_candidate, create_exam


def create_open_exam(**fields: object) -> Exam:
    """An exam taking registrations now, with a second category (MED)."""
    now = utcnow()
    values: dict[str, object] = {
        "status": ExamStatus.REGISTRATION_OPEN,
        "registration_opens_at": now - timedelta(days=1),
        "registration_closes_at": now + timedelta(days=1),
    }
    values.update(fields)
    exam = create_exam(**values)
    db.session.add(Category(exam_id=exam.id, code="MED", name="医药卫生类"))
    db.session.flush()
    return exam


def create_round(batch: Batch, number: int = 1, open_now: bool = True) -> Round:
    """A preference round of ``batch``: open now, or closed an hour ago."""
    now = utcnow()
    round_ = Round(
        batch_id=batch.id, number=number, status=RoundStatus.OPEN,
        prefs_open_at=now - timedelta(days=1),
        prefs_close_at=now + timedelta(hours=1) if open_now else now - timedelta(hours=1),
    )  # fmt: skip
    db.session.add(round_)
    db.session.flush()
    return round_


def create_grouped_batch(exam: Exam, code: str = "ZK", max_choices: int = 2) -> Batch:
    """A grouped batch with up to 2 majors per group."""
    batch = Batch(
        exam_id=exam.id, code=code, name="专科批", sequence=2, shape=BatchShape.GROUPED,
        max_choices=max_choices, majors_per_group=2, ratio=Decimal(1), rounds=1,
        scheme_code="standard",
    )  # fmt: skip
    db.session.add(batch)
    db.session.flush()
    return batch


def create_student(exam: Exam | None = None, **fields: object) -> Candidate:
    """A candidate with a student account (password ``PASSWORD``)."""
    candidate = create_candidate(exam, **fields)
    create_account(Role.STUDENT, candidate_id=candidate.id)
    return candidate


def publish_scores(exam: Exam) -> None:
    """Mark the exam's scores as published an hour ago."""
    exam.status = ExamStatus.SCORES_PUBLISHED
    exam.scores_published_at = utcnow() - timedelta(hours=1)
    db.session.flush()


def create_rules_version(exam: Exam, version: int = 1) -> RulesVersion:
    rules = RulesVersion(exam_id=exam.id, version=version, toml_text="", digest="x" * 64)
    db.session.add(rules)
    exam.current_rules_version = version
    db.session.flush()
    return rules


def give_scores(
    candidate: Candidate, rules: RulesVersion, values: dict[str, str], total: str, rank: int = 1
) -> ScoreResult:
    """Component scores by code, and a result with ``total`` under ``rules``."""
    components = {c.code: c for c in candidate.exam.components}
    for code, value in values.items():
        db.session.add(
            ComponentScore(
                candidate_id=candidate.id, component_id=components[code].id, value=Decimal(value)
            )
        )
    result = ScoreResult(
        candidate_id=candidate.id, rules_version_id=rules.id, raw_total=Decimal(total),
        bonus=Decimal(0), total=Decimal(total), qualified=True, reasons=[], rank=rank,
    )  # fmt: skip
    db.session.add(result)
    db.session.flush()
    return result


def credit(candidate: Candidate, component: Component, value: str, reason: str) -> None:
    db.session.add(
        CreditedScore(
            candidate_id=candidate.id, component_id=component.id, value=Decimal(value),
            reason=reason,
        )
    )  # fmt: skip
    db.session.flush()


def create_run(
    exam: Exam, batch: Batch, round_number: int = 1, status: RunStatus = RunStatus.PUBLISHED
) -> AllocationRun:
    run = AllocationRun(
        exam_id=exam.id, batch_id=batch.id, round_number=round_number, status=status
    )
    db.session.add(run)
    db.session.flush()
    return run


def dispatch(
    run: AllocationRun, candidate: Candidate, line, status=DispatchStatus.ADMITTED, reason=""
) -> Dispatch:
    row = Dispatch(
        run_id=run.id, candidate_id=candidate.id, plan_line_id=line.id,
        institution_id=line.institution_id, choice=1, total=Decimal("500"), status=status,
        reason=reason, decided_at=utcnow(),
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    return row


def cutoff(run: AllocationRun, line, min_total: str | None, seats: int = 10) -> Cutoff:
    row = Cutoff(
        run_id=run.id, plan_line_id=line.id, seats=seats, dispatched=seats if min_total else 0,
        min_total=Decimal(min_total) if min_total else None, min_rank=42 if min_total else None,
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    return row
