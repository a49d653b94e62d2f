"""Admission letters of candidates and the public check of a letter's verification code."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, select

from admissions.extensions import db
from admissions.files.letters import LetterData
from admissions.files.verification import CODE_LENGTH, normalise_code, verification_code
from admissions.models import (
    AllocationRun,
    Batch,
    Candidate,
    Dispatch,
    DispatchStatus,
    Exam,
    Institution,
    PlanLine,
    RunStatus,
    utcnow,
)


@dataclass(frozen=True)
class VerifiedLetter:
    """What the public check shows: nothing beyond a masked name, institution and program."""

    masked_name: str
    institution_name: str
    program_name: str
    exam_name: str


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳小明 → 欧***: only the first character is shown."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def letter_code(secret: str, exam: Exam, candidate: Candidate, line: PlanLine) -> str:
    """The verification code of an admission (shared convention of every letter writer)."""
    key = f"{line.institution.code}-{line.program_code}"
    return verification_code(secret, exam.code, candidate.candidate_no, key)


def letter_data(secret: str, candidate: Candidate, dispatch: Dispatch, base_url: str) -> LetterData:
    """The letter of an admitted dispatch (the caller loaded it with ``admitted_dispatch``)."""
    line = db.session.get(PlanLine, dispatch.plan_line_id)
    assert line is not None
    batch = db.session.get(Batch, line.batch_id)
    exam = candidate.exam
    return LetterData(
        exam_name=exam.name, candidate_name=candidate.name, candidate_no=candidate.candidate_no,
        national_id=candidate.national_id, institution_name=line.institution.name,
        program_name=line.program_name, batch_name=batch.name if batch else "",
        verification_code=dispatch.verification_code or letter_code(secret, exam, candidate, line),
        issue_date=(dispatch.decided_at or utcnow()).date(), verify_base_url=base_url,
    )  # fmt: skip


def verify_code(secret: str, raw_code: str) -> VerifiedLetter | None:
    """The admission a code belongs to, or None. Only admitted dispatches of published runs count.

    Codes are stored on the dispatch when it is admitted (and cleared when it is rejected), so
    the code is found by index. Rows admitted before codes were stored (migration 0005) and not
    yet back-filled (`flask letters backfill-codes`) are still checked, by scanning only them.
    """
    code = normalise_code(raw_code)
    if len(code.replace("-", "")) != CODE_LENGTH:
        return None
    row = db.session.execute(
        _admitted_letters().where(Dispatch.verification_code == code).order_by(Dispatch.id.desc())
    ).first()
    if row is not None:
        return _verified(row)
    return _scan_unstored(secret, code)


def _admitted_letters() -> Select[tuple[Any, ...]]:
    return (
        select(Candidate.name, Institution.name, PlanLine.program_name, Exam.name, Exam.code,
               Candidate.candidate_no, Institution.code, PlanLine.program_code)
        .select_from(Dispatch)
        .join(AllocationRun, Dispatch.run_id == AllocationRun.id)
        .join(Candidate, Dispatch.candidate_id == Candidate.id)
        .join(Exam, Candidate.exam_id == Exam.id)
        .join(PlanLine, Dispatch.plan_line_id == PlanLine.id)
        .join(Institution, PlanLine.institution_id == Institution.id)
        .where(Dispatch.status == DispatchStatus.ADMITTED,
               AllocationRun.status == RunStatus.PUBLISHED)
    )  # fmt: skip


def _verified(row: Row[tuple[Any, ...]]) -> VerifiedLetter:
    name, inst_name, program_name, exam_name = row[:4]
    return VerifiedLetter(mask_name(name), inst_name, program_name, exam_name)


def _scan_unstored(secret: str, code: str) -> VerifiedLetter | None:
    rows = db.session.execute(_admitted_letters().where(Dispatch.verification_code.is_(None)))
    for row in rows:
        exam_code, number, inst_code, program = row[4:]
        expected = verification_code(secret, exam_code, number, f"{inst_code}-{program}")
        if hmac.compare_digest(expected.encode(), code.encode()):
            return _verified(row)
    return None
