"""Keep an exam's tables (components, categories, batches, rounds, control lines) in step with
its rules; a removal that stored data still uses is refused. Flushes, never commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute

from admissions.extensions import db
from admissions.models import (
    AllocationRun,
    Batch,
    BatchShape,
    Candidate,
    Category,
    Component,
    ComponentGroup,
    ComponentScore,
    ControlLine,
    CreditedScore,
    Exam,
    PlanLine,
    PreferenceList,
    Round,
    RoundStatus,
)
from scoring import rules_model as rm
from scoring.expr import ExprError, parse_condition


class RulesChangeRefused(ValueError):
    """A valid rules file that cannot be applied to the stored exam (message in Chinese)."""


def sync_tables(exam: Exam, rules: rm.Rules, previous: rm.Rules | None = None) -> None:
    """Create, update or delete rows so the exam's tables match ``rules``.

    Control lines are the exception: a batch whose lines the file leaves as ``previous`` had
    them keeps the lines fixed on the board's control-line page (the table is their truth)."""
    _sync_components(exam, rules.components)
    _sync_categories(exam, rules.categories)
    _sync_batches(exam, rules.batches, _unchanged_lines(rules, previous))
    db.session.flush()


def _line_sources(batch: rm.Batch) -> list[tuple[str, list[str]]]:
    return [(cat, [e.source for e in conds]) for cat, conds in batch.lines]


def _unchanged_lines(rules: rm.Rules, previous: rm.Rules | None) -> set[str]:
    if previous is None:
        return set()
    before = {b.code: _line_sources(b) for b in previous.batches}
    return {b.code for b in rules.batches if before.get(b.code) == _line_sources(b)}


TableLines = tuple[tuple[str, str, tuple[str, ...]], ...]


def table_lines(exam: Exam) -> TableLines:
    """The exam's control lines as stored: (batch code, category, conditions), in order."""
    rows = db.session.execute(
        select(Batch.code, ControlLine.category_code, ControlLine.conditions)
        .join(ControlLine, ControlLine.batch_id == Batch.id)
        .where(Batch.exam_id == exam.id)
        .order_by(ControlLine.id)
    ).all()
    return tuple((code, category, tuple(conditions or ())) for code, category, conditions in rows)


def with_table_lines(exam: Exam, rules: rm.Rules) -> rm.Rules:
    """``rules`` with each batch's control lines read from the ControlLine table, the one
    source of truth once a line was fixed on the board's page (allocation reads these)."""
    return with_lines(rules, table_lines(exam))


def with_lines(rules: rm.Rules, rows: TableLines) -> rm.Rules:
    """``rules`` with the control lines ``rows`` (of ``table_lines``) in place of the file's."""
    stored: dict[str, list[tuple[str, list[str]]]] = {}
    for code, category, conditions in rows:
        stored.setdefault(code, []).append((category, list(conditions or [])))
    names = {c.code for c in rules.components} | set(rm.DERIVED)
    batches = tuple(_table_batch(b, stored.get(b.code, []), names) for b in rules.batches)
    return replace(rules, batches=batches)


def _table_batch(batch: rm.Batch, lines: list[tuple[str, list[str]]], names: set[str]) -> rm.Batch:
    try:
        parsed = tuple(
            (cat, tuple(parse_condition(c, names) for c in conds)) for cat, conds in lines
        )
    except ExprError:
        return batch  # a stored line naming a component the rules no longer have: the file's
    return replace(batch, lines=parsed)


def _count(column: InstrumentedAttribute[int], *where: object) -> int:
    return int(db.session.scalar(select(func.count(column)).where(*where)) or 0)  # type: ignore[arg-type]


def _sync_components(exam: Exam, components: Sequence[rm.Component]) -> None:
    rows = {
        c.code: c for c in db.session.scalars(select(Component).where(Component.exam_id == exam.id))
    }
    wanted = {c.code for c in components}
    candidates = select(Candidate.id).where(Candidate.exam_id == exam.id)
    for code, row in rows.items():
        if code in wanted:
            continue
        # through the exam's candidates: scores are indexed by candidate, not by component
        mine = ComponentScore.candidate_id.in_(candidates)
        used = _count(ComponentScore.id, ComponentScore.component_id == row.id, mine)
        used += _count(CreditedScore.id, CreditedScore.component_id == row.id)
        if used:
            raise RulesChangeRefused(f"科目 {code} 已有 {used} 条成绩，不能从规则中删除")
        db.session.delete(row)
    for position, spec in enumerate(components):
        row = rows.get(spec.code) or Component(exam_id=exam.id, code=spec.code)
        grades = {k: int(v) if v == v.to_integral_value() else str(v) for k, v in spec.grades}
        row.name, row.max, row.group = spec.name, spec.max, ComponentGroup(spec.group)
        row.grades, row.position = grades or None, position
        db.session.add(row)


def _sync_categories(exam: Exam, categories: Sequence[tuple[str, str]]) -> None:
    rows = {
        c.code: c for c in db.session.scalars(select(Category).where(Category.exam_id == exam.id))
    }
    wanted = dict(categories)
    for code, row in rows.items():
        if code in wanted:
            continue
        used = _count(Candidate.id, Candidate.exam_id == exam.id, Candidate.category_code == code)
        used += _count(PlanLine.id, PlanLine.exam_id == exam.id, PlanLine.category_code == code)
        if used:
            raise RulesChangeRefused(f"专业类别 {code} 已有考生或招生计划使用，不能从规则中删除")
        db.session.delete(row)
    for code, name in categories:
        row = rows.get(code) or Category(exam_id=exam.id, code=code)
        row.name = name
        db.session.add(row)


def _sync_batches(exam: Exam, batches: Sequence[rm.Batch], keep_lines: set[str]) -> None:
    rows = {b.code: b for b in db.session.scalars(select(Batch).where(Batch.exam_id == exam.id))}
    wanted = {b.code for b in batches}
    for code, row in rows.items():
        if code not in wanted:
            _delete_batch(row)
    db.session.flush()
    for sequence, spec in enumerate(batches, start=1):
        row = rows.get(spec.code) or Batch(exam_id=exam.id, code=spec.code)
        row.name, row.sequence, row.shape = spec.name, sequence, BatchShape(spec.shape)
        row.max_choices, row.majors_per_group = spec.max_choices, spec.majors_per_group
        row.ratio, row.rounds, row.scheme_code = spec.ratio, spec.rounds, spec.scheme
        row.level = spec.level
        db.session.add(row)
        db.session.flush()
        if spec.code not in keep_lines or spec.code not in rows:
            _sync_lines(row, spec)
        _sync_rounds(row, spec.rounds)


def _delete_batch(row: Batch) -> None:
    used = _count(PlanLine.id, PlanLine.batch_id == row.id)
    used += _count(PreferenceList.id, PreferenceList.batch_id == row.id)
    used += _count(AllocationRun.id, AllocationRun.batch_id == row.id)
    if used:
        raise RulesChangeRefused(f"批次 {row.code} 已有招生计划、志愿或录取记录，不能从规则中删除")
    db.session.execute(delete(ControlLine).where(ControlLine.batch_id == row.id))
    db.session.execute(delete(Round).where(Round.batch_id == row.id))
    db.session.delete(row)


def _sync_lines(batch: Batch, spec: rm.Batch) -> None:
    db.session.execute(delete(ControlLine).where(ControlLine.batch_id == batch.id))
    for category, conditions in spec.lines:
        db.session.add(
            ControlLine(
                batch_id=batch.id, category_code=category, conditions=[c.source for c in conditions]
            )
        )


def _sync_rounds(batch: Batch, count: int) -> None:
    rounds = {
        r.number: r for r in db.session.scalars(select(Round).where(Round.batch_id == batch.id))
    }
    for number, row in rounds.items():
        if number <= count:
            continue
        if row.status != RoundStatus.PLANNED:
            raise RulesChangeRefused(f"批次 {batch.code} 第 {number} 轮已开始，不能减少轮次")
        db.session.delete(row)
    for number in range(1, count + 1):
        if number not in rounds:
            db.session.add(Round(batch_id=batch.id, number=number))
