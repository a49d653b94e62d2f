"""Admission letters of admitted candidates, with the verification code the student's letter uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import select

from admissions.extensions import db
from admissions.files.letters import LetterData, admission_letter_pdf, letters_pdf
from admissions.models import (
    AllocationRun,
    Batch,
    Candidate,
    Dispatch,
    DispatchStatus,
    Exam,
    Institution,
    PlanLine,
)
from admissions.services.letter_codes import code_for


class LetterError(ValueError):
    """A letter that cannot be made (e.g. the candidate is not admitted)."""


def letter_code(dispatch: Dispatch) -> str:
    """The verification code of an admission: secret, exam code, 考生号, institution-program."""
    candidate = db.session.get(Candidate, dispatch.candidate_id)
    line = db.session.get(PlanLine, dispatch.plan_line_id) if dispatch.plan_line_id else None
    if candidate is None or line is None:
        raise LetterError("该投档记录没有录取专业，无法生成验证码")
    exam = db.session.get(Exam, candidate.exam_id)
    institution = db.session.get(Institution, line.institution_id)
    assert exam is not None and institution is not None
    return code_for(exam.code, candidate.candidate_no, institution.code, line.program_code)


def letter_data(
    dispatch: Dispatch, *, base_url: str = "", today: dt.date | None = None
) -> LetterData:
    """What the letter of an admitted dispatch shows; refuses anything not admitted."""
    if dispatch.status != DispatchStatus.ADMITTED:
        raise LetterError("只有已录取的考生才能生成录取通知书")
    candidate = db.session.get(Candidate, dispatch.candidate_id)
    line = db.session.get(PlanLine, dispatch.plan_line_id) if dispatch.plan_line_id else None
    run = db.session.get(AllocationRun, dispatch.run_id)
    assert candidate is not None and line is not None and run is not None
    exam = db.session.get(Exam, run.exam_id)
    batch = db.session.get(Batch, run.batch_id)
    institution = db.session.get(Institution, line.institution_id)
    assert exam is not None and batch is not None and institution is not None
    return LetterData(
        exam_name=exam.name,
        candidate_name=candidate.name,
        candidate_no=candidate.candidate_no,
        national_id=candidate.national_id,
        institution_name=institution.name,
        program_name=line.program_name,
        batch_name=batch.name,
        verification_code=dispatch.verification_code or letter_code(dispatch),
        issue_date=today or dt.date.today(),
        verify_base_url=base_url,
    )


def run_letters(
    run: AllocationRun, institution_id: int, *, base_url: str = "", today: dt.date | None = None
) -> Iterator[LetterData]:
    """The letters of every admitted candidate of a run to an institution, by program and 考生号,
    one at a time (one query of plain columns, so thousands of letters stay fast)."""
    query = (
        select(
            Exam.code, Exam.name, Batch.name, Candidate.name, Candidate.candidate_no,
            Candidate.national_id, Institution.code, Institution.name, PlanLine.program_code,
            PlanLine.program_name, Dispatch.verification_code,
        )
        .select_from(Dispatch)
        .join(Candidate, Candidate.id == Dispatch.candidate_id)
        .join(PlanLine, PlanLine.id == Dispatch.plan_line_id)
        .join(Institution, Institution.id == PlanLine.institution_id)
        .join(Exam, Exam.id == PlanLine.exam_id)
        .join(Batch, Batch.id == PlanLine.batch_id)
        .where(
            Dispatch.run_id == run.id,
            Dispatch.institution_id == institution_id,
            Dispatch.status == DispatchStatus.ADMITTED,
        )
        .order_by(PlanLine.program_code, Candidate.candidate_no)
    )  # fmt: skip
    issued = today or dt.date.today()
    for (
        exam_code,
        exam_name,
        batch_name,
        name,
        number,
        national_id,
        inst_code,
        inst_name,
        code,
        program,
        stored,
    ) in db.session.execute(query):
        yield LetterData(
            exam_name=exam_name, candidate_name=name, candidate_no=number, national_id=national_id,
            institution_name=inst_name, program_name=program, batch_name=batch_name,
            verification_code=stored or code_for(exam_code, number, inst_code, code),
            issue_date=issued, verify_base_url=base_url,
        )  # fmt: skip


def admission_letter_pdf_for(dispatch: Dispatch, *, base_url: str = "") -> bytes:
    """The one-page letter PDF of an admitted dispatch."""
    return admission_letter_pdf(letter_data(dispatch, base_url=base_url))


def run_letters_pdf(
    run: AllocationRun, institution_id: int, *, base_url: str = ""
) -> tuple[bytes, int]:
    """The bulk PDF of a run's letters and how many it holds; ValueError when there are none."""
    count = 0

    def counted() -> Iterator[LetterData]:
        nonlocal count
        for item in run_letters(run, institution_id, base_url=base_url):
            count += 1
            yield item

    try:
        data = letters_pdf(counted())
    except ValueError as error:
        raise (
            LetterError("本轮尚无已录取的考生，无法生成录取通知书") if count == 0 else error
        ) from None
    return data, count
