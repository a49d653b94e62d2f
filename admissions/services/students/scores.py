"""A candidate's scores as stored: components, credits, bonus, composite, rank, verdicts, and the
category's score-rank table (一分一段) — visible only once the exam's scores are published."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from sqlalchemy import func, select

from admissions.extensions import db
from admissions.models import (
    Candidate,
    Component,
    ComponentScore,
    CreditedScore,
    Exam,
    ExamStatus,
    RulesVersion,
    ScoreResult,
    utcnow,
)

PUBLISHED_STATUSES = {
    ExamStatus.SCORES_PUBLISHED, ExamStatus.PREFERENCES_OPEN, ExamStatus.PREFERENCES_CLOSED,
    ExamStatus.ALLOCATION, ExamStatus.FINISHED,
}  # fmt: skip


@dataclass(frozen=True)
class ComponentRow:
    """One component: the score sat, a credited score with its reason, and the one that counts."""

    name: str
    group: str
    max: Decimal
    sat: Decimal | None
    grade: str | None
    credited: Decimal | None
    credit_reason: str

    @property
    def effective(self) -> Decimal | None:
        """max(sat, credited); None when neither exists."""
        values = [v for v in (self.sat, self.credited) if v is not None]
        return max(values) if values else None


@dataclass(frozen=True)
class TableRow:
    """A row of 一分一段: candidates with score ≤ total < score + 1, and the cumulative count."""

    score: int
    count: int
    cumulative: int


def scores_visible(exam: Exam, now: datetime | None = None) -> bool:
    """Scores are shown once published (status), and not before the publication time."""
    if exam.status not in PUBLISHED_STATUSES:
        return False
    return exam.scores_published_at is None or (now or utcnow()) >= exam.scores_published_at


@dataclass(frozen=True)
class ScoreSheet:
    """A candidate's stored scores: the exam's components in order, the scores sat and the
    credited ones by component id (read once for the page and the explanation)."""

    components: tuple[Component, ...]
    sat: dict[int, ComponentScore]
    credits: dict[int, CreditedScore]


def score_sheet(candidate: Candidate) -> ScoreSheet:
    """The components of the candidate's exam and what the candidate has in each (one query:
    each component with the candidate's score and credit in it, if any)."""
    rows = db.session.execute(
        select(Component, ComponentScore, CreditedScore)
        .outerjoin(
            ComponentScore,
            (ComponentScore.component_id == Component.id)
            & (ComponentScore.candidate_id == candidate.id),
        )
        .outerjoin(
            CreditedScore,
            (CreditedScore.component_id == Component.id)
            & (CreditedScore.candidate_id == candidate.id),
        )
        .where(Component.exam_id == candidate.exam_id)
        .order_by(Component.position, Component.id)
    ).all()
    sat = {score.component_id: score for _, score, _ in rows if score is not None}
    credits = {credit.component_id: credit for _, _, credit in rows if credit is not None}
    return ScoreSheet(tuple(component for component, _, _ in rows), sat, credits)


def component_rows(candidate: Candidate, sheet: ScoreSheet | None = None) -> list[ComponentRow]:
    """Every component of the exam with what the candidate has in it."""
    sheet = sheet or score_sheet(candidate)
    rows = []
    for component in sheet.components:
        score, credit = sheet.sat.get(component.id), sheet.credits.get(component.id)
        rows.append(
            ComponentRow(
                name=component.name, group=component.group.value, max=component.max,
                sat=score.value if score else None, grade=score.grade if score else None,
                credited=credit.value if credit else None,
                credit_reason=credit.reason if credit else "",
            )
        )  # fmt: skip
    return rows


def current_result(candidate: Candidate) -> ScoreResult | None:
    """The result under the exam's current rules version, else the newest one computed."""
    return version_and_result(candidate)[1]


def _newest_result(candidate: Candidate) -> ScoreResult | None:
    return db.session.scalar(
        select(ScoreResult)
        .where(ScoreResult.candidate_id == candidate.id)
        .order_by(ScoreResult.computed_at.desc(), ScoreResult.id.desc())
    )


def version_and_result(candidate: Candidate) -> tuple[RulesVersion | None, ScoreResult | None]:
    """The exam's current rules version row and the candidate's result under it, else the
    newest result computed; in one query when there is a result under the current version."""
    version = candidate.exam.current_rules_version
    row = None
    if version is not None:
        row = db.session.execute(
            select(RulesVersion, ScoreResult)
            .outerjoin(ScoreResult, (ScoreResult.rules_version_id == RulesVersion.id)
                       & (ScoreResult.candidate_id == candidate.id))
            .where(RulesVersion.exam_id == candidate.exam_id, RulesVersion.version == version)
        ).first()  # fmt: skip
    current, found = row if row is not None else (None, None)
    return current, found if found is not None else _newest_result(candidate)


# The 一分一段 table is the most-read page of the season and the same for a whole category, so it
# is kept per process for a short while instead of being recounted on every page view.
TABLE_TTL_SECONDS = 60.0
_TABLE_CACHE_SIZE = 512
_table_cache: dict[tuple[object, ...], tuple[float, list[TableRow]]] = {}
_table_lock = threading.Lock()


def clear_table_cache() -> None:
    """Forget every cached score-rank table (after scores are recomputed)."""
    with _table_lock:
        _table_cache.clear()


def score_table(candidate: Candidate, result: ScoreResult) -> list[TableRow]:
    """一分一段 of the candidate's category under the result's rules version, top score first.

    Cached for TABLE_TTL_SECONDS per exam, category, rules version and publication time.
    """
    exam = candidate.exam
    key = (exam.id, exam.scores_published_at, candidate.category_code, result.rules_version_id)
    now = time.monotonic()
    with _table_lock:
        hit = _table_cache.get(key)
    if hit is not None and now - hit[0] < TABLE_TTL_SECONDS:
        return hit[1]
    rows = _count_table(candidate, result)
    with _table_lock:
        if len(_table_cache) >= _TABLE_CACHE_SIZE:
            _table_cache.clear()
        _table_cache[key] = (now, rows)
    return rows


def _count_table(candidate: Candidate, result: ScoreResult) -> list[TableRow]:
    totals = db.session.execute(
        select(ScoreResult.total, func.count())
        .join(Candidate, ScoreResult.candidate_id == Candidate.id)
        .where(
            Candidate.exam_id == candidate.exam_id,
            Candidate.category_code == candidate.category_code,
            ScoreResult.rules_version_id == result.rules_version_id,
        )
        .group_by(ScoreResult.total)
    ).all()
    per_point: dict[int, int] = {}
    for total, count in totals:
        point = int(Decimal(total).to_integral_value(rounding=ROUND_FLOOR))
        per_point[point] = per_point.get(point, 0) + count
    rows, cumulative = [], 0
    for point in sorted(per_point, reverse=True):
        cumulative += per_point[point]
        rows.append(TableRow(point, per_point[point], cumulative))
    return rows


def rows_near(table: list[TableRow], total: Decimal, points: int = 15) -> list[TableRow]:
    """The rows of the table within ``points`` of ``total`` (a phone-sized excerpt)."""
    mine = int(Decimal(total).to_integral_value(rounding=ROUND_FLOOR))
    return [row for row in table if abs(row.score - mine) <= points]
