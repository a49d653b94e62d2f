"""Score inputs of an exam read from the database, shaped for the bulk weighting engine.

``score_columns`` shapes the one gatherer of stored scores (``scores_compute_columns.gather_columns``,
also used by ``scores compute``) for an allocation; ``scheme_results`` computes every scheme an
allocation needs, with order keys, from that frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from admissions.extensions import db
from admissions.models import Candidate, ComponentScore, CreditedScore, Exam, RulesVersion
from admissions.services.exam.rules import exam_rules
from admissions.services.scores.columns import engine_frame, gather_columns
from scoring.bulk import BulkResult, bulk_compute
from scoring.order import OrderKeys, order_keys, rank_keys
from scoring.rules_model import Rules


@dataclass(frozen=True)
class ScoreColumns:
    """Candidates with scores, in id order, and their columnar score data."""

    candidate_ids: np.ndarray
    candidate_nos: np.ndarray
    categories: np.ndarray
    frame: pd.DataFrame


@dataclass(frozen=True)
class SchemeScores:
    """One scheme's exact results and order keys over the rows of a ScoreColumns."""

    result: BulkResult
    keys: OrderKeys


def current_rules(exam: Exam) -> tuple[RulesVersion, Rules]:
    """The exam's current rules version row and its parsed rules (``LookupError`` when none)."""
    return exam_rules(exam)


def score_columns(exam: Exam) -> ScoreColumns:
    """Every candidate of ``exam`` with a score or a credit, as ``scores compute`` reads them."""
    frame = gather_columns(exam)
    return ScoreColumns(
        candidate_ids=frame["candidate_id"].to_numpy(dtype=np.int64),
        candidate_nos=frame["candidate_no"].to_numpy(dtype=object),
        categories=frame["category"].to_numpy(dtype=object),
        frame=engine_frame(frame).drop(columns=["candidate_no", "category"]),
    )


def scheme_results(
    rules: Rules, columns: ScoreColumns, codes: list[str]
) -> dict[str, SchemeScores]:
    """Bulk results and order keys of each scheme in ``codes`` (each computed once)."""
    out: dict[str, SchemeScores] = {}
    for code in dict.fromkeys(codes):
        result = bulk_compute(rules, code, columns.frame)
        out[code] = SchemeScores(result, order_keys(rules, code, result))
    return out


def headline_ranks(
    rules: Rules, columns: ScoreColumns, computed: dict[str, SchemeScores] | None = None
) -> np.ndarray:
    """位次 per candidate under the exam's headline scheme, per category (reusing ``computed``)."""
    code = rules.ranking_scheme
    if computed and code in computed:
        keys = computed[code].keys
    else:
        keys = scheme_results(rules, columns, [code])[code].keys
    return rank_keys(keys.keys, columns.categories)


def scored_count(exam: Exam) -> int:
    """How many candidates of ``exam`` have a score or a credit (what a computation reads)."""
    ids = select(ComponentScore.candidate_id).union(select(CreditedScore.candidate_id))
    query = select(func.count(Candidate.id)).where(
        Candidate.exam_id == exam.id, Candidate.id.in_(ids.scalar_subquery())
    )
    return int(db.session.scalar(query) or 0)
