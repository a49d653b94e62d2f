"""The round input read from the database: set-based flat preferences and the one score gatherer."""

from decimal import Decimal

import numpy as np
from sqlalchemy import select

from admissions.models import Component, CreditedScore, PreferenceStatus, ScoreResult
from admissions.services.rounds.build import build_round_input
from admissions.services.scores.columns import gather_columns
from admissions.services.scores.compute import compute_scores
from admissions.services.scores.inputs import score_columns
from tests.factories import create_candidate
from tests.rounds_factories import (
    batch_of,
    create_line,
    create_rounds_exam,
    create_scored,
    submit_flat,
)


def _lists(inp) -> list[list[int]]:
    prefs = inp.preferences
    return [list(prefs.lines[prefs.ptr[i] : prefs.ptr[i + 1]]) for i in range(len(prefs.ptr) - 1)]


def test_flat_preferences_take_the_latest_submitted_list_in_order_and_drop_other_batches(db):
    exam = create_rounds_exam()
    bk, zk = batch_of(exam, "BK"), batch_of(exam, "ZK")
    a, b, c = (create_scored(exam, 80, 150) for _ in range(3))
    l1, l2, l3 = (create_line(exam, "BK", 1) for _ in range(3))
    other = create_line(exam, "ZK", 1, group_code="G1")
    submit_flat(a, bk, 1, [l1, l2], version=1)
    submit_flat(a, bk, 1, [l3, l1], version=2)
    draft = submit_flat(a, bk, 1, [l2], version=3)
    draft.status = PreferenceStatus.DRAFT
    submit_flat(b, bk, 1, [l2, other, l3])
    submit_flat(c, bk, 2, [l1])  # another round
    submit_flat(c, zk, 1, [other])
    db.session.flush()
    built = build_round_input(exam, bk, 1)
    assert list(built.candidate_ids) == [a.id, b.id, c.id]
    assert _lists(built.inp) == [[2, 0], [1, 2], []]
    assert built.with_preferences == 2


def test_a_candidate_with_only_credits_is_in_the_round_and_ranked_as_compute_ranked_them(db):
    exam = create_rounds_exam()
    scored = create_scored(exam, 50, 100)
    credited = create_candidate(exam)
    skill = db.session.scalar(select(Component).where(Component.code == "skill"))
    db.session.add(CreditedScore(candidate_id=credited.id, component_id=skill.id,
                                 value=Decimal(190), reason="国赛一等奖"))  # fmt: skip
    db.session.flush()
    compute_scores(exam)
    built = build_round_input(exam, batch_of(exam, "BK"), 1)
    stored = dict(db.session.execute(select(ScoreResult.candidate_id, ScoreResult.rank)).all())
    assert list(built.candidate_ids) == [scored.id, credited.id]
    assert list(built.ranks) == [stored[scored.id], stored[credited.id]] == [2, 1]


def test_allocation_and_compute_read_the_same_columns(db):
    exam = create_rounds_exam()
    first, second = create_scored(exam, 71, 133, bonus=Decimal("2.5")), create_scored(exam, 0, 60)
    columns = score_columns(exam)
    frame = gather_columns(exam)
    assert list(columns.candidate_ids) == [first.id, second.id] == list(frame["candidate_id"])
    assert list(columns.candidate_nos) == list(frame["candidate_no"])
    assert list(columns.frame.columns) == ["chinese", "skill", "bonus", "candidate_type"]
    numbers = ["chinese", "skill", "bonus"]
    assert np.array_equal(columns.frame[numbers].to_numpy(), frame[numbers].to_numpy())
    assert columns.frame["candidate_type"].tolist() == ["应届中职毕业生"] * 2
    assert columns.frame["bonus"].tolist() == [2.5, 0.0]
