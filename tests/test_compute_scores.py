"""`compute_scores`: stored results equal the engine's exact per-candidate path."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, select

from admissions.models import AuditEvent, Candidate, ExamStatus, PlanLine, ScoreResult
from admissions.services.demo import load_demo
from admissions.services.exam.rules import exam_rules
from admissions.services.scores.compute import ComputeRefused, compute_scores
from scoring.composite import compute_candidate, qualify
from scoring.order import rank_composites
from tests.factories import create_plan_line
from tests.test_compute_support import GUANGDONG, SHANDONG, add_candidate, engine_input, load_exam

D = Decimal


def _results(db) -> dict[int, ScoreResult]:
    db.session.expire_all()
    return {r.candidate_id: r for r in db.session.scalars(select(ScoreResult))}


def test_worked_example_of_the_domain(db):
    exam = load_exam(GUANGDONG)
    cand = add_candidate(
        exam, "CS",
        {"chinese": D("98.5"), "math": D(112), "english": D(87), "skill_test": D(73), "cert": "B"},
        bonus=D(15),
    )  # fmt: skip
    summary = compute_scores(exam)
    assert summary.candidates == 1 and summary.qualified == 1
    result = _results(db)[cand.id]
    assert (result.raw_total, result.bonus, result.total) == (D("320.2"), D(10), D("330.2"))
    assert result.rank == 1 and result.qualified and result.reasons == []


def test_credit_counts_when_higher_and_missing_cert_disqualifies(db):
    exam = load_exam(GUANGDONG)
    credited = add_candidate(
        exam, "CS", {"chinese": D(100), "skill_test": D(50), "cert": "A"},
        credits={"skill_test": D(90)},
    )  # fmt: skip
    no_cert = add_candidate(exam, "CS", {"chinese": D(100), "skill_test": D(50)})
    compute_scores(exam)
    results = _results(db)
    assert results[credited.id].raw_total == D(50) + D("1.8") * 90 + 45
    assert not results[no_cert.id].qualified
    assert results[no_cert.id].reasons == [{"scheme": "standard", "reason": "证书等级 0 ≤ 0"}]


scores = st.decimals(min_value=0, max_value=100, places=1)


@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["CS", "ELE"]), scores, scores, scores, scores,
                  st.sampled_from(["A", "B", "C", None]), st.integers(0, 20)),
        min_size=1, max_size=25,
    )
)  # fmt: skip
def test_stored_results_equal_the_exact_engine_path(app, rows):
    from admissions.extensions import db

    with app.app_context():
        try:
            exam = load_exam(GUANGDONG)
            cands = [
                add_candidate(
                    exam,
                    cat,
                    {"chinese": c, "math": m, "english": e, "skill_test": s, "cert": g},
                    bonus=D(b),
                )  # fmt: skip
                for cat, c, m, e, s, g, b in rows
            ]
            compute_scores(exam)
            _, rules = exam_rules(exam)
            composites = [compute_candidate(rules, "standard", engine_input(c)) for c in cands]
            ranks = rank_composites(composites, [c.category_code for c in cands])
            results = _results(db)
            for cand, comp, rank in zip(cands, composites, ranks, strict=True):
                got = results[cand.id]
                assert (got.raw_total, got.bonus, got.total) == (
                    comp.raw_total,
                    comp.bonus,
                    comp.total,
                )
                assert got.rank == rank
                assert got.qualified == qualify(rules, comp).ok
        finally:
            db.session.rollback()
            db.session.remove()
            from tests.conftest import _empty_tables

            _empty_tables(db)


def test_equal_scores_share_a_rank_per_category(db):
    exam = load_exam(SHANDONG)
    same = {
        "chinese": D(100),
        "math": D(100),
        "english": D(60),
        "knowledge": D(150),
        "skill": D(200),
    }
    a = add_candidate(exam, "IT", same)
    b = add_candidate(exam, "IT", same)
    c = add_candidate(exam, "IT", same | {"skill": D(199), "knowledge": D(151)})
    other = add_candidate(exam, "MED", same | {"chinese": D(10)})
    compute_scores(exam)
    r = _results(db)
    # c has the same total but a lower first tie-break (skill)
    assert (r[a.id].rank, r[b.id].rank, r[c.id].rank, r[other.id].rank) == (1, 1, 3, 1)


def test_candidates_without_any_score_get_no_result(db):
    exam = load_exam(SHANDONG)
    scored = add_candidate(exam, "IT", {"chinese": D(90)})
    add_candidate(exam, "IT", {})
    assert compute_scores(exam).candidates == 1
    assert list(_results(db)) == [scored.id]


def test_no_scores_at_all_is_refused(db):
    exam = load_exam(SHANDONG)
    add_candidate(exam, "IT", {})
    with pytest.raises(ComputeRefused, match="还没有导入任何成绩"):
        compute_scores(exam)


def test_recompute_replaces_and_moves_status_forward_with_one_audit_each(db):
    exam = load_exam(SHANDONG)
    assert exam.status == ExamStatus.REGISTRATION_OPEN
    add_candidate(exam, "IT", {"chinese": D(90)})
    compute_scores(exam)
    compute_scores(exam)
    assert len(_results(db)) == 1 and exam.status == ExamStatus.SCORING
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "scores.compute")
    ).all()
    assert len(events) == 2 and events[-1].after["candidates"] == 1


def test_plan_line_scheme_qualifies_separately(db):
    text = GUANGDONG.replace(
        "[[batches]]",
        '[schemes.strict]\nformula = "chinese"\nqualify = ["chinese >= 100"]\n\n[[batches]]',
    )
    exam = load_exam(text)
    create_plan_line(exam, category_code="CS", scheme_code="strict")
    cand = add_candidate(exam, "CS", {"chinese": D(90), "cert": "A"})
    summary = compute_scores(exam)
    assert summary.schemes == ("standard", "strict")
    result = _results(db)[cand.id]
    assert result.qualified  # the headline scheme
    assert [r["scheme"] for r in result.reasons] == ["strict"]
    assert "90" in result.reasons[0]["reason"] and "100" in result.reasons[0]["reason"]


def test_out_of_range_score_is_refused_with_its_component(db):
    exam = load_exam(SHANDONG)
    add_candidate(exam, "IT", {"chinese": D(121)})
    with pytest.raises(ComputeRefused, match="语文"):
        compute_scores(exam)


def test_demo_exam_sample_matches_the_engine(db):
    load_demo(SHANDONG, candidates=400, seed=3)
    db.session.commit()
    from admissions.services.scores.compute import find_exam

    exam = find_exam("SD2026CK")
    db.session.execute(delete(PlanLine).where(PlanLine.scheme_code.is_not(None)))
    summary = compute_scores(exam)
    assert summary.candidates == 400
    _, rules = exam_rules(exam)
    results = _results(db)
    cands = db.session.scalars(
        select(Candidate).where(Candidate.exam_id == exam.id).order_by(Candidate.id)
    ).all()  # the demo's other years have candidates too
    composites = [compute_candidate(rules, "standard", engine_input(c)) for c in cands]
    ranks = rank_composites(composites, [c.category_code for c in cands])
    for i in range(0, 400, 37):
        got = results[cands[i].id]
        assert got.total == composites[i].total and got.rank == ranks[i]


def test_more_decimals_than_storage_are_refused_not_rounded(db):
    exam = load_exam(GUANGDONG.replace("decimals = 1", "decimals = 6"))
    add_candidate(exam, "CS", {"chinese": D(100), "cert": "A"})
    with pytest.raises(ComputeRefused, match="6 位小数，超过可保存的 4 位"):
        compute_scores(exam)
