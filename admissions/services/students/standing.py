"""Where a candidate stands: qualification and each batch's control line from the engine, the
admission that ends their season, and whether they may enter a round at all.

``may_enter`` is the one answer the results page (which rounds to invite to), the home page and
the preference pages share: a candidate admitted earlier, not qualified or below a batch's control
line takes no part in that batch's rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import (
    AllocationRun,
    Batch,
    Candidate,
    Dispatch,
    DispatchStatus,
    PlanLine,
    Round,
    RunStatus,
    ScoreResult,
)
from admissions.services.students import preferences
from admissions.services.students.explain import composite_of
from admissions.services.students.scores import current_result, scores_visible
from scoring.composite import check_lines, compute_candidate, qualify
from scoring.rules_text import expression_text, labels_for


@dataclass(frozen=True)
class LineVerdict:
    """A batch's control line for the candidate: the line in words, met or not, and why not."""

    words: str
    ok: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Verdicts:
    """Qualification and every batch's control line (batch code → verdict)."""

    qualified: bool
    qualify_reasons: tuple[str, ...]
    lines: dict[str, LineVerdict]


@dataclass(frozen=True)
class Admission:
    """The admission that ends the candidate's season."""

    dispatch: Dispatch
    batch: Batch
    round_number: int
    line: PlanLine


def verdicts(candidate: Candidate, result: ScoreResult | None = None) -> Verdicts | None:
    """The engine's verdicts on the candidate's scores; None when they cannot be computed
    (no rules loaded, or no scores). The stored result's qualification prevails when given."""
    found = composite_of(candidate)
    if found is None:
        if result is None:
            return None
        reasons = tuple(str(r) for r in result.reasons or [])
        return Verdicts(result.qualified, () if result.qualified else reasons, {})
    rules, given, composite = found
    labels = labels_for(rules)
    qualified = qualify(rules, composite)
    lines = {}
    for batch in rules.batches:
        mine = composite
        if batch.scheme != composite.scheme:
            mine = compute_candidate(rules, batch.scheme, given)
        verdict = check_lines(rules, batch.code, candidate.category_code or "", mine)
        conditions = batch.lines_for(candidate.category_code or "")
        words = "，".join(expression_text(c, labels) for c in conditions) or "不设控制线"
        lines[batch.code] = LineVerdict(words, verdict.ok, verdict.reasons)
    ok = result.qualified if result is not None else qualified.ok
    reasons = qualified.reasons or tuple(str(r) for r in (result.reasons if result else []))
    return Verdicts(ok, reasons if not ok else (), lines)


def admission(candidate: Candidate, before: Batch | None = None,
              before_round: int | None = None) -> Admission | None:  # fmt: skip
    """The candidate's admission in a published run (the earliest); with ``before``, only one in
    an earlier batch, or an earlier round of that batch."""
    rows = db.session.execute(
        select(Dispatch, Batch, AllocationRun.round_number, PlanLine)
        .join(AllocationRun, Dispatch.run_id == AllocationRun.id)
        .join(Batch, AllocationRun.batch_id == Batch.id)
        .join(PlanLine, Dispatch.plan_line_id == PlanLine.id)
        .where(Dispatch.candidate_id == candidate.id, Dispatch.status == DispatchStatus.ADMITTED,
               AllocationRun.status == RunStatus.PUBLISHED, AllocationRun.dry_run.is_(False))
        .order_by(Batch.sequence, AllocationRun.round_number)
    ).all()  # fmt: skip
    for dispatch, batch, number, line in rows:
        if before is not None:
            earlier = batch.sequence < before.sequence or (
                batch.id == before.id and before_round is not None and number < before_round
            )
            if not earlier:
                continue
        return Admission(dispatch, batch, number, line)
    return None


def may_enter(
    candidate: Candidate, batch: Batch, found: Verdicts | None, admitted: Admission | None
) -> str | None:
    """None when the candidate may take part in the batch's rounds; else why not, in words."""
    if admitted is not None:
        return (
            f"您已被{admitted.line.institution.name}（{admitted.batch.name}）录取，"
            "不再参加后续批次和轮次的投档"
        )
    if found is None:
        return None
    if not found.qualified:
        return "资格审核未通过：" + ("；".join(found.qualify_reasons) or "请查看成绩页的说明")
    line = found.lines.get(batch.code)
    if line is not None and not line.ok:
        return f"未达到{batch.name}最低控制分数线（{line.words}）：" + "；".join(line.reasons)
    return None


@dataclass(frozen=True)
class OpenRound:
    """A round taking preferences now: the candidate's list state, or why they cannot enter."""

    round: Round
    state: str
    version: int | None
    refused: str | None


@dataclass(frozen=True)
class HomeStanding:
    """What the student's home page opens with."""

    scores_visible: bool
    total: Decimal | None
    rank: int | None
    admitted: Admission | None
    open_rounds: list[OpenRound]


def home_standing(candidate: Candidate) -> HomeStanding:
    """Scores published or not, every open round's list state and deadline, the admission."""
    visible = scores_visible(candidate.exam)
    result = current_result(candidate) if visible else None
    admitted = admission(candidate)
    found = verdicts(candidate, result) if visible else None
    rounds = []
    for round_ in preferences.rounds_of(candidate):
        if not preferences.window_open(round_):
            continue
        refused = may_enter(candidate, round_.batch, found, admitted)
        latest = preferences.latest_list(candidate, round_)
        counted = preferences.counted_list(candidate, round_.batch_id, round_.number)
        if counted is not None and latest is counted:
            state = "已提交"
        elif latest is not None:
            state = "有未提交的修改" if counted else "草稿未提交"
        else:
            state = "尚未填报"
        rounds.append(OpenRound(round_, state, counted.version if counted else None, refused))
    return HomeStanding(
        visible, result.total if result else None, result.rank if result else None,
        admitted, rounds,
    )  # fmt: skip


def refusals(candidate: Candidate, rounds: list[Round]) -> dict[int, str]:
    """Round id → why the candidate cannot take part, for the rounds they cannot enter."""
    visible = scores_visible(candidate.exam)
    found = verdicts(candidate, current_result(candidate)) if visible else None
    admitted = admission(candidate)
    out = {}
    for round_ in rounds:
        refused = may_enter(candidate, round_.batch, found, admitted)
        if refused:
            out[round_.id] = refused
    return out
