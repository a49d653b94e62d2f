"""The 志愿确认单: a printable record of one submitted version, and the public check of its code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from admissions.extensions import db
from admissions.files.preference_slip import SlipChoice, SlipData
from admissions.files.verification import CODE_LENGTH, normalise_code
from admissions.models import (
    Batch,
    Candidate,
    Exam,
    Institution,
    PlanLine,
    PreferenceList,
    PreferenceStatus,
)
from admissions.services.students.letters import mask_name
from admissions.services.students.preferences import counted_list, submission_number


@dataclass(frozen=True)
class VerifiedSlip:
    """What the public check shows of a 志愿确认单: masked name, round, submission, time."""

    exam_name: str
    masked_name: str
    round_name: str
    submission: int
    submitted_at: datetime | None
    choices: int
    counts: bool  # the candidate's last submission for the round (the one that counts)


def _round_name(batch: Batch, number: int) -> str:
    return f"{batch.name} 第 {number} 轮"


def slip_data(candidate: Candidate, pref_list: PreferenceList) -> SlipData:
    """The slip of a submitted version of the candidate's own list."""
    batch = db.session.get(Batch, pref_list.batch_id)
    assert batch is not None
    ids = {i.plan_line_id for i in pref_list.items if i.plan_line_id} | {
        m.plan_line_id for i in pref_list.items for m in i.majors
    }
    lines = {
        line.id: line for line in db.session.scalars(select(PlanLine).where(PlanLine.id.in_(ids)))
    }
    wanted = {line.institution_id for line in lines.values()} | {
        i.institution_id for i in pref_list.items if i.institution_id
    }
    institutions = {
        i.id: i for i in db.session.scalars(select(Institution).where(Institution.id.in_(wanted)))
    }
    choices = []
    for item in pref_list.items:
        if item.plan_line_id and item.plan_line_id in lines:
            line = lines[item.plan_line_id]
            inst = institutions[line.institution_id]
            what = f"{line.program_name}（{line.program_code}）"
        else:
            inst = institutions.get(item.institution_id or 0)
            majors = [
                lines[m.plan_line_id].program_name for m in item.majors if m.plan_line_id in lines
            ]
            what = f"专业组 {item.group_code}：" + "、".join(majors)
            what += "；服从调剂" if item.adjust else "；不服从调剂"
        name = f"{inst.name}（{inst.code}）" if inst else "—"
        choices.append(SlipChoice(item.position, name, what))
    return SlipData(
        exam_name=candidate.exam.name, candidate_name=candidate.name,
        candidate_no=candidate.candidate_no, round_name=_round_name(batch, pref_list.round_number),
        submission=submission_number(pref_list), submitted_at=pref_list.submitted_at,
        verification_code=pref_list.verification_code or "", choices=tuple(choices),
    )  # fmt: skip


def verify_slip(raw_code: str) -> VerifiedSlip | None:
    """The submitted version a code belongs to, or None."""
    code = normalise_code(raw_code)
    if len(code.replace("-", "")) != CODE_LENGTH:
        return None
    row = db.session.execute(
        select(PreferenceList, Candidate, Exam, Batch)
        .join(Candidate, PreferenceList.candidate_id == Candidate.id)
        .join(Exam, Candidate.exam_id == Exam.id)
        .join(Batch, PreferenceList.batch_id == Batch.id)
        .where(PreferenceList.verification_code == code,
               PreferenceList.status == PreferenceStatus.SUBMITTED)
    ).first()  # fmt: skip
    if row is None:
        return None
    pref_list, candidate, exam, batch = row
    last = counted_list(candidate, batch.id, pref_list.round_number)
    return VerifiedSlip(
        exam.name, mask_name(candidate.name), _round_name(batch, pref_list.round_number),
        submission_number(pref_list), pref_list.submitted_at, len(pref_list.items),
        last is not None and last.id == pref_list.id,
    )  # fmt: skip
