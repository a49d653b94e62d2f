"""Score inputs of an exam read from the database, shaped for the bulk weighting engine.

``score_columns`` is the one place that turns ComponentScore / CreditedScore / Candidate.bonus rows
into the columnar frame ``scoring.bulk.bulk_compute`` expects; ``scheme_results`` computes every
scheme an allocation needs, with order keys, from that frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select

from admissions.extensions import db
from admissions.models import (
    Candidate,
    Component,
    ComponentScore,
    CreditedScore,
    Exam,
    RulesVersion,
)
from admissions.services.rules import exam_rules
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
    """Every candidate of ``exam`` with at least one score: component, credit_<code>, bonus."""
    comps = db.session.execute(
        select(Component.id, Component.code, Component.grades).where(Component.exam_id == exam.id)
    ).all()
    code_of = {cid: code for cid, code, _ in comps}
    graded = {code for _, code, grades in comps if grades}
    sat = db.session.execute(
        select(ComponentScore.candidate_id, ComponentScore.component_id, ComponentScore.value,
               ComponentScore.grade)
        .join(Candidate, Candidate.id == ComponentScore.candidate_id)
        .where(Candidate.exam_id == exam.id)
    ).all()  # fmt: skip
    scores = pd.DataFrame(sat, columns=["cid", "comp", "value", "grade"])
    ids = np.sort(scores["cid"].unique()).astype(np.int64)
    # a subquery, not IN (ids): PostgreSQL takes at most 65,535 bound parameters
    scored = select(ComponentScore.candidate_id).where(ComponentScore.candidate_id == Candidate.id)
    people = db.session.execute(
        select(Candidate.id, Candidate.candidate_no, Candidate.category_code, Candidate.bonus)
        .where(Candidate.exam_id == exam.id, scored.exists())
        .order_by(Candidate.id)
    ).all() if len(ids) else []  # fmt: skip
    frame = pd.DataFrame(index=pd.Index(ids, dtype=np.int64))
    for cid, code in code_of.items():
        mine = scores[scores["comp"] == cid]
        frame[code] = _aligned(mine, "grade" if code in graded else "value", ids, code in graded)
    credits = db.session.execute(
        select(CreditedScore.candidate_id, CreditedScore.component_id, CreditedScore.value)
        .join(Candidate, Candidate.id == CreditedScore.candidate_id)
        .where(Candidate.exam_id == exam.id)
    ).all() if len(ids) else []  # fmt: skip
    credit_frame = pd.DataFrame(credits, columns=["cid", "comp", "value"])
    for cid, code in code_of.items():
        mine = credit_frame[credit_frame["comp"] == cid]
        if len(mine):
            frame[f"credit_{code}"] = _aligned(mine, "value", ids, False)
    frame["bonus"] = [float(p[3] or 0) for p in people]
    return ScoreColumns(
        candidate_ids=ids,
        candidate_nos=np.asarray([p[1] for p in people], dtype=object),
        categories=np.asarray([p[2] for p in people], dtype=object),
        frame=frame.reset_index(drop=True),
    )


def _aligned(rows: pd.DataFrame, field: str, ids: np.ndarray, graded: bool) -> np.ndarray:
    """One score column aligned on ``ids``: floats (NaN = absent) or letters (None = absent)."""
    values = rows.set_index("cid")[field]
    if graded:
        return (
            values.reindex(ids).astype(object).where(values.reindex(ids).notna(), None).to_numpy()
        )
    numbers = values.map(lambda v: np.nan if v is None else float(v))
    return numbers.reindex(ids).to_numpy(dtype=np.float64)


def scheme_results(
    rules: Rules, columns: ScoreColumns, codes: list[str]
) -> dict[str, SchemeScores]:
    """Bulk results and order keys of each scheme in ``codes`` (each computed once)."""
    out: dict[str, SchemeScores] = {}
    for code in dict.fromkeys(codes):
        result = bulk_compute(rules, code, columns.frame)
        out[code] = SchemeScores(result, order_keys(rules, code, result))
    return out


def headline_ranks(rules: Rules, columns: ScoreColumns) -> np.ndarray:
    """位次 per candidate under the exam's headline scheme, per category."""
    code = rules.ranking_scheme
    result = bulk_compute(rules, code, columns.frame)
    return rank_keys(order_keys(rules, code, result).keys, columns.categories)
