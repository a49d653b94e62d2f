"""A seeded season for the route walk: every kind of object a GET page needs, and its id.

The demo exam (a few hundred candidates) with scores computed and published, 本科批 round 1 run;
one candidate of the demo university admitted (letters), one left pending (decision form); a
student account for the admitted candidate; a double-entry sheet; an import upload waiting for
confirmation; a finished board job and a finished bulk-letters job of the university.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from admissions.config import REPO_ROOT
from admissions.extensions import db
from admissions.models import (
    Account,
    AllocationRun,
    Candidate,
    Dispatch,
    Exam,
    Institution,
    Job,
    Province,
    Role,
)
from admissions.services.accounts import create_account
from admissions.services.demo import DEMO_PASSWORDS, load_demo
from admissions.services.imports.uploads import store_upload
from admissions.services.jobs import queue as jobs
from admissions.services.keying.sheets import create_sheet
from admissions.services.letter_codes import computed_code
from admissions.services.plans.compile import open_submission
from admissions.services.rounds.close import publish_run
from admissions.services.rounds.decisions import Decision, decide
from admissions.services.rounds.run import run_allocation
from admissions.services.scores.compute import compute_scores
from admissions.services.scores.publish import publish_scores

RULES = (REPO_ROOT / "presets" / "shandong.toml").read_text(encoding="utf-8")
STUDENT_PASSWORD = "walk-student-2026"


@dataclass
class Season:
    """The logins of each role and the value of every URL parameter the walk fills in: by role
    (``params["board"]``), and for one endpoint where it differs (``params["university.letter"]``)."""

    logins: dict[str, tuple[str, str]] = field(default_factory=dict)
    params: dict[str, dict[str, object]] = field(default_factory=dict)


def seed_season(candidates: int = 200) -> Season:
    """Build the season and return its logins and ids (committed)."""
    demo = load_demo(RULES, candidates=candidates, seed=13)
    exam = db.session.scalar(select(Exam).where(Exam.code == demo.exam_code))
    board = db.session.scalar(select(Account).where(Account.username == "board-sd"))
    compute_scores(exam)
    publish_scores(exam)
    numbers = db.session.scalars(
        select(Candidate.candidate_no).where(Candidate.exam_id == exam.id).limit(3)
    ).all()
    sheet = create_sheet(exam, "第1考场", ["skill"], "\n".join(numbers), "", board)
    batch = exam.batches[0]
    for round_ in batch.round_rows:
        round_.prefs_close_at = datetime.now(UTC) - timedelta(hours=1)
        round_.decisions_deadline = datetime.now(UTC) + timedelta(days=3)
    db.session.commit()
    return _after_scores(demo, exam, board, sheet.id)


def _after_scores(demo, exam: Exam, board: Account, sheet_id: int) -> Season:  # noqa: ANN001
    university = db.session.scalar(select(Account).where(Account.role == Role.UNIVERSITY))
    batch = exam.batches[0]
    outcome = run_allocation(exam, batch, 1)
    run = db.session.get(AllocationRun, outcome.run_id)
    ours = db.session.scalars(
        select(Dispatch)
        .where(Dispatch.run_id == run.id, Dispatch.institution_id == university.institution_id)
        .order_by(Dispatch.id)
    ).all()
    admitted, pending = ours[0], ours[1]
    decide(university, university.institution_id, Decision(admitted.id, "admit", "", None))
    publish_run(exam, batch, 1)  # students see results and letters; codes verify
    candidate = db.session.get(Candidate, admitted.candidate_id)
    create_account(candidate.candidate_no, STUDENT_PASSWORD, Role.STUDENT,
                   display_name=candidate.name, candidate_id=candidate.id)  # fmt: skip
    where = {"batch_code": batch.code, "number": 1}
    board_job = Job(kind="round_run", exam_id=exam.id, created_by_id=board.id, args=where,
                    status="succeeded", done=1, total=1, message="完成",
                    result={**where, "run_id": run.id, "dispatched": 1})  # fmt: skip
    db.session.add(board_job)
    letters = jobs.enqueue("letters", {"run_id": run.id, "base_url": ""}, actor=university,
                           exam_id=exam.id, institution_id=university.institution_id)  # fmt: skip
    token = store_upload(exam.id, "plans", "plans.csv", b"batch,seats\nBK,x\n", board.id)
    code = computed_code(admitted)
    plan = open_submission(exam, db.session.get(Institution, university.institution_id))
    admin = db.session.scalar(select(Account).where(Account.role == Role.ADMIN))
    db.session.commit()
    province = db.session.scalar(select(Province).where(Province.id == exam.province_id))
    institution = db.session.get(Institution, university.institution_id)
    season = Season()
    passwords = DEMO_PASSWORDS
    season.logins = {
        "admin": (admin.username, passwords[Role.ADMIN]),
        "board": (board.username, passwords[Role.BOARD]),
        "university": (university.username, passwords[Role.UNIVERSITY]),
        "student": (candidate.candidate_no, STUDENT_PASSWORD),
    }
    season.params = {
        "board": {"exam_id": exam.id, "candidate_id": candidate.id, "batch_code": batch.code,
                  "number": 1, "sheet_id": sheet_id, "pass_no": 1, "job_id": board_job.id,
                  "token": token, "kind": "plans", "fmt": "csv", "submission_id": plan.id},
        "university": {"dispatch_id": pending.id, "run_id": run.id, "job_id": letters.id,
                       "exam_id": exam.id},
        "student": {"candidate_id": candidate.id, "dispatch_id": admitted.id,
                    "batch_id": batch.id, "number": 1},
        "admin": {"account_id": board.id, "institution_id": institution.id,
                  "province_id": province.id},
        "public": {"code": exam.code},  # the exam's public pages, /exams/<code>/…
        "public.verify": {"code": code},  # the admission letter's verification code
        "university.letter": {"dispatch_id": admitted.id},  # a letter needs an admission
    }  # fmt: skip
    return season
