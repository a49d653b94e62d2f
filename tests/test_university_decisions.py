"""The decisions service: admit, reject with a reason, bulk, ownership, locked rounds, audit."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from admissions.models import AuditEvent, DispatchStatus, Role, RoundStatus, RunStatus
from admissions.services.rounds.decisions import Decision, DecisionError, decide, decide_many
from tests.factories import create_account, create_candidate, create_exam, create_plan_line
from tests.university_factories import create_dispatch, create_run


@pytest.fixture
def setting(db):
    exam = create_exam()
    line = create_plan_line(exam, seats=2)
    other_line = create_plan_line(exam)
    run = create_run(exam)
    mine = create_dispatch(run, create_candidate(exam), line)
    theirs = create_dispatch(run, create_candidate(exam), other_line)
    staff = create_account(Role.UNIVERSITY, institution_id=line.institution_id)
    return staff, line, run, mine, theirs


def test_admit_sets_status_actor_time_and_audits(db, setting):
    staff, line, _, mine, _ = setting
    decide(staff, line.institution_id, Decision(mine.id, "admit"))
    assert mine.status == DispatchStatus.ADMITTED
    assert mine.decided_by_id == staff.id and mine.decided_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "dispatch.admit"))
    assert event.object_id == mine.id and event.actor_id == staff.id
    assert event.before["status"] == "dispatched" and event.after["status"] == "admitted"


def test_reject_needs_a_reason(db, setting):
    staff, line, _, mine, _ = setting
    with pytest.raises(DecisionError, match="退档必须填写原因"):
        decide(staff, line.institution_id, Decision(mine.id, "reject", "   "))
    assert mine.status == DispatchStatus.DISPATCHED
    decide(staff, line.institution_id, Decision(mine.id, "reject", "体检不符合要求：色弱"))
    assert mine.status == DispatchStatus.REJECTED and mine.reason == "体检不符合要求：色弱"


def test_another_institutions_dispatch_is_refused(db, setting):
    staff, line, _, _, theirs = setting
    with pytest.raises(DecisionError, match="不存在或不属于本校"):
        decide(staff, line.institution_id, Decision(theirs.id, "admit"))
    with pytest.raises(DecisionError, match="不存在或不属于本校"):
        decide(staff, line.institution_id, Decision(987654, "admit"))
    assert theirs.status == DispatchStatus.DISPATCHED


def test_finished_round_locks_decisions(db, setting):
    staff, line, run, mine, _ = setting
    from tests.university_factories import create_round

    create_round(line.exam, 1, RoundStatus.FINISHED)
    with pytest.raises(DecisionError, match="本轮已结束"):
        decide(staff, line.institution_id, Decision(mine.id, "admit"))


def test_deadline_passed_locks_decisions_except_for_the_board(db, setting):
    staff, line, _, mine, _ = setting
    from tests.university_factories import create_round

    deadline = datetime(2026, 7, 20, 12, tzinfo=UTC)
    create_round(line.exam, 1, RoundStatus.ALLOCATED, decisions_deadline=deadline)
    with pytest.raises(DecisionError, match="审核截止时间"):
        decide(
            staff,
            line.institution_id,
            Decision(mine.id, "admit"),
            now=deadline + timedelta(seconds=1),
        )
    decide(
        None,
        None,
        Decision(mine.id, "admit"),
        now=deadline + timedelta(days=1),
        check_deadline=False,
    )
    assert mine.status == DispatchStatus.ADMITTED


def test_dry_run_dispatches_cannot_be_decided(db, setting):
    staff, line, run, mine, _ = setting
    run.dry_run = True
    with pytest.raises(DecisionError, match="不是有效的正式投档"):
        decide(staff, line.institution_id, Decision(mine.id, "admit"))
    run.dry_run, run.status = False, RunStatus.FAILED
    with pytest.raises(DecisionError):
        decide(staff, line.institution_id, Decision(mine.id, "admit"))


def test_bulk_is_all_or_nothing(db, setting):
    staff, line, run, mine, theirs = setting
    second = create_dispatch(run, create_candidate(line.exam), line)
    db.session.commit()
    with pytest.raises(DecisionError):
        decide_many(
            staff, line.institution_id, [Decision(mine.id, "admit"), Decision(theirs.id, "admit")]
        )
    db.session.rollback()
    assert db.session.get(type(mine), mine.id).status == DispatchStatus.DISPATCHED
    done = decide_many(
        staff,
        line.institution_id,
        [Decision(mine.id, "admit"), Decision(second.id, "reject", "其他：放弃")],
    )
    assert [d.status for d in done] == [DispatchStatus.ADMITTED, DispatchStatus.REJECTED]


def test_a_decision_can_change_while_the_round_is_open(db, setting):
    staff, line, _, mine, _ = setting
    decide(staff, line.institution_id, Decision(mine.id, "reject", "其他：误操作"))
    decide(staff, line.institution_id, Decision(mine.id, "admit"))
    assert mine.status == DispatchStatus.ADMITTED and mine.reason == ""


def test_unknown_decision_word_is_refused(db, setting):
    staff, line, _, mine, _ = setting
    with pytest.raises(DecisionError, match="录取或退档"):
        decide(staff, line.institution_id, Decision(mine.id, "maybe"))


def test_grouped_major_adjustment_within_the_group_only(db):
    exam = create_exam()
    first = create_plan_line(exam, group_code="G1", program_code="A01", seats=1)
    inst = first.institution
    second = create_plan_line(exam, institution=inst, group_code="G1", program_code="A02", seats=1)
    create_plan_line(exam, institution=inst, group_code="G2", program_code="B01", seats=5)
    run = create_run(exam)
    one = create_dispatch(run, create_candidate(exam), first)
    two = create_dispatch(run, create_candidate(exam), first)
    staff = create_account(Role.UNIVERSITY, institution_id=inst.id)
    with pytest.raises(DecisionError, match="不在本专业组"):
        decide(staff, inst.id, Decision(one.id, "admit", program_code="B01"))
    decide(staff, inst.id, Decision(one.id, "admit", program_code="A02"))
    assert one.plan_line_id == second.id
    with pytest.raises(DecisionError, match="已无剩余名额"):
        decide(staff, inst.id, Decision(two.id, "admit", program_code="A02"))


def test_flat_dispatch_cannot_change_major(db, setting):
    staff, line, _, mine, _ = setting
    other = create_plan_line(line.exam, institution=line.institution, program_code="Z99")
    with pytest.raises(DecisionError, match="只有专业组投档"):
        decide(
            staff, line.institution_id, Decision(mine.id, "admit", program_code=other.program_code)
        )


def test_a_round_has_no_second_saved_run_to_supersede_the_first(db, setting):
    staff, line, run, mine, _ = setting
    with pytest.raises(IntegrityError):
        create_run(line.exam, 1)
    db.session.rollback()
