"""Helpers for the score-computation tests: rules texts, a CLI runner, scores written by the ORM."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from admissions.config import REPO_ROOT
from admissions.extensions import db
from admissions.models import Candidate, Component, ComponentScore, CreditedScore, Exam
from admissions.services.exam.rules import load_exam_rules
from scoring.composite import CandidateInput, Credit
from tests.factories import create_candidate

SHANDONG = (REPO_ROOT / "presets" / "shandong.toml").read_text(encoding="utf-8")
GUANGDONG = (REPO_ROOT / "presets" / "guangdong-bk.toml").read_text(encoding="utf-8")


def run(app, *args: str):
    """Invoke ``flask ARGS`` in-process; returns the click result."""
    return app.test_cli_runner().invoke(args=list(args))


def write_rules(tmp_path: Path, text: str, name: str = "rules.toml") -> Path:
    """A rules file on disk."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_exam(text: str = GUANGDONG) -> Exam:
    """Load rules into a new exam (flushed, committed so CLI commands see it)."""
    exam = load_exam_rules(text).exam
    db.session.commit()
    return exam


def add_candidate(
    exam: Exam,
    category: str,
    scores: dict[str, Decimal | str | None],
    *,
    credits: dict[str, Decimal] | None = None,
    bonus: Decimal = Decimal(0),
) -> Candidate:
    """A candidate with component scores (grade letters for graded ones) and credits."""
    candidate = create_candidate(exam, category_code=category, bonus=bonus)
    comps = {
        c.code: c for c in db.session.scalars(select(Component).where(Component.exam_id == exam.id))
    }
    for code, value in scores.items():
        comp = comps[code]
        grade = value if isinstance(value, str) else None
        points = Decimal(str(comp.grades[grade])) if grade else value
        db.session.add(
            ComponentScore(
                candidate_id=candidate.id, component_id=comp.id, value=points, grade=grade
            )
        )
    for code, value in (credits or {}).items():
        db.session.add(
            CreditedScore(
                candidate_id=candidate.id, component_id=comps[code].id, value=value, reason="国赛"
            )
        )
    db.session.flush()
    return candidate


def engine_input(candidate: Candidate) -> CandidateInput:
    """The same candidate as the engine's per-candidate path sees it."""
    scores: dict[str, Decimal | str | None] = {}
    for row in db.session.scalars(
        select(ComponentScore).where(ComponentScore.candidate_id == candidate.id)
    ):
        scores[row.component.code] = row.grade if row.grade else row.value
    credits = {
        db.session.get(Component, row.component_id).code: Credit(row.value, row.reason)
        for row in db.session.scalars(
            select(CreditedScore).where(CreditedScore.candidate_id == candidate.id)
        )
    }
    return CandidateInput(
        scores, credits, candidate.bonus, candidate.candidate_no, candidate.category_code
    )


def test_engine_input_reads_back_what_was_written(db):
    exam = load_exam()
    cand = add_candidate(
        exam, "CS", {"chinese": Decimal("98.5"), "cert": "B"}, credits={"skill_test": Decimal(80)}
    )
    got = engine_input(cand)
    assert got.scores == {"chinese": Decimal("98.5"), "cert": "B"}
    assert got.credits["skill_test"].value == Decimal(80)
