"""The demo's other years: last year's exam of the same province, its plans copied from this
year's lines (so cutoffs match line by line) and its rounds run and published; and next year's
exam with registration open, so a stranger can register."""

from __future__ import annotations

import random
import tomllib
from datetime import UTC, datetime, timedelta
from typing import Any

import tomli_w
from sqlalchemy import select

from admissions.extensions import db
from admissions.models import Exam, ExamStatus, PlanLine, utcnow
from admissions.services.demo.plans import DemoLine, get_or_create_institutions
from admissions.services.exam.rules import create_exam_from_rules
from admissions.services.rounds.close import close_round
from admissions.services.rounds.run import run_allocation
from admissions.services.scores.compute import compute_scores
from admissions.services.scores.publish import publish_scores


def shifted_rules(toml_text: str, years: int) -> str:
    """The rules file of the same exam ``years`` later (code, name and year moved)."""
    data: dict[str, Any] = tomllib.loads(toml_text)
    head = data["exam"]
    old, new = str(head["year"]), str(head["year"] + years)
    head["year"] += years
    code = head["code"].replace(old, new)
    head["code"] = code if code != head["code"] else f"{head['code']}-{new}"
    head["name"] = head["name"].replace(old, new)
    return tomli_w.dumps(data)


def existing(toml_text: str) -> Exam | None:
    """The exam of this rules file, if loaded already."""
    code = tomllib.loads(toml_text)["exam"]["code"]
    return db.session.scalar(select(Exam).where(Exam.code == code))


def create_last_year(toml_text: str) -> Exam:
    """Last year's exam (rules and round dates of that year); its lines come from
    ``copy_lines``."""
    exam = create_exam_from_rules(shifted_rules(toml_text, -1), status=ExamStatus.SCORING)
    season = datetime(exam.year, 7, 1, 1, 0, tzinfo=UTC)
    exam.registration_opens_at = datetime(exam.year - 1, 11, 20, tzinfo=UTC)
    exam.registration_closes_at = datetime(exam.year - 1, 12, 10, tzinfo=UTC)
    for batch in exam.batches:
        for round_ in batch.round_rows:
            start = season + timedelta(days=7 * (round_.number - 1) + 3 * (batch.sequence - 1))
            round_.prefs_open_at, round_.prefs_close_at = start, start + timedelta(days=2)
            round_.decisions_deadline = start + timedelta(days=5)
    db.session.flush()
    return exam


def copy_lines(rng: random.Random, current: Exam, exam: Exam) -> list[DemoLine]:
    """This year's lines in last year's exam: same institution, program and category."""
    prestige = {inst.id: p for inst, p in get_or_create_institutions().values()}
    batches = {b.code: b for b in exam.batches}
    pairs = []
    for line in db.session.scalars(select(PlanLine).where(PlanLine.exam_id == current.id)):
        batch = batches[line.batch.code]
        copy = PlanLine(
            exam_id=exam.id, batch_id=batch.id, institution_id=line.institution_id,
            program_code=line.program_code, program_name=line.program_name,
            category_code=line.category_code, seats=max(2, round(line.seats * rng.uniform(0.8, 1.2))),
            requirements=line.requirements,
        )  # fmt: skip
        pairs.append((copy, batch.code))
    db.session.add_all([copy for copy, _ in pairs])
    db.session.flush()
    return [
        DemoLine(c.id, code, c.category_code, prestige.get(c.institution_id, 0.5))
        for c, code in pairs
    ]


def run_season(exam: Exam) -> None:
    """Scores computed and published, the first round of every batch run, closed (pending
    admitted) and published, the exam finished."""
    compute_scores(exam)
    publish_scores(exam)
    for batch in exam.batches:
        run_allocation(exam, batch, 1)
        close_round(exam, batch, admit_pending=True)
    exam.status = ExamStatus.FINISHED
    db.session.flush()


def create_next_year(toml_text: str) -> Exam:
    """Next year's exam, taking registrations from yesterday for two months."""
    exam = create_exam_from_rules(shifted_rules(toml_text, 1))
    now = utcnow().replace(microsecond=0)
    exam.registration_opens_at = now - timedelta(days=1)
    exam.registration_closes_at = now + timedelta(days=60)
    db.session.flush()
    return exam
