"""Admission letters of candidates and the public check of a letter's verification code."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

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
        verification_code=letter_code(secret, exam, candidate, line),
        issue_date=(dispatch.decided_at or utcnow()).date(), verify_base_url=base_url,
    )  # fmt: skip


def verify_code(secret: str, raw_code: str) -> VerifiedLetter | None:
    """The admission a code belongs to, or None. Only admitted dispatches of published runs count.

    Codes are HMACs and cannot be reversed, so the admitted dispatches are scanned: fine for one
    province's admissions (10⁵ rows take well under a second); an indexed table of issued codes
    would be the next step at national scale.
    """
    code = normalise_code(raw_code)
    if len(code.replace("-", "")) != CODE_LENGTH:
        return None
    rows = db.session.execute(
        select(Exam.code, Exam.name, Candidate.candidate_no, Candidate.name, Institution.code,
               Institution.name, PlanLine.program_code, PlanLine.program_name)
        .select_from(Dispatch)
        .join(AllocationRun, Dispatch.run_id == AllocationRun.id)
        .join(Candidate, Dispatch.candidate_id == Candidate.id)
        .join(Exam, Candidate.exam_id == Exam.id)
        .join(PlanLine, Dispatch.plan_line_id == PlanLine.id)
        .join(Institution, PlanLine.institution_id == Institution.id)
        .where(Dispatch.status == DispatchStatus.ADMITTED,
               AllocationRun.status == RunStatus.PUBLISHED)
    )  # fmt: skip
    for exam_code, exam_name, number, name, inst_code, inst_name, program, program_name in rows:
        if verification_code(secret, exam_code, number, f"{inst_code}-{program}") == code:
            return VerifiedLetter(mask_name(name), inst_name, program_name, exam_name)
    return None
