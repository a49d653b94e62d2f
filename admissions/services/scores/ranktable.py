"""The score-rank table (一分一段) per category, from the stored results of the current rules."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import Candidate, Exam, ScoreResult
from admissions.services.exam.rules import current_version
from admissions.services.scores.compute import ComputeRefused


def ranktable_rows(exam: Exam, category: str | None = None) -> list[dict[str, object]]:
    """Rows ``category, score, count, cumulative``, each category from its top score down.

    Refused (``ComputeRefused``) when scores were not computed under the current rules."""
    from scoring.order import score_rank_table  # pandas: loaded when a table is made

    version = current_version(exam)
    query = (
        select(Candidate.category_code, ScoreResult.total)
        .join(ScoreResult, ScoreResult.candidate_id == Candidate.id)
        .where(Candidate.exam_id == exam.id)
        .where(ScoreResult.rules_version_id == (version.id if version else -1))
    )
    if category is not None:
        query = query.where(Candidate.category_code == category)
    rows = db.session.execute(query).all()
    if not rows and category is None:
        raise ComputeRefused(f"考试 {exam.code} 尚未按当前规则计算成绩")
    table = score_rank_table([r[1] for r in rows], [r[0] for r in rows])
    return [
        {"category": str(c), "score": int(s), "count": int(n), "cumulative": int(k)}
        for c, s, n, k in table.itertuples(index=False, name=None)
    ]


@dataclass(frozen=True)
class Bar:
    """One horizontal bar of the 一分一段 chart (SVG user units)."""

    score: int
    count: int
    y: int
    width: int


def chart_bars(rows: list[dict[str, object]], width: int = 600, height: int = 6) -> list[Bar]:
    """Bars for one category's rows, the longest ``width`` units, ``height`` units apart."""
    top = max((int(str(r["count"])) for r in rows), default=0) or 1
    return [
        Bar(int(str(r["score"])), int(str(r["count"])), i * height,
            round(int(str(r["count"])) * width / top))
        for i, r in enumerate(rows)
    ]  # fmt: skip


def categories_with_results(exam: Exam) -> list[str]:
    """Category codes that have stored results under the current rules, sorted."""
    version = current_version(exam)
    return sorted(
        db.session.scalars(
            select(Candidate.category_code)
            .join(ScoreResult, ScoreResult.candidate_id == Candidate.id)
            .where(Candidate.exam_id == exam.id)
            .where(ScoreResult.rules_version_id == (version.id if version else -1))
            .distinct()
        )
    )
