"""A line reserved to candidate types, through the round input, a real run and its verification."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from admissions.models import Dispatch
from admissions.services.rounds.build import build_round_input
from admissions.services.rounds.run import run_allocation
from admissions.services.scores.compute import compute_scores
from scoring.allocation import allocate
from tests.rounds_factories import (
    batch_of,
    create_line,
    create_rounds_exam,
    create_scored,
    submit_flat,
)


def test_a_reserved_line_goes_only_to_its_types_even_below_a_better_score(db):
    exam = create_rounds_exam()
    bk = batch_of(exam, "BK")
    fresh = create_scored(exam, 100, 200, candidate_type="应届中职毕业生")
    worker = create_scored(exam, 50, 100, candidate_type="具有工作经历", work_employer="某机床厂",
                           work_years=3)  # fmt: skip
    reserved = create_line(exam, "BK", 1, types="具有工作经历")
    open_line = create_line(exam, "BK", 1)
    submit_flat(fresh, bk, 1, [reserved, open_line])
    submit_flat(worker, bk, 1, [reserved])
    db.session.flush()
    compute_scores(exam)
    built = build_round_input(exam, bk, 1)
    row = list(built.candidate_ids).index(fresh.id)
    assert (row * 2 + 0) in built.inp.requirement_failures.tolist()
    outcome = run_allocation(exam, bk, 1)
    assert outcome.violations == []
    held = dict(db.session.execute(select(Dispatch.candidate_id, Dispatch.plan_line_id)).all())
    assert held == {fresh.id: open_line.id, worker.id: reserved.id}


def test_the_run_is_refused_when_an_engine_gives_a_reserved_line_to_another_type(db):
    exam = create_rounds_exam()
    bk = batch_of(exam, "BK")
    fresh = create_scored(exam, 100, 200, candidate_type="往届中职毕业生")
    reserved = create_line(exam, "BK", 1, types="具有工作经历")
    submit_flat(fresh, bk, 1, [reserved])
    db.session.flush()
    compute_scores(exam)

    def careless(inp):  # an engine that ignores the eligibility it was given
        return allocate(dataclasses.replace(inp, requirement_failures=inp.requirement_failures[:0]))

    outcome = run_allocation(exam, bk, 1, engine=careless)
    assert "reserved: dispatched to a line reserved to other types" in outcome.violations
    assert db.session.scalar(select(Dispatch.id)) is None
