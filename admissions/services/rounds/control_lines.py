"""Control lines (最低控制分数线) per batch and category: how many candidates clear a proposed
line, the line a ratio to the seats suggests, and fixing a line (audited).

The ControlLine table is the one source of truth for the lines: ``rules.exam_rules`` puts its rows
into the engine rules that allocation reads. Counting never loops over ORM objects: a line on
``total`` alone is counted from the stored results (``score_result``, one grouped query) when the
batch ranks by the headline scheme; any other line (``culture``/``vocational`` minimums, or a batch
with its own scheme) is evaluated by the bulk engine exactly as allocation evaluates it.
Flushes, never commits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from admissions.extensions import db
from admissions.models import (
    Account,
    AllocationRun,
    AuditEvent,
    Batch,
    Candidate,
    ControlLine,
    Exam,
    PlanLine,
    RunStatus,
    ScoreResult,
)
from admissions.services import audit
from admissions.services.exam.rules import exam_rules, is_frozen
from admissions.services.scores.inputs import score_columns
from scoring.bulk import BulkResult, bulk_compute
from scoring.expr import Compare, ExprError, Name, Num, parse_condition
from scoring.rules_model import DERIVED
from scoring.vector import truth

PARTS = (("total", "总分"), ("culture", "文化素质"), ("vocational", "职业技能"))
MAX_RATIO = Decimal(10)


class LineRefused(ValueError):
    """A line that cannot be fixed now (message in Chinese)."""


@dataclass(frozen=True)
class Proposal:
    """Minimums typed by the clerk; ``None`` = no condition on that part."""

    minimums: dict[str, Decimal | None] = field(default_factory=dict)

    def conditions(self) -> list[str]:
        """The line as rules-file conditions, e.g. ``["total >= 420", "culture >= 249"]``."""
        return [
            f"{part} >= {format(value, 'f')}"
            for part, _ in PARTS
            if (value := self.minimums.get(part)) is not None
        ]


@dataclass(frozen=True)
class CategoryLine:
    """One category of a batch: seats, qualified candidates, its line and the suggestion."""

    code: str
    name: str
    seats: int
    qualified: int
    conditions: list[str]
    inherited: bool
    cleared: int
    suggested: Decimal | None
    suggested_cleared: int

    @property
    def ratio(self) -> str:
        """Candidates clearing the line per seat, e.g. ``1.20``; ``—`` without seats."""
        return f"{self.cleared / self.seats:.2f}" if self.seats else "—"


def lock_reason(exam: Exam, batch: Batch) -> str | None:
    """Why the batch's lines can no longer change, or None while they can."""
    run = db.session.scalar(
        select(AllocationRun)
        .where(
            AllocationRun.batch_id == batch.id,
            AllocationRun.dry_run.is_(False),
            AllocationRun.status.in_([RunStatus.SUCCEEDED, RunStatus.PUBLISHED]),
        )
        .order_by(AllocationRun.round_number)
    )
    if run is not None:
        return f"{batch.name}第 {run.round_number} 轮已正式投档，控制线已锁定，不能再修改。"
    version, _ = exam_rules(exam)
    if is_frozen(version):
        return "当前规则版本已被已发布的录取使用，控制线已锁定。"
    return None


def current_conditions(batch: Batch, category: str) -> tuple[list[str], bool]:
    """The category's fixed conditions, and True when they come from the batch's "*" line."""
    table = {line.category_code: list(line.conditions or []) for line in batch.control_lines}
    if category in table:
        return table[category], False
    return table.get("*", []), True


def seats_by_category(batch: Batch) -> dict[str, int]:
    """Sum of the plan lines' seats per category of the batch."""
    rows = db.session.execute(
        select(PlanLine.category_code, func.sum(PlanLine.seats))
        .where(PlanLine.batch_id == batch.id)
        .group_by(PlanLine.category_code)
    ).all()
    return {code: int(total or 0) for code, total in rows}


def parse_proposal(texts: dict[str, str]) -> tuple[Proposal, dict[str, str]]:
    """The typed minimums (blank = none) and an error message per bad field."""
    values: dict[str, Decimal | None] = {}
    errors: dict[str, str] = {}
    for part, label in PARTS:
        text = (texts.get(part) or "").strip()
        if not text:
            values[part] = None
            continue
        try:
            value = Decimal(text)
        except ArithmeticError:
            errors[part] = f"{label}：请输入数字，例如 420"
            continue
        if not value.is_finite() or value < 0 or value.as_tuple().exponent < -2:  # type: ignore[operator]
            errors[part] = f"{label}：请输入不小于 0、最多两位小数的数"
        elif value > Decimal(100000):
            errors[part] = f"{label}：数值过大"
        else:
            values[part] = value
    return Proposal(values), errors


def parse_ratio(text: str | None) -> tuple[Decimal, str | None]:
    """The suggestion ratio (default 1.2), or an error message."""
    if not (text or "").strip():
        return Decimal("1.2"), None
    try:
        ratio = Decimal((text or "").strip())
    except ArithmeticError:
        return Decimal("1.2"), "比例：请输入数字，例如 1.2"
    if not ratio.is_finite() or ratio <= 0 or ratio > MAX_RATIO:
        return Decimal("1.2"), "比例须大于 0 且不超过 10"
    return ratio, None


class LineCounter:
    """Counts of candidates clearing lines in one batch, from one read of the data."""

    def __init__(
        self, exam: Exam, batch: Batch, needs_engine: bool = False, cached: bool = False
    ) -> None:
        self.version, self.rules = exam_rules(exam)
        self.exam, self.batch, self.cached = exam, batch, cached
        headline = batch.scheme_code == self.rules.ranking_scheme
        self.engine = needs_engine or not headline or not self._has_results()
        self._hist = self._engine_load() if self.engine else self._sql_histogram()

    def _has_results(self) -> bool:
        return bool(
            db.session.scalar(
                select(ScoreResult.id).where(ScoreResult.rules_version_id == self.version.id)
            )
        )

    def _sql_histogram(self) -> pd.DataFrame:
        rows = db.session.execute(
            select(Candidate.category_code, ScoreResult.total, func.count(ScoreResult.id))
            .join(ScoreResult, ScoreResult.candidate_id == Candidate.id)
            .where(Candidate.exam_id == self.exam.id, ScoreResult.qualified.is_(True))
            .where(ScoreResult.rules_version_id == self.version.id)
            .group_by(Candidate.category_code, ScoreResult.total)
        ).all()
        return pd.DataFrame(rows, columns=["category", "total", "count"])

    def _engine_load(self) -> pd.DataFrame:
        key = (*_data_stamp(self.exam), self.version.id, self.batch.scheme_code)
        hit = _ENGINE_CACHE.get(key) if self.cached else None
        if hit is None:
            columns = score_columns(self.exam)
            result = bulk_compute(self.rules, self.batch.scheme_code, columns.frame)
            hit = (result, columns.categories)
            _ENGINE_CACHE.clear()  # one exam's arrays at a time: ~10 MB at 100,000 candidates
            _ENGINE_CACHE[key] = hit
        self.result, self.categories = hit
        qualified = self.result.qualified
        frame = pd.DataFrame(
            {"category": self.categories[qualified],
             "total": self.result.total.decimals()[qualified], "count": 1}
        )  # fmt: skip
        return frame.groupby(["category", "total"], as_index=False)["count"].sum()

    def qualified(self, category: str) -> int:
        """Qualified candidates of the category (under the batch's scheme)."""
        return int(self._hist.loc[self._hist["category"] == category, "count"].sum())

    def cleared(self, category: str, conditions: list[str]) -> int:
        """Qualified candidates of the category who meet every condition."""
        minimum = total_minimum(conditions)
        if minimum is not None or not conditions:
            mine = self._hist[self._hist["category"] == category]
            if minimum is None:
                return int(mine["count"].sum())
            return int(mine.loc[[t >= minimum for t in mine["total"]], "count"].sum())
        if not self.engine:
            self._hist = self._engine_load()
            self.engine = True
        names = {c.code for c in self.rules.components} | set(DERIVED)
        n = len(self.result.qualified)
        passed = self.result.qualified & (self.categories == category)
        for source in conditions:
            passed &= truth(parse_condition(source, names).root, self.result.env, n)
        return int(np.count_nonzero(passed))

    def suggest(self, category: str, seats: int, ratio: Decimal) -> Decimal | None:
        """The highest whole-point total line that at least ⌈ratio × seats⌉ qualified candidates
        clear; the lowest qualified total (floored) when there are fewer; None without any
        candidate or without seats."""
        mine = self._hist[self._hist["category"] == category].sort_values("total", ascending=False)
        if mine.empty or seats <= 0:
            return None  # no candidates, or no plan to measure a line against
        wanted = max(1, math.ceil(ratio * seats))
        cumulative = mine["count"].cumsum().to_numpy()
        at = int(np.searchsorted(cumulative, wanted))
        total = mine["total"].iloc[min(at, len(mine) - 1)]
        return Decimal(total).to_integral_value(rounding="ROUND_FLOOR")


# The page's live counts re-read 500,000 scores otherwise (~5 s at 100,000 candidates). Every write
# of scores, candidates or rules is audited, so the exam's latest audit event dates the data.
_ENGINE_CACHE: dict[tuple[object, ...], tuple[BulkResult, np.ndarray]] = {}


def _data_stamp(exam: Exam) -> tuple[object, ...]:
    latest = db.session.execute(
        select(func.max(AuditEvent.id), func.max(AuditEvent.at), func.count(AuditEvent.id)).where(
            AuditEvent.exam_id == exam.id
        )
    ).one()
    return (exam.id, *latest)


def total_minimum(conditions: list[str]) -> Decimal | None:
    """N when the line is exactly ``["total >= N"]``, else None (the engine evaluates it)."""
    if len(conditions) != 1:
        return None
    try:
        root = parse_condition(conditions[0], {"total"}).root
    except ExprError:
        return None
    ok = isinstance(root, Compare) and root.op == ">=" and isinstance(root.right, Num)
    if ok and isinstance(root.left, Name) and root.left.name == "total":  # type: ignore[union-attr]
        return root.right.value  # type: ignore[union-attr]
    return None


def batch_lines(exam: Exam, batch: Batch, ratio: Decimal) -> list[CategoryLine]:
    """One row per category of the exam for ``batch``, its line's count and the suggestion."""
    seats = seats_by_category(batch)
    current = {c.code: current_conditions(batch, c.code) for c in exam.categories}
    needs_engine = any(total_minimum(conds) is None and conds for conds, _ in current.values())
    counter = LineCounter(exam, batch, needs_engine, cached=True)
    rows = []
    for category in exam.categories:
        conditions, inherited = current[category.code]
        suggested = counter.suggest(category.code, seats.get(category.code, 0), ratio)
        rows.append(CategoryLine(
            category.code, category.name, seats.get(category.code, 0),
            counter.qualified(category.code), conditions, inherited,
            counter.cleared(category.code, conditions), suggested,
            counter.cleared(category.code, [f"total >= {suggested}"]) if suggested is not None else 0,
        ))  # fmt: skip
    return rows


def proposal_result(
    exam: Exam, batch: Batch, category: str, conditions: list[str]
) -> dict[str, object]:
    """What the page shows for a proposed line: how many clear it, the seats and their ratio."""
    engine = total_minimum(conditions) is None and bool(conditions)
    counter = LineCounter(exam, batch, engine, cached=True)
    seats = seats_by_category(batch).get(category, 0)
    cleared = counter.cleared(category, conditions)
    ratio = f"{cleared / seats:.2f}" if seats else "—"
    return {"conditions": conditions, "cleared": cleared, "seats": seats, "ratio": ratio,
            "qualified": counter.qualified(category)}  # fmt: skip


def fix_line(
    exam: Exam, batch: Batch, category: str, proposal: Proposal, actor: Account | None
) -> ControlLine:
    """Store the category's line for the batch (audited); ``LineRefused`` when locked or empty."""
    reason = lock_reason(exam, batch)
    if reason:
        raise LineRefused(reason)
    if category not in {c.code for c in exam.categories}:
        raise LineRefused(f"专业类别 {category} 不存在")
    conditions = proposal.conditions()
    if not conditions:
        raise LineRefused("请至少填写一项最低分（总分、文化素质或职业技能）")
    before, inherited = current_conditions(batch, category)
    counter = LineCounter(exam, batch, total_minimum(conditions) is None)
    cleared = counter.cleared(category, conditions)
    row = db.session.scalar(
        select(ControlLine).where(
            ControlLine.batch_id == batch.id, ControlLine.category_code == category
        )
    ) or ControlLine(batch_id=batch.id, category_code=category)
    row.conditions = conditions
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor, "control_line.fix", row,
        before={"batch": batch.code, "category": category, "conditions": before,
                "inherited": inherited},
        after={"batch": batch.code, "category": category, "conditions": conditions,
               "cleared": cleared, "seats": seats_by_category(batch).get(category, 0)},
        exam_id=exam.id,
    )  # fmt: skip
    db.session.refresh(batch)
    return row
