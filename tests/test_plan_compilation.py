"""Institutions compile plans, the board reviews and publishes them, all within the scale."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from admissions.models import AuditEvent, PlanLine
from admissions.services.plans import compile as plans
from admissions.services.plans import review
from tests.board_factories import PLANS_HEADER, csv_bytes
from tests.factories import create_account, create_plan_line
from tests.plans_factories import levelled_exam, line, set_scale, university


def _problems(excinfo) -> list[str]:
    return [message for _, message in excinfo.value.problems]


def _setup():
    exam = levelled_exam()
    set_scale(exam, ("本科", "", 100, 10), ("本科", "10101", 50, 0), ("专科", "10101", 20, 0))
    institution, staff = university("10101", "山东工程学院")
    return exam, institution, staff, plans.open_submission(exam, institution)


def test_a_line_entered_is_checked_like_a_file_row(db):
    exam, institution, staff, draft = _setup()
    with pytest.raises(plans.PlanError) as refused:
        plans.add_line(draft, line(batch="XX", category="MED", ownership="国营"), staff)
    assert refused.value.problems == [
        ("batch", "批次「XX」不存在（可用：BK、ZK）"),
        ("category", "专业类别「MED」不存在（可用：IT、JX）"),
        ("ownership", "办学性质「国营」应为 公办 或 民办"),
    ]
    with pytest.raises(plans.PlanError) as negative:
        plans.add_line(draft, line(seats="-1"), staff)
    assert negative.value.problems == [("seats", "「-1」小于 0")]
    plans.add_line(draft, line(), staff)
    with pytest.raises(plans.PlanError) as twice:
        plans.add_line(draft, line(seats="5"), staff)
    assert _problems(twice) == ["本批次已有专业代码 P1，请修改或先删除原来的一行"]


def test_submit_beyond_the_scale_names_the_excess_then_passes_once_fixed(db):
    exam, institution, staff, draft = _setup()
    plans.add_line(draft, line(seats="30"), staff)
    plans.add_line(draft, line(program_code="P2", seats="25"), staff)
    assert [(t.level, t.seats, t.approved) for t in plans.level_totals(draft)] == [
        ("专科", 0, 20), ("本科", 55, 50)]  # fmt: skip
    with pytest.raises(plans.PlanError) as refused:
        plans.submit(draft, staff)
    assert _problems(refused) == [
        "山东工程学院（10101）本科计划 55 人，超出核定规模 50 人，超出 5 人"
    ]
    assert draft.status == "draft"
    plans.delete_line(draft, draft.lines[1].id, staff)
    plans.add_line(draft, line(program_code="P2", seats="20"), staff)
    plans.submit(draft, staff)
    assert draft.status == "submitted"


def test_upload_takes_only_the_own_institution_and_replaces_the_draft(db):
    exam, institution, staff, draft = _setup()
    plans.add_line(draft, line(program_code="OLD"), staff)
    bad = csv_bytes([PLANS_HEADER, ["BK", "10101", "山东工程学院", "P1", "软件", "IT", "10", ""],
                     ["BK", "10102", "别的学院", "P2", "机械", "IT", "10", ""]])  # fmt: skip
    errors = plans.upload_lines(draft, bad, "p.csv", staff)
    assert [str(e) for e in errors] == [
        "p.csv:3: institution_code: 只能上传本校（10101）的计划，此行为院校 10102"
    ]
    assert [ln.program_code for ln in draft.lines] == ["OLD"]
    good = csv_bytes([PLANS_HEADER, ["BK", "10101", "山东工程学院", "P1", "软件", "IT", "10", ""],
                      ["ZK", "10101", "山东工程学院", "Z1", "机电", "JX", "8", "G1"]])  # fmt: skip
    assert plans.upload_lines(draft, good, "p.csv", staff) == []
    assert sorted(ln.program_code for ln in draft.lines) == ["P1", "Z1"]


def test_return_approve_publish_lifecycle(db):
    exam, institution, staff, draft = _setup()
    board = create_account("board", province_id=exam.province_id)
    plans.add_line(draft, line(seats="40", tuition="5000", types="具有工作经历"), staff)
    with pytest.raises(plans.PlanError):
        review.approve(draft, board)  # not submitted yet
    plans.submit(draft, staff)
    with pytest.raises(plans.PlanError) as no_reason:
        review.return_plan(draft, " ", board)
    assert _problems(no_reason) == ["请填写退回原因，学校将看到这段说明"]
    review.return_plan(draft, "学费请写明", board)
    assert (draft.status, draft.reason) == ("returned", "学费请写明")
    plans.submit(draft, staff)
    with pytest.raises(plans.PlanError) as nothing:
        review.publish(exam, board)
    assert _problems(nothing) == ["没有审核通过、待公布的计划"]
    review.approve(draft, board)
    assert review.publish(exam, board) == 1
    published = db.session.scalars(select(PlanLine)).all()
    assert [(p.program_code, p.seats, p.tuition, p.types) for p in published] == [
        ("P1", 40, 5000, "具有工作经历")]  # fmt: skip
    with pytest.raises(plans.PlanError) as locked:
        plans.add_line(draft, line(program_code="P9"), staff)
    assert _problems(locked) == ["计划已公布，不能再修改；如需调整，请联系考试院"]
    query = select(AuditEvent.action).where(AuditEvent.action.like("plan%")).order_by(AuditEvent.id)
    actions = db.session.scalars(query).all()
    assert actions == ["plan_line.add", "plan.submit", "plan.return", "plan.submit",
                       "plan.approve", "plan.publish"]  # fmt: skip


def test_province_total_counts_other_institutions_published_lines(db):
    exam, institution, staff, draft = _setup()
    other, other_staff = university("10102", "济南职业学院")
    set_scale(exam, ("本科", "10102", 60, 0))
    theirs = plans.open_submission(exam, other)
    plans.add_line(theirs, line(seats="60"), other_staff)
    plans.submit(theirs, other_staff)
    review.approve(theirs, create_account("board", province_id=exam.province_id))
    review.publish(exam, create_account("board", province_id=exam.province_id))
    plans.add_line(draft, line(seats="40"), staff)
    with pytest.raises(plans.PlanError) as refused:
        plans.submit(draft, staff)
    assert _problems(refused) == [
        "全省本科计划 100 人，超出核定规模 90 人（核定 100 人，其中预留 10 人），超出 10 人"
    ]


def test_a_new_draft_starts_from_the_lines_the_board_published(db):
    exam = levelled_exam()
    institution, staff = university("10101", "山东工程学院")
    create_plan_line(exam, institution=institution, program_code="B1", seats=7, tuition=3000)
    draft = plans.open_submission(exam, institution)
    assert [(ln.program_code, ln.seats, ln.tuition) for ln in draft.lines] == [("B1", 7, 3000)]
