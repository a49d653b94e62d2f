"""Allocation runs from the database: dispatches, cutoffs, dry runs, verification, rounds."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import numpy as np
import pytest
from sqlalchemy import func, select

from admissions.models import (
    AllocationRun,
    AuditEvent,
    Cutoff,
    Dispatch,
    DispatchStatus,
    Round,
    RoundStatus,
)
from admissions.services.imports import bulk
from admissions.services.rounds.build import RoundError
from admissions.services.rounds.close import close_round
from admissions.services.rounds.run import run_allocation
from scoring.allocation import allocate
from tests.factories import create_institution
from tests.rounds_factories import (
    batch_of,
    create_line,
    create_rounds_exam,
    create_scored,
    submit_flat,
    submit_grouped,
)


@pytest.fixture
def flat(db):
    """Two one-seat lines; A 250 > B 240 > C 230 list L1 first; D fails qualify (skill 40)."""
    exam = create_rounds_exam()
    bk = batch_of(exam, "BK")
    l1, l2 = create_line(exam, "BK", 1), create_line(exam, "BK", 1)
    a, b = create_scored(exam, 80, 170), create_scored(exam, 80, 160)
    c, d = create_scored(exam, 80, 150), create_scored(exam, 100, 40)
    submit_flat(a, bk, 1, [l1, l2])
    submit_flat(b, bk, 1, [l1, l2])
    submit_flat(c, bk, 1, [l1])
    submit_flat(d, bk, 1, [l1, l2])
    return dataclasses.make_dataclass("Flat", ["exam", "bk", "l1", "l2", "a", "b", "c", "d"])(
        exam, bk, l1, l2, a, b, c, d
    )


def _dispatches(db, run_id: int) -> dict[int, Dispatch]:
    rows = db.session.scalars(select(Dispatch).where(Dispatch.run_id == run_id)).all()
    return {row.candidate_id: row for row in rows}


@pytest.mark.parametrize("copy_from", [1000, 1])  # executemany, and COPY on PostgreSQL
def test_flat_run_saves_expected_dispatches_and_cutoffs(db, flat, monkeypatch, copy_from):
    monkeypatch.setattr(bulk, "COPY_THRESHOLD", copy_from)
    outcome = run_allocation(flat.exam, flat.bk, 1)
    assert outcome.saved and outcome.violations == []
    got = _dispatches(db, outcome.run_id)
    assert {cid: d.plan_line_id for cid, d in got.items()} == {
        flat.a.id: flat.l1.id,
        flat.b.id: flat.l2.id,
    }
    assert got[flat.b.id].choice == 2 and got[flat.b.id].rank == 2
    assert (
        got[flat.a.id].total == Decimal(250) and got[flat.a.id].status == DispatchStatus.DISPATCHED
    )
    cutoffs = {c.plan_line_id: c for c in db.session.scalars(select(Cutoff))}
    assert (cutoffs[flat.l1.id].min_total, cutoffs[flat.l1.id].min_rank) == (Decimal(250), 1)
    assert (cutoffs[flat.l2.id].dispatched, cutoffs[flat.l2.id].min_total) == (1, Decimal(240))
    run = db.session.get(AllocationRun, outcome.run_id)
    assert run.counts["dispatched"] == 2 and run.counts["reason_not_qualified"] == 1
    assert len(run.inputs_digest) == 64 and run.verification["ok"] is True
    assert (
        db.session.scalar(
            select(Round.status).where(Round.batch_id == flat.bk.id, Round.number == 1)
        )
        == RoundStatus.ALLOCATED
    )
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "allocation.run")
        )
        == 1
    )


def test_latest_submitted_version_counts(db, flat):
    l3 = create_line(flat.exam, "BK", 1)
    submit_flat(flat.c, flat.bk, 1, [l3], version=2)
    got = _dispatches(db, run_allocation(flat.exam, flat.bk, 1).run_id)
    assert got[flat.c.id].plan_line_id == l3.id and got[flat.c.id].choice == 1


def test_dry_run_saves_nothing(db, flat):
    outcome = run_allocation(flat.exam, flat.bk, 1, dry_run=True)
    assert not outcome.saved and outcome.counts["dispatched"] == 2
    for model in (AllocationRun, Dispatch, Cutoff):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_verification_failure_saves_nothing(db, flat):
    def broken(inp):
        result = allocate(inp)
        return dataclasses.replace(
            result, line=np.zeros_like(result.line), choice=np.ones_like(result.choice)
        )

    outcome = run_allocation(flat.exam, flat.bk, 1, engine=broken)
    assert outcome.violations and not outcome.saved
    assert db.session.scalar(select(func.count()).select_from(Dispatch)) == 0


def test_requirements_skip_a_line(db, flat):
    flat.l1.requirements = "skill >= 165"
    outcome = run_allocation(flat.exam, flat.bk, 1)
    got = _dispatches(db, outcome.run_id)
    assert got[flat.a.id].plan_line_id == flat.l1.id and got[flat.b.id].plan_line_id == flat.l2.id
    assert flat.c.id not in got and outcome.counts["reason_requirements"] >= 1


def test_bad_requirement_is_a_clear_error(db, flat):
    flat.l1.requirements = "height >= 170"
    with pytest.raises(RoundError, match="报考要求"):
        run_allocation(flat.exam, flat.bk, 1)


def test_rerun_and_out_of_range_round_refused(db, flat):
    run_allocation(flat.exam, flat.bk, 1)
    with pytest.raises(RoundError, match="不能重复投档"):
        run_allocation(flat.exam, flat.bk, 1)
    with pytest.raises(RoundError, match="没有第 3 轮"):
        run_allocation(flat.exam, flat.bk, 3)


def test_close_refuses_pending_then_admits_with_flag(db, flat):
    run_id = run_allocation(flat.exam, flat.bk, 1).run_id
    with pytest.raises(RoundError, match="待审核"):
        close_round(flat.exam, flat.bk)
    out = close_round(flat.exam, flat.bk, admit_pending=True)
    assert (out.admitted, out.admitted_pending, out.rejected) == (2, 2, 0)
    assert {d.status for d in _dispatches(db, run_id).values()} == {DispatchStatus.ADMITTED}
    with pytest.raises(RoundError, match="没有待结束"):
        close_round(flat.exam, flat.bk)


def test_second_round_sees_free_seats_and_rejected_candidates(db, flat):
    run_id = run_allocation(flat.exam, flat.bk, 1).run_id
    got = _dispatches(db, run_id)
    got[flat.a.id].status = DispatchStatus.ADMITTED
    got[flat.b.id].status, got[flat.b.id].reason = DispatchStatus.REJECTED, "体检不合格"
    close_round(flat.exam, flat.bk)
    for person in (flat.a, flat.b, flat.c):
        submit_flat(person, flat.bk, 2, [flat.l1, flat.l2])
    second = run_allocation(flat.exam, flat.bk, 2)
    got2 = _dispatches(db, second.run_id)
    assert {cid: d.plan_line_id for cid, d in got2.items()} == {flat.b.id: flat.l2.id}
    seats = {c["plan_line_id"]: c["seats"] for c in second.cutoffs}
    assert seats == {flat.l1.id: 0, flat.l2.id: 1}


@pytest.mark.parametrize("copy_from", [1000, 1])  # executemany, and COPY on PostgreSQL
def test_grouped_no_adjust_is_rejected_with_reason(db, monkeypatch, copy_from):
    monkeypatch.setattr(bulk, "COPY_THRESHOLD", copy_from)
    exam = create_rounds_exam()
    zk = batch_of(exam, "ZK")
    inst = create_institution()
    p1 = create_line(exam, "ZK", 1, institution=inst, group_code="01", program_code="P1")
    create_line(exam, "ZK", 1, institution=inst, group_code="01", program_code="P2")
    e, f, g = (
        create_scored(exam, 90, 170),
        create_scored(exam, 90, 160),
        create_scored(exam, 90, 150),
    )
    submit_grouped(e, zk, [p1], adjust=False)
    submit_grouped(f, zk, [p1], adjust=False)
    submit_grouped(g, zk, [p1], adjust=True)
    outcome = run_allocation(exam, zk, 1)
    got = _dispatches(db, outcome.run_id)
    assert got[e.id].plan_line_id == p1.id and got[e.id].status == DispatchStatus.DISPATCHED
    assert got[f.id].status == DispatchStatus.REJECTED and got[f.id].plan_line_id is None
    assert got[f.id].reason == "专业不服从调剂" and got[f.id].institution_id == inst.id
    assert g.id not in got  # the group's capacity of 2 went to e and f
    assert outcome.counts["rejected"] == 1


def test_admitted_in_an_earlier_batch_leaves_later_batches(db, flat):
    run_allocation(flat.exam, flat.bk, 1)
    close_round(flat.exam, flat.bk, admit_pending=True)
    zk = batch_of(flat.exam, "ZK")
    p1 = create_line(flat.exam, "ZK", 5, group_code="01", program_code="P1")
    for person in (flat.a, flat.c):
        submit_grouped(person, zk, [p1], adjust=True)
    outcome = run_allocation(flat.exam, zk, 1)
    got = _dispatches(db, outcome.run_id)
    assert set(got) == {flat.c.id} and outcome.counts["reason_excluded"] >= 1
