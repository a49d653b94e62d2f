"""Which exams the public pages list, an exam by its code, and its rules in words."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import AllocationRun, Category, Exam, Round, RunStatus
from admissions.services.exam.rules import exam_rules
from admissions.services.published.catalogue import has_plans
from admissions.services.published.ranktable import scores_visible
from scoring.rules import RulesError
from scoring.rules_words import RulesText, describe_rules

EXAM_CODE_LENGTH = 40


@dataclass(frozen=True)
class ExamNews:
    """What the home page says of one exam: which pages hold information already."""

    exam: Exam
    plans: bool
    cutoffs: bool
    ranktable: bool


def listed_exams() -> list[Exam]:
    """Exams whose rules are loaded (they have categories), newest year first."""
    has_category = select(Category.id).where(Category.exam_id == Exam.id).exists()
    return list(db.session.scalars(
        select(Exam).where(has_category).order_by(Exam.year.desc(), Exam.name)
    ))  # fmt: skip


def news(exam: Exam) -> ExamNews:
    """Which of the exam's public pages have something published."""
    return ExamNews(exam, has_plans(exam), has_published_runs(exam), scores_visible(exam))


def exam_by_code(code: str) -> Exam | None:
    """A listed exam by its code (letters, digits, '-'); None for anything else."""
    if not code or len(code) > EXAM_CODE_LENGTH:
        return None
    exam = db.session.scalar(select(Exam).where(Exam.code == code))
    if exam is None or not exam.categories:
        return None
    return exam


def has_published_runs(exam: Exam) -> bool:
    """Whether a round's results (and cutoffs) were published."""
    found = db.session.scalar(
        select(AllocationRun.id).where(
            AllocationRun.exam_id == exam.id, AllocationRun.status == RunStatus.PUBLISHED,
            AllocationRun.dry_run.is_(False)).limit(1)
    )  # fmt: skip
    return found is not None


def first_rounds(exam: Exam) -> list[Round]:
    """The rounds with a preference window set, in order (the pages say when things appear)."""
    rounds = [r for b in exam.batches for r in b.round_rows if r.prefs_open_at is not None]
    return sorted(rounds, key=lambda r: r.prefs_open_at)  # type: ignore[arg-type, return-value]


def rules_words(exam: Exam) -> RulesText | None:
    """The exam's current rules in plain Chinese; None before rules are loaded."""
    try:
        return describe_rules(exam_rules(exam)[1])
    except (LookupError, RulesError):
        return None
