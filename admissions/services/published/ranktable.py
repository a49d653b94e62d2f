"""The public 一分一段 table per category, once scores are published, and the score → 位次 lookup.

Rows come from ``services.scores.ranktable`` (every candidate of the category with a result under
the current rules); they are kept per process for a short while, like the student's table.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select

from admissions.extensions import db
from admissions.models import Candidate, Exam, ExamStatus, ScoreResult, utcnow
from admissions.services.exam.rules import current_version
from admissions.services.published.catalogue import FilterError
from admissions.services.scores.ranktable import categories_with_results, ranktable_rows

PUBLISHED = {
    ExamStatus.SCORES_PUBLISHED, ExamStatus.PREFERENCES_OPEN, ExamStatus.PREFERENCES_CLOSED,
    ExamStatus.ALLOCATION, ExamStatus.FINISHED,
}  # fmt: skip
TTL_SECONDS = 60.0
_cache: dict[tuple[object, ...], tuple[float, list[dict[str, object]]]] = {}
_lock = threading.Lock()


def scores_visible(exam: Exam, now: datetime | None = None) -> bool:
    """Published (status), and the publication time reached."""
    if exam.status not in PUBLISHED:
        return False
    return exam.scores_published_at is None or (now or utcnow()) >= exam.scores_published_at


@dataclass(frozen=True)
class Lookup:
    """Where a score stands in its category: 位次 (1 + candidates above), candidates at it."""

    score: Decimal
    rank: int
    same: int
    total: int


def parse_args(exam: Exam, args: Mapping[str, str]) -> tuple[str, Decimal | None]:
    """(category, score to look up) from query parameters; ``FilterError`` when bad."""
    categories = [c.code for c in exam.categories]
    default = next(iter(categories_with_results(exam)), categories[0] if categories else "")
    category = (args.get("category") or "").strip() or default
    if category not in categories:
        raise FilterError(f"本考试没有专业类别“{category[:20]}”")
    raw = (args.get("score") or "").strip()
    if not raw:
        return category, None
    try:
        score = Decimal(raw)
    except InvalidOperation:
        raise FilterError("分数应为数字，如 512 或 512.5") from None
    if not score.is_finite() or score < 0 or score > 100_000 or len(raw) > 12:
        raise FilterError("分数应为 0 以上的数字，如 512 或 512.5")
    return category, score


def table(exam: Exam, category: str) -> list[dict[str, object]]:
    """Rows ``score, count, cumulative`` of the category, top score first (cached)."""
    version = current_version(exam)
    key = (exam.id, category, version.id if version else None, exam.scores_published_at)
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
    if hit is not None and now - hit[0] < TTL_SECONDS:
        return hit[1]
    rows = ranktable_rows(exam, category) if version else []
    with _lock:
        if len(_cache) > 256:
            _cache.clear()
        _cache[key] = (now, rows)
    return rows


def clear_cache() -> None:
    """Forget the cached tables."""
    with _lock:
        _cache.clear()


def lookup(exam: Exam, category: str, score: Decimal) -> Lookup:
    """位次 of ``score`` in the category: 1 + candidates with a higher total (ties not broken)."""
    version = current_version(exam)
    base = (
        select(func.count())
        .select_from(ScoreResult)
        .join(Candidate, ScoreResult.candidate_id == Candidate.id)
        .where(Candidate.exam_id == exam.id, Candidate.category_code == category,
               ScoreResult.rules_version_id == (version.id if version else -1))
    )  # fmt: skip
    above = db.session.scalar(base.where(ScoreResult.total > score)) or 0
    same = db.session.scalar(base.where(ScoreResult.total == score)) or 0
    total = db.session.scalar(base) or 0
    return Lookup(score, above + 1, same, total)
