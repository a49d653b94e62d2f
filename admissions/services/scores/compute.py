"""Compute every candidate's composite score, qualification and rank (位次) from stored scores.

``compute_scores`` runs ``scoring.bulk.bulk_compute`` for the headline (ranking) scheme and for
every other scheme a batch or a plan line uses, then replaces the exam's ``ScoreResult`` rows in
one bulk insert. ``ScoreResult.qualified`` is the headline scheme's verdict; ``reasons`` lists
every failed ``qualify`` condition as ``{"scheme": CODE, "reason": TEXT}``, for every scheme in
use (so a candidate may be qualified for the ranking and still fail a plan line's own scheme).
Flushes, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from admissions.extensions import db
from admissions.labels import named
from admissions.models import (
    Account,
    Exam,
    PlanLine,
)
from admissions.models.base import SCALE, utcnow
from admissions.services import audit
from admissions.services.exam import lifecycle as exam_lifecycle
from admissions.services.exam.rules import exam_rules
from admissions.services.exam.state import scores_published
from admissions.services.scores.store import replace_results
from admissions.services.wording import command_hint
from scoring.composite import ScoreError
from scoring.rules_model import Rules

if TYPE_CHECKING:
    from scoring.bulk import BulkResult


class ComputeRefused(ValueError):
    """Scores cannot be computed or published now (message in Chinese)."""


@dataclass(frozen=True)
class ComputeSummary:
    """Counts of one computation."""

    exam_code: str
    rules_version: int
    candidates: int
    qualified: int
    schemes: tuple[str, ...]
    by_category: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the terminal."""
        return (
            f"{self.exam_code}：已计算 {self.candidates} 名考生的成绩（规则第 {self.rules_version} 版，"
            f"计分方案 {', '.join(self.schemes)}），合格 {self.qualified}，"
            f"不合格 {self.candidates - self.qualified}"
        )


def find_exam(code: str) -> Exam | None:
    """The exam with this code, or None."""
    return db.session.scalar(select(Exam).where(Exam.code == code))


def schemes_in_use(exam: Exam, rules: Rules) -> tuple[str, ...]:
    """The headline scheme first, then every other scheme of a batch or a plan line."""
    codes = [rules.ranking_scheme, *(b.scheme for b in rules.batches)]
    codes += sorted(
        db.session.scalars(
            select(PlanLine.scheme_code)
            .where(PlanLine.exam_id == exam.id, PlanLine.scheme_code.is_not(None))
            .distinct()
        )
    )
    known = {s.code for s in rules.schemes}
    return tuple(dict.fromkeys(c for c in codes if c in known))


def compute_refusal(exam: Exam, force: bool = False) -> str | None:
    """Why the scores cannot be computed now (published and not forced), or None."""
    if scores_published(exam) and not force:
        return (
            f"{named(exam.name, exam.code)}的成绩已发布；如确需重算，"
            "请勾选“成绩已发布，仍然重新计算”（将记入审计）"
            + command_hint(f"scores compute {exam.code} --force")
        )
    return None


def compute_scores(
    exam: Exam, *, actor: Account | None = None, force: bool = False
) -> ComputeSummary:
    """Compute and store the results of every candidate with scores; see the module docstring."""
    # numpy and pandas load with the engine, here, not when a page or command imports this module
    from admissions.services.scores.columns import INPUT_PLACES, engine_frame, gather_columns
    from scoring.bulk import bulk_compute
    from scoring.order import rank_category

    refused = compute_refusal(exam, force)
    if refused:
        raise ComputeRefused(refused)
    try:
        version, rules = exam_rules(exam)
    except LookupError as exc:
        raise ComputeRefused(str(exc)) from exc
    frame = gather_columns(exam)
    if frame.empty:
        raise ComputeRefused(f"考试 {exam.code} 还没有导入任何成绩")
    schemes = schemes_in_use(exam, rules)
    data = engine_frame(frame)
    try:
        results = {code: bulk_compute(rules, code, data, decimals=INPUT_PLACES) for code in schemes}
    except ScoreError as exc:
        raise ComputeRefused(f"成绩数据有误：{exc}") from exc
    head = results[rules.ranking_scheme]
    if head.total.scale > SCALE:
        raise ComputeRefused(
            f"计分方案 {head.scheme} 的总分有 {head.total.scale} 位小数，超过可保存的 {SCALE} 位"
        )
    ranks = rank_category(rules, head, frame["category"])
    rows = _rows(frame, rules, results, head, ranks, version.id)
    replace_results(exam, rows)
    summary = ComputeSummary(
        exam.code, version.version, len(rows), int(head.qualified.sum()), schemes,
        dict(frame["category"].value_counts().sort_index()),
    )  # fmt: skip
    before = {"status": exam.status.value}
    exam_lifecycle.enter_scoring(exam)
    audit.record(
        actor, "scores.compute", exam, before=before,
        after={"status": exam.status.value, "rules_version": version.version,
               "candidates": summary.candidates, "qualified": summary.qualified,
               "schemes": list(schemes)},
        reason="forced recomputation after publication" if force and scores_published(exam) else "",
        exam_id=exam.id,
    )  # fmt: skip
    return summary


def _reasons(rules: Rules, results: dict[str, BulkResult], n: int) -> list[list[dict[str, str]]]:
    import numpy as np

    from scoring.bulk import qualify_reasons

    out: list[list[dict[str, str]]] = [[] for _ in range(n)]
    for code, result in results.items():
        for i in np.flatnonzero(~result.qualified):
            out[int(i)] += [
                {"scheme": code, "reason": r} for r in qualify_reasons(rules, result, int(i))
            ]
    return out


def _rows(
    frame: Any, rules: Rules, results: dict[str, BulkResult], head: BulkResult, ranks: Any,
    version_id: int,
) -> list[dict[str, Any]]:  # fmt: skip
    reasons = _reasons(rules, results, len(frame))
    raw, bonus, total = head.raw_total.decimals(), head.bonus.decimals(), head.total.decimals()
    now = utcnow()
    return [
        {
            "candidate_id": int(cid),
            "rules_version_id": version_id,
            "raw_total": raw[i],
            "bonus": bonus[i],
            "total": total[i],
            "qualified": bool(head.qualified[i]),
            "reasons": reasons[i],
            "rank": int(ranks[i]),
            "computed_at": now,
        }  # fmt: skip
        for i, cid in enumerate(frame["candidate_id"].to_numpy())
    ]
