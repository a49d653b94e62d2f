"""One candidate's score explained by the weighting engine: each component, weight and
contribution, bonus, total, rank, qualification and every batch's control-line verdict — and the
same computed values checked against a plan line's requirements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import Candidate, Component, PlanLine, RulesVersion
from admissions.models.plan import split_types
from admissions.services.exam.rules import exam_rules
from admissions.services.students.scores import ScoreSheet, score_sheet
from scoring.composite import (
    CandidateInput,
    Composite,
    Credit,
    ScoreError,
    ScoreValue,
    check_lines,
    compute_candidate,
    explain_failure,
    qualify,
)
from scoring.expr import ExprError, holds, parse_condition
from scoring.report import explain
from scoring.rules import RulesError
from scoring.rules_model import Rules
from scoring.rules_text import labels_for, labels_from, source_text


@dataclass(frozen=True)
class StudentExplanation:
    """Plain values for the scores page: the engine's explanation lines, verdicts apart."""

    lines: tuple[str, ...]
    qualified: bool
    verdicts: tuple[tuple[str, bool, tuple[str, ...]], ...]


def candidate_input(candidate: Candidate, sheet: ScoreSheet | None = None) -> CandidateInput:
    """The engine's input for one candidate, from its ComponentScore/CreditedScore rows and bonus
    (``sheet``: those rows already read)."""
    sheet = sheet or score_sheet(candidate)
    codes = {c.id: c.code for c in sheet.components}
    scores: dict[str, ScoreValue] = {
        codes[row.component_id]: row.grade if row.grade else row.value for row in sheet.sat.values()
    }
    credits = {
        codes[row.component_id]: Credit(row.value, row.reason) for row in sheet.credits.values()
    }
    return CandidateInput(scores, credits, candidate.bonus or Decimal(0),
                          candidate.candidate_no or "", candidate.category_code or "",
                          candidate.candidate_type or "")  # fmt: skip


def _composite(
    candidate: Candidate,
    loaded: tuple[object, Rules] | None = None,
    sheet: ScoreSheet | None = None,
) -> tuple[Rules, CandidateInput, Composite]:
    _, rules = loaded or exam_rules(candidate.exam)
    given = candidate_input(candidate, sheet)
    return rules, given, compute_candidate(rules, rules.ranking_scheme, given)


def loaded_rules(
    candidate: Candidate, version: RulesVersion | None = None
) -> tuple[object, Rules] | None:
    """``exam_rules`` of the candidate's exam, read once for a page; None without usable rules.
    ``version``: the exam's current rules version row, when the page has read it already."""
    try:
        return exam_rules(candidate.exam, version)
    except (LookupError, RulesError):
        return None


def composite_of(candidate: Candidate) -> tuple[Rules, CandidateInput, Composite] | None:
    """The exam's rules, the candidate's input and composite under the headline scheme; None
    when the exam has no rules or the scores cannot be used."""
    try:
        return _composite(candidate)
    except (LookupError, RulesError, ScoreError):
        return None


def explanation(
    candidate: Candidate,
    rank: int | None = None,
    loaded: tuple[object, Rules] | None = None,
    sheet: ScoreSheet | None = None,
) -> StudentExplanation | None:
    """The candidate's breakdown under the headline scheme; None when the exam has no rules.
    ``loaded`` (``exam_rules`` of the exam) and ``sheet`` save reading them again."""
    try:
        rules, given, composite = _composite(candidate, loaded, sheet)
    except (LookupError, RulesError, ScoreError):
        return None
    verdicts = [("资格审核", qualify(rules, composite))]
    for batch in rules.batches:
        mine = composite
        if batch.scheme != composite.scheme:
            mine = compute_candidate(rules, batch.scheme, given)
        verdict = check_lines(rules, batch.code, candidate.category_code or "", mine)
        verdicts.append((f"{batch.name}控制线", verdict))
    text = explain(rules, composite, rank, tuple(verdicts)).lines()
    return StudentExplanation(
        tuple(text), verdicts[0][1].ok,
        tuple((what, v.ok, v.reasons) for what, v in verdicts),
    )  # fmt: skip


def computed_values(candidate: Candidate) -> tuple[Rules, dict[str, Decimal]] | None:
    """The exam's rules and the names the engine uses (component codes, culture, vocational,
    bonus, raw_total, total) with the candidate's values; None when the exam has no rules."""
    try:
        rules, _, composite = _composite(candidate)
    except (LookupError, RulesError, ScoreError):
        return None
    return rules, composite.env()


def requirement_warnings(
    requirements: str,
    visible: bool,
    computed: tuple[Rules, dict[str, Decimal]] | None,
    labels: Mapping[str, str] | None = None,
) -> list[str]:
    """Warnings for one plan line's requirements (conditions separated by ``;``), each condition
    in words (``英语 ≥ 60``; ``labels``, else the computed rules' names; text the engine cannot
    read is shown as written).

    Each condition is parsed by the engine and checked on the candidate's computed values; text
    the engine cannot read (or every condition when the candidate's values cannot be computed,
    ``computed`` None) is shown for the candidate to check; before scores are visible every
    condition is listed to be checked after publication.
    """
    words = labels if labels is not None else (labels_for(computed[0]) if computed else None)

    def shown(condition: str) -> str:
        return source_text(condition, words, condition=True) if words else condition

    warnings = []
    for condition in (c.strip() for c in requirements.split(";")):
        if not condition:
            continue
        if not visible:
            warnings.append(f"报考要求：{shown(condition)}（成绩公布后自动核对）")
            continue
        try:
            if computed is None:
                raise ExprError(0, "no values")
            rules, env = computed
            parsed = parse_condition(condition, env.keys())
        except ExprError:
            warnings.append(f"报考要求：{shown(condition)}（请自行核对）")
            continue
        if not holds(parsed.root, env):
            reason = explain_failure(rules, parsed, env)
            warnings.append(f"不满足报考要求：{shown(condition)}（{reason}）")
    return warnings


def exam_labels(candidate: Candidate) -> dict[str, str]:
    """The names a condition of the candidate's exam may use → their Chinese labels."""
    components = db.session.scalars(select(Component).where(Component.exam_id == candidate.exam_id))
    return labels_from((c.code, c.name) for c in components)


def other_types(candidate: Candidate, line: PlanLine) -> list[str]:
    """The types a line is reserved to when the candidate's is not among them, else []: such a
    line is treated like a failed requirement (listed, never dispatched to the candidate)."""
    types = split_types(line.types)
    return [] if not types or candidate.candidate_type in types else types
