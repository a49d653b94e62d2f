"""Entering or correcting one candidate's scores by hand, each change audited with its reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from admissions.extensions import db
from admissions.files.columns import score_parser
from admissions.files.parsers import CellError
from admissions.models import Account, Candidate, Component, ComponentScore
from admissions.services import audit
from admissions.services.imports.pipeline import component_infos
from admissions.services.imports.scores import shown, stored_value


@dataclass(frozen=True)
class GridRow:
    """One line of the score grid: the component and its current score as text ("" if absent)."""

    component: Component
    current: str


def score_grid(candidate: Candidate) -> list[GridRow]:
    """The candidate's score per component of the exam, in the exam's order."""
    stored = _stored(candidate)
    rows = []
    for component in candidate.exam.components:
        score = stored.get(component.id)
        text = shown(score.value, score.grade) if score else None
        rows.append(GridRow(component, text or ""))
    return rows


def check_entries(candidate: Candidate, entries: Mapping[str, str]) -> dict[str, str]:
    """Component code → error message for every entry that is not an acceptable score."""
    errors = {}
    for info in component_infos(candidate.exam):
        text = (entries.get(info.code) or "").strip()
        if text:
            try:
                score_parser(info)(text)
            except CellError as error:
                errors[info.code] = str(error)
    return errors


def correct_scores(
    candidate: Candidate,
    entries: Mapping[str, str],
    reason: str,
    actor: Account | None,
    *,
    action: str = "score.correct",
    source: str = "manual",
) -> int:
    """Store the entered scores (blank = absent); audit the change; return how many changed.

    Only the components named in `entries` are touched. Raises ValueError when the reason is
    blank or an entry is invalid (see `check_entries`).
    """
    if not reason.strip():
        raise ValueError("请填写修改原因")
    errors = check_entries(candidate, entries)
    if errors:
        raise ValueError("；".join(f"{code}: {message}" for code, message in errors.items()))
    stored = _stored(candidate)
    before: dict[str, str | None] = {}
    after: dict[str, str | None] = {}
    for info, component in zip(
        component_infos(candidate.exam), candidate.exam.components, strict=True
    ):
        if info.code not in entries:
            continue
        text = (entries[info.code] or "").strip()
        parsed = score_parser(info)(text) if text else None
        value, grade = stored_value(component, parsed)
        score = stored.get(component.id)
        old = (score.value, score.grade) if score else (None, None)
        if old == (value, grade):
            continue
        before[component.code] = shown(score.value, score.grade) if score else None
        after[component.code] = shown(value, grade)
        if score is None:
            score = ComponentScore(candidate_id=candidate.id, component_id=component.id)
            db.session.add(score)
        score.value, score.grade, score.source = value, grade, source
    if after:
        db.session.flush()
        audit.record(actor, action, candidate, before=before, after=after, reason=reason)
    return len(after)


def _stored(candidate: Candidate) -> dict[int, ComponentScore]:
    query = select(ComponentScore).where(ComponentScore.candidate_id == candidate.id)
    return {score.component_id: score for score in db.session.scalars(query)}


def find_candidates(exam_id: int, text: str, limit: int = 50) -> list[Candidate]:
    """Candidates of the exam whose number or ID number is `text`, or whose name contains it."""
    text = text.strip()
    if not text:
        return []
    query = (
        select(Candidate)
        .where(Candidate.exam_id == exam_id)
        .where(
            (Candidate.candidate_no == text)
            | (Candidate.national_id == text.upper())
            | Candidate.name.contains(text, autoescape=True)
        )
        .order_by(Candidate.candidate_no)
        .limit(limit)
    )
    return list(db.session.scalars(query))
