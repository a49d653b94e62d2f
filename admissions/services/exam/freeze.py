"""What a new rules version may not change once the current one is frozen (a saved run used it).

Results already given must stay reproducible: components, schemes, the ranking scheme, and the
scheme, shape and control lines of every batch that has a saved run keep their meaning. Anything
else (a batch's name, max choices, ratio or rounds — e.g. one more supplementary round —, a new
category, a batch not yet run) may go into a new version.
"""

from __future__ import annotations

from sqlalchemy import select

from admissions.extensions import db
from admissions.models import AllocationRun, Batch, Exam, RunStatus
from scoring.rules_model import Batch as BatchSpec
from scoring.rules_model import Rules

SAVED = (RunStatus.SUCCEEDED, RunStatus.PUBLISHED)


def batches_with_saved_runs(exam: Exam) -> set[str]:
    """Codes of the exam's batches that have a saved (not dry) successful or published run."""
    return set(
        db.session.scalars(
            select(Batch.code)
            .join(AllocationRun, AllocationRun.batch_id == Batch.id)
            .where(
                Batch.exam_id == exam.id,
                AllocationRun.dry_run.is_(False),
                AllocationRun.status.in_(SAVED),
            )
        )
    )


def frozen_changes(old: Rules, new: Rules, ran: set[str]) -> list[str]:
    """What ``new`` changes that a frozen version forbids (Chinese, for the message); [] if none."""
    changes = []
    if old.components != new.components:
        changes.append("科目")
    if _schemes(old) != _schemes(new) or old.ranking_scheme != new.ranking_scheme:
        changes.append("计分方案")
    old_batches = {b.code: b for b in old.batches}
    new_batches = {b.code: b for b in new.batches}
    for code in sorted(ran):
        before, after = old_batches.get(code), new_batches.get(code)
        if before is not None and (after is None or _batch_key(before) != _batch_key(after)):
            changes.append(f"已投档批次 {code} 的计分方案、志愿形式或控制线")
    return changes


def _schemes(rules: Rules) -> tuple[tuple[object, ...], ...]:
    return tuple(
        (s.code, s.formula.source, s.decimals, s.bonus_cap, tuple(e.source for e in s.qualify),
         tuple(e.source for e in s.tiebreak), s.ties)
        for s in rules.schemes
    )  # fmt: skip


def _batch_key(batch: BatchSpec) -> tuple[object, ...]:
    lines = tuple((cat, tuple(c.source for c in conds)) for cat, conds in batch.lines)
    return batch.scheme, batch.shape, batch.majors_per_group, lines
