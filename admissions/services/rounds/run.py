"""One allocation run (投档) of a batch and round: build, allocate, verify, save — all or nothing."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import insert, select

from admissions.extensions import db
from admissions.models import (
    Account,
    AllocationRun,
    Batch,
    Cutoff,
    Dispatch,
    DispatchStatus,
    Exam,
    Round,
    RoundStatus,
    RunStatus,
)
from admissions.models.base import utcnow
from admissions.services import audit
from admissions.services.exam.locks import lock_batch
from admissions.services.imports.bulk import insert_rows
from admissions.services.rounds.build import RoundInput, build_round_input, check_can_run
from admissions.services.rounds.guards import RoundError, find_batch
from scoring.allocation import REASONS, AllocationResult, allocate
from scoring.verify import reserved_violations, verify

ENGINE_VERSION = "scoring.allocation 1"

__all__ = ["RoundError", "RunOutcome", "find_batch", "run_allocation"]


@dataclass
class RunOutcome:
    """What a run found: counts, cutoffs per line, violations (empty = verified), timings."""

    batch: str
    round_number: int
    dry_run: bool
    counts: dict[str, int]
    cutoffs: list[dict[str, Any]]
    dispatches: list[dict[str, Any]]
    violations: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    run_id: int | None = None

    @property
    def saved(self) -> bool:
        """True when the run and its dispatches were written."""
        return self.run_id is not None


def run_allocation(
    exam: Exam, batch: Batch, round_number: int = 1, *, dry_run: bool = False,
    actor: Account | None = None, engine: Any = None,
) -> RunOutcome:  # fmt: skip
    """Dispatch one round; save run, dispatches and cutoffs unless dry or not verified (flush).

    ``engine`` defaults to ``scoring.allocation.allocate``; any callable of the same shape works.
    """
    check_can_run(exam, batch, round_number, dry_run=dry_run)
    started, t0 = utcnow(), time.perf_counter()
    built = build_round_input(exam, batch, round_number)
    t1 = time.perf_counter()
    result = (engine or allocate)(built.inp)
    t2 = time.perf_counter()
    found = verify(built.inp, result)
    if built.type_codes is not None and built.line_types is not None:
        found += reserved_violations(result.line, built.type_codes, built.line_types)
    violations = [f"{v.rule}: {v.message}" for v in found]
    t3 = time.perf_counter()
    timings = {"build": t1 - t0, "allocate": t2 - t1, "verify": t3 - t2}
    dispatches = _dispatch_rows(built, result)
    cutoffs = _cutoff_rows(built, result, dispatches)
    outcome = RunOutcome(
        batch.code, round_number, dry_run, _counts(built, result), cutoffs, dispatches,
        violations, timings,
    )  # fmt: skip
    if violations or dry_run:
        return outcome
    # Under the batch's lock, checked again: of two runs started together, one saves and the
    # other is refused here, naming the first (the unique index on saved runs backs this up).
    lock_batch(batch.id)
    check_can_run(exam, batch, round_number)
    run = _save(exam, batch, round_number, built, result, outcome, actor, started)
    outcome.timings["save"] = time.perf_counter() - t3
    run.timings = {k: round(v, 4) for k, v in outcome.timings.items()}
    outcome.run_id = run.id
    return outcome


def _total(built: RoundInput, scheme: str, i: int) -> Decimal:
    return built.scores[scheme].result.total.at(i)


def _dispatch_rows(built: RoundInput, result: AllocationResult) -> list[dict[str, Any]]:
    """One row per dispatched (or, grouped, rejected at placement) candidate."""
    rows: list[dict[str, Any]] = []
    grouped = built.inp.grouped
    for i in np.flatnonzero((result.line >= 0) | (result.group >= 0)).tolist():
        j, g = int(result.line[i]), int(result.group[i])
        inst_id, group_code = (
            built.group_keys[g] if grouped else (built.lines[j].institution_id, None)
        )
        scheme = built.line_scheme_codes[j] if j >= 0 else _group_scheme(built, g)
        placed = j >= 0
        rows.append({
            "candidate_id": int(built.candidate_ids[i]),
            "plan_line_id": built.lines[j].id if placed else None,
            "institution_id": inst_id, "group_code": group_code or None,
            "choice": int(result.choice[i]), "total": _total(built, scheme, i),
            "rank": int(built.ranks[i]),
            "status": DispatchStatus.DISPATCHED if placed else DispatchStatus.REJECTED,
            "reason": "" if placed else REASONS[result.reason[i]], "_row": i,
        })  # fmt: skip
    return rows


def _group_scheme(built: RoundInput, g: int) -> str:
    group = built.inp.line_group
    assert group is not None
    return built.line_scheme_codes[int(np.flatnonzero(group == g)[0])]


def _cutoff_rows(
    built: RoundInput, result: AllocationResult, dispatches: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per plan line: free seats, dispatched, and the lowest dispatched total with its rank."""
    placed: dict[int, list[dict[str, Any]]] = {}
    for row in dispatches:
        if row["plan_line_id"] is not None:
            placed.setdefault(row["plan_line_id"], []).append(row)
    out = []
    for j, line in enumerate(built.lines):
        mine = placed.get(line.id, [])
        last = _last_of(built, result, j, mine)
        out.append({
            "plan_line_id": line.id, "category": line.category_code,
            "institution_code": line.institution.code, "program_code": line.program_code,
            "institution_name": line.institution.name, "program_name": line.program_name,
            "seats": int(built.inp.free_seats[j]),
            "dispatched": len(mine), "min_total": last["total"] if last else None,
            "min_rank": last["rank"] if last else None,
        })  # fmt: skip
    return out


def _last_of(
    built: RoundInput, result: AllocationResult, j: int, mine: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The cutoff candidate's row: the engine's for flat lines, else the lowest placed."""
    if not mine:
        return None
    if not built.inp.grouped and result.cutoff_candidate[j] >= 0:
        c = int(result.cutoff_candidate[j])
        return next(r for r in mine if r["_row"] == c)
    return min(mine, key=lambda r: (r["total"], -r["rank"]))


def _counts(built: RoundInput, result: AllocationResult) -> dict[str, int]:
    reasons: dict[str, int] = {}
    for code in result.reason:
        reasons[code] = reasons.get(code, 0) + 1
    return {
        "candidates": built.inp.n_candidates, "with_preferences": built.with_preferences,
        "lines": built.inp.n_lines, "seats": int(built.inp.free_seats.sum()),
        "dispatched": int(np.count_nonzero(result.line >= 0)),
        "rejected": int(np.count_nonzero((result.group >= 0) & (result.line < 0))),
        **{f"reason_{k}": v for k, v in sorted(reasons.items())},
    }  # fmt: skip


def _save(
    exam: Exam, batch: Batch, round_number: int, built: RoundInput, result: AllocationResult,
    outcome: RunOutcome, actor: Account | None, started: Any,
) -> AllocationRun:  # fmt: skip
    """AllocationRun, Dispatch and Cutoff rows (bulk), the round's status, the audit event."""
    run = AllocationRun(
        exam_id=exam.id, batch_id=batch.id, round_number=round_number, status=RunStatus.SUCCEEDED,
        dry_run=False, inputs_digest=result.digest, rules_version_id=built.rules_version_id,
        engine_version=ENGINE_VERSION, started_at=started, finished_at=utcnow(),
        verification={"ok": True, "violations": 0}, counts=outcome.counts,
        created_by_id=actor.id if actor else None,
    )  # fmt: skip
    db.session.add(run)
    db.session.flush()
    rows = [
        {k: v for k, v in r.items() if k != "_row"} | {"run_id": run.id} for r in outcome.dispatches
    ]
    insert_rows(Dispatch.__table__, rows)  # COPY on PostgreSQL: a round may dispatch 10⁵ rows
    cut_cols = ("plan_line_id", "seats", "dispatched", "min_total", "min_rank")
    cuts = [{k: c[k] for k in cut_cols} | {"run_id": run.id} for c in outcome.cutoffs]
    if cuts:
        db.session.execute(insert(Cutoff), cuts)
    round_row = db.session.scalar(
        select(Round).where(Round.batch_id == batch.id, Round.number == round_number)
    )
    if round_row is not None:
        round_row.status = RoundStatus.ALLOCATED
    audit.record(actor, "allocation.run", run, after={
        "batch": batch.code, "round": round_number, "digest": result.digest, **outcome.counts,
    })  # fmt: skip
    db.session.flush()
    return run
