"""Exact composite score of one candidate, qualification and control lines.

Public API: :class:`CandidateInput` → :func:`compute_candidate` → :class:`Composite`;
:func:`qualify` (a scheme's ``qualify`` conditions) and :func:`check_lines` (a batch's control
lines) → :class:`Verdict` with a readable reason per failed condition ("技能测试 130 < 138").
Absent components count 0 and are flagged; absence never disqualifies by itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from scoring.expr import EXACT, NEGATED, BoolOp, Compare, Expression, Not, evaluate, holds
from scoring.rules_model import Component, Rules, type_flags
from scoring.rules_text import (
    COMPARE_SIGNS,
    expression_text,
    labels_for,
    node_text,
    type_test_text,
)

ScoreValue = Decimal | str | None


@dataclass(frozen=True)
class Credit:
    """A credited score (认定成绩) with its reason."""

    value: Decimal
    reason: str = ""


@dataclass(frozen=True)
class CandidateInput:
    """Raw inputs: sat scores (Decimal, a grade letter for graded components, None = absent)."""

    scores: Mapping[str, ScoreValue]
    credits: Mapping[str, Credit] = field(default_factory=dict)
    bonus: Decimal = Decimal(0)
    candidate_no: str = ""
    category: str = ""
    candidate_type: str = ""


@dataclass(frozen=True)
class ComponentScore:
    """One component after credits: ``source`` is "sat", "credited" or "absent"."""

    code: str
    sat: Decimal | None
    credited: Decimal | None
    effective: Decimal
    source: str
    grade: str | None = None
    reason: str = ""

    @property
    def absent(self) -> bool:
        """True when neither sat nor credited (counted as 0)."""
        return self.source == "absent"


@dataclass(frozen=True)
class Composite:
    """The exact result of one candidate under one scheme."""

    scheme: str
    components: tuple[ComponentScore, ...]
    culture: Decimal
    vocational: Decimal
    raw_total: Decimal
    bonus_claimed: Decimal
    bonus: Decimal
    total: Decimal
    tiebreak: tuple[Decimal | None, ...]
    candidate_type: str = ""

    @property
    def absent(self) -> tuple[str, ...]:
        """Codes of absent components."""
        return tuple(c.code for c in self.components if c.absent)

    def env(self) -> dict[str, Decimal]:
        """Every name an expression may use (``choice`` excepted)."""
        names = {c.code: c.effective for c in self.components}
        names.update(
            culture=self.culture, vocational=self.vocational, bonus=self.bonus,
            raw_total=self.raw_total, total=self.total,
        )  # fmt: skip
        names.update(type_flags(self.candidate_type))
        return names


@dataclass(frozen=True)
class Verdict:
    """Pass/fail with the reason for each failed condition."""

    ok: bool
    reasons: tuple[str, ...] = ()


class ScoreError(ValueError):
    """An input score that cannot be used (成绩数据错误)."""


def effective_score(comp: Component, sat: ScoreValue, credit: Credit | None) -> ComponentScore:
    """Apply a grade table and a credit: effective = max(sat, credited), absent = 0."""
    grade = None
    sat_value: Decimal | None
    if sat is None:
        sat_value = None
    elif comp.graded:
        grade = str(sat).strip().upper()
        if grade not in dict(comp.grades):
            raise ScoreError(
                f"{comp.name}: 等级 '{sat}' 不存在（可用：{'/'.join(k for k, _ in comp.grades)}）"
            )
        sat_value = comp.grade_points(grade)
    else:
        sat_value = _checked(comp, _number(comp, sat))
    credited = None if credit is None else _checked(comp, credit.value)
    if credited is not None and (sat_value is None or credited > sat_value):
        return ComponentScore(
            comp.code,
            sat_value,
            credited,
            credited,
            "credited",
            grade,
            credit.reason if credit else "",
        )
    if sat_value is None:
        return ComponentScore(comp.code, None, credited, Decimal(0), "absent")
    return ComponentScore(comp.code, sat_value, credited, sat_value, "sat", grade)


def _number(comp: Component, sat: object) -> Decimal:
    """A sat score as an exact Decimal; binary floats are refused (they are not exact)."""
    if isinstance(sat, float | bool):
        raise ScoreError(f"{comp.name}: 分数须为 Decimal 或文本，不能是浮点数 {sat!r}")
    try:
        return Decimal(str(sat).strip()) if isinstance(sat, str) else Decimal(sat)  # type: ignore[arg-type]
    except InvalidOperation as exc:
        raise ScoreError(f"{comp.name}: '{sat}' 不是数字") from exc


def _checked(comp: Component, value: Decimal) -> Decimal:
    if not value.is_finite() or not 0 <= value <= comp.max:
        raise ScoreError(f"{comp.name}: 分数 {value} 不在 0–{comp.max} 之间")
    return value


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """Round half away from zero to ``decimals`` places, exactly."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=EXACT)


def compute_candidate(rules: Rules, scheme_code: str, cand: CandidateInput) -> Composite:
    """Compute one candidate's composite under ``scheme_code`` with exact decimal arithmetic."""
    scheme = rules.scheme(scheme_code)
    unknown = set(cand.scores) - {c.code for c in rules.components}
    if unknown:
        raise ScoreError(f"未知科目：{', '.join(sorted(unknown))}")
    if cand.bonus < 0:
        raise ScoreError(f"加分不能为负数：{cand.bonus}")
    comps = tuple(
        effective_score(c, cand.scores.get(c.code), cand.credits.get(c.code))
        for c in rules.components
    )
    groups = {"culture": Decimal(0), "vocational": Decimal(0)}
    for comp, score in zip(rules.components, comps, strict=True):
        groups[comp.group] = EXACT.add(groups[comp.group], score.effective)
    env = {c.code: c.effective for c in comps} | groups | type_flags(cand.candidate_type)
    raw = round_half_up(evaluate(scheme.formula.root, env), scheme.decimals)
    bonus = min(cand.bonus, scheme.bonus_cap)
    total = EXACT.add(raw, bonus)
    env.update(bonus=bonus, raw_total=raw, total=total)
    tiebreak = tuple(
        None if "choice" in e.names else evaluate(e.root, env) for e in scheme.tiebreak
    )
    return Composite(scheme.code, comps, groups["culture"], groups["vocational"], raw,
                     cand.bonus, bonus, total, tiebreak, cand.candidate_type)  # fmt: skip


def qualify(rules: Rules, composite: Composite) -> Verdict:
    """The scheme's ``qualify`` conditions: all must hold; each failure gives its reason."""
    return _verdict(rules, rules.scheme(composite.scheme).qualify, composite)


def check_lines(rules: Rules, batch_code: str, category: str, composite: Composite) -> Verdict:
    """A batch's control lines for ``category`` ("*" = every other), on the batch's scheme."""
    batch = rules.batch(batch_code)
    if composite.scheme != batch.scheme:
        raise ValueError(f"batch {batch_code} uses scheme {batch.scheme}, not {composite.scheme}")
    return _verdict(rules, batch.lines_for(category), composite)


def _verdict(rules: Rules, conds: tuple[Expression, ...], composite: Composite) -> Verdict:
    env = composite.env()
    reasons = tuple(explain_failure(rules, e, env) for e in conds if not holds(e.root, env))
    return Verdict(not reasons, reasons)


def explain_failure(rules: Rules, cond: Expression, env: Mapping[str, Decimal]) -> str:
    """Why ``cond`` fails, in words: "技能测试 130 < 138", "语文 + 数学 180 < 200"."""
    root = cond.root
    labels = labels_for(rules)
    if isinstance(root, Compare) and (typed := type_test_text(root)):
        return f"不满足条件：{typed}"
    if isinstance(root, Compare):
        left = evaluate(root.left, env)
        right = evaluate(root.right, env)
        what = node_text(root.left, labels)
        return f"{what} {_fmt(left)} {COMPARE_SIGNS[NEGATED[root.op]]} {_fmt(right)}"
    assert isinstance(root, BoolOp | Not)
    return f"不满足条件：{expression_text(cond, labels)}"


def _fmt(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent ("130", "98.5")."""
    text = format(value.normalize(context=EXACT), "f")
    return "0" if text in ("-0", "") else text
