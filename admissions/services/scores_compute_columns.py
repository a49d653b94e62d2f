"""Gather an exam's candidates, component scores, credits and bonus as columns for the engine."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import select

from admissions.extensions import db
from admissions.models import Candidate, Component, ComponentScore, CreditedScore, Exam

INPUT_PLACES = 4  # stored scores carry at most 4 decimal places (ExactDecimal)


def _float(values: list[Decimal | None]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _letter(comp: Component, grade: str | None, value: Decimal | None) -> str | None:
    """The grade letter of a graded score; a row holding only the points is mapped back."""
    if grade or value is None:
        return grade
    points = {Decimal(str(v)): k for k, v in (comp.grades or {}).items()}
    return points.get(value, str(value))


def gather_columns(exam: Exam) -> pd.DataFrame:
    """One row per candidate with at least one score or credit: ``candidate_id``,
    ``candidate_no``, ``category``, one column per component code (numbers, or grade letters
    for graded components; NaN/None = absent), ``credit_<code>`` columns and ``bonus``."""
    cands = db.session.execute(
        select(Candidate.id, Candidate.candidate_no, Candidate.category_code, Candidate.bonus)
        .where(Candidate.exam_id == exam.id)
        .order_by(Candidate.id)
    ).all()
    ids = pd.Index([c[0] for c in cands])
    components = db.session.scalars(select(Component).where(Component.exam_id == exam.id)).all()
    by_id = {c.id: c for c in components}
    frame: dict[str, object] = {}
    has_any = np.zeros(len(ids), dtype=bool)
    scores = db.session.execute(
        select(
            ComponentScore.candidate_id,
            ComponentScore.component_id,
            ComponentScore.value,
            ComponentScore.grade,
        )
        .join(Candidate, Candidate.id == ComponentScore.candidate_id)
        .where(Candidate.exam_id == exam.id)
    ).all()
    if scores:
        pos = ids.get_indexer([s[0] for s in scores])
        has_any[pos] = True
        comp_ids = np.array([s[1] for s in scores], dtype=np.int64)
        for comp in components:
            mask = comp_ids == comp.id
            rows = pos[mask]
            picked = [s for s, m in zip(scores, mask, strict=True) if m]
            if comp.grades:
                col = np.full(len(ids), None, dtype=object)
                col[rows] = [_letter(comp, s[3], s[2]) for s in picked]
            else:
                col = np.full(len(ids), np.nan, dtype=np.float64)
                col[rows] = _float([s[2] for s in picked])
            frame[comp.code] = col
    credits = db.session.execute(
        select(CreditedScore.candidate_id, CreditedScore.component_id, CreditedScore.value)
        .join(Candidate, Candidate.id == CreditedScore.candidate_id)
        .where(Candidate.exam_id == exam.id)
    ).all()
    for cid, comp_id, value in credits:
        code = f"credit_{by_id[comp_id].code}"
        col = frame.setdefault(code, np.full(len(ids), np.nan, dtype=np.float64))
        i = int(ids.get_loc(cid))
        col[i] = float(value)  # type: ignore[index]
        has_any[i] = True
    frame["bonus"] = _float([c[3] for c in cands])
    out = pd.DataFrame(frame, index=ids)
    out.insert(0, "candidate_id", ids.to_numpy())
    out.insert(1, "candidate_no", [c[1] for c in cands])
    out.insert(2, "category", [c[2] for c in cands])
    return out[has_any].reset_index(drop=True)


def engine_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns ``scoring.bulk.bulk_compute`` accepts (drops ``candidate_id``)."""
    return frame.drop(columns=["candidate_id"])
