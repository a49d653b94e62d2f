"""Adjustments of the published plan: recorded, audited, within the scale and the reserve."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from admissions.models import AuditEvent, PlanAdjustment, PlanLine
from admissions.services.plans import adjust
from admissions.services.plans.compile import PlanError
from tests.factories import create_account, create_plan_line, csrf_token, login
from tests.plans_factories import levelled_exam, line, set_scale, university


def _problems(excinfo) -> list[str]:
    return [message for _, message in excinfo.value.problems]


def _scene(*scale):
    exam = levelled_exam()
    set_scale(exam, *scale)
    institution, _ = university("10101", "山东工程学院")
    board = create_account("board", province_id=exam.province_id)
    plan = create_plan_line(exam, institution=institution, program_code="P1", seats=40)
    return exam, institution, board, plan


def test_an_adjustment_is_recorded_with_reason_before_after_and_audited(db):
    exam, institution, board, plan = _scene(("本科", "", 100, 10))
    adjust.adjust_line(plan, "45", "新增实训基地", board)
    assert plan.seats == 45
    row = db.session.scalar(select(PlanAdjustment))
    assert (row.seats_before, row.seats_after, row.reason, row.actor_id, row.from_reserve) == (
        40, 45, "新增实训基地", board.id, False)  # fmt: skip
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.adjust"))
    assert event.before == {"seats": 40} and event.reason == "新增实训基地"


def test_an_adjustment_beyond_the_scale_is_refused_and_nothing_changes(db):
    exam, institution, board, plan = _scene(("本科", "", 100, 10), ("本科", "10101", 45, 0))
    with pytest.raises(PlanError) as refused:
        adjust.adjust_line(plan, "50", "扩招", board)
    assert _problems(refused) == [
        "山东工程学院（10101）本科计划 50 人，超出核定规模 45 人，超出 5 人"
    ]
    with pytest.raises(PlanError) as no_reason:
        adjust.adjust_line(plan, "41", " ", board)
    assert _problems(no_reason) == ["请填写调整原因（将记入调整记录和操作日志）"]
    with pytest.raises(PlanError) as bad:
        adjust.adjust_line(plan, "4.5", "扩招", board)
    assert _problems(bad) == ["调整后计划数应为不小于 0 的整数，当前为「4.5」"]
    assert plan.seats == 40 and db.session.scalar(select(PlanAdjustment)) is None


def test_ordinary_seats_stay_outside_the_reserve(db):
    exam, institution, board, plan = _scene(("本科", "", 50, 8))
    with pytest.raises(PlanError) as refused:
        adjust.adjust_line(plan, "45", "扩招", board)
    assert _problems(refused) == [
        "全省本科计划 45 人，超出核定规模 42 人（核定 50 人，其中预留 8 人），超出 3 人"
    ]
    adjust.adjust_line(plan, "45", "征集志愿补充计划", board, from_reserve=True)
    assert plan.seats == 45


def test_reserve_is_released_only_up_to_the_reserve(db):
    exam, institution, board, plan = _scene(("本科", "", 60, 8))
    adjust.adjust_line(plan, "45", "征集", board, from_reserve=True)
    with pytest.raises(PlanError) as refused:
        adjust.add_reserve_line(exam, {"institution_code": "10101", **line(program_code="Z9", seats="4")},
                                "征集新增专业", board)  # fmt: skip
    assert _problems(refused) == ["全省本科预留计划已使用 9 人，超出预留数 8 人，超出 1 人"]
    added = adjust.add_reserve_line(
        exam,
        {"institution_code": "10101", **line(program_code="Z9", seats="3")},
        "征集新增专业",
        board,
    )
    assert (added.seats_before, added.seats_after, added.from_reserve) == (0, 3, True)
    lines = db.session.execute(
        select(PlanLine.program_code, PlanLine.seats).order_by(PlanLine.program_code)
    ).all()
    assert lines == [("P1", 45), ("Z9", 3)]
    with pytest.raises(PlanError) as cut:
        adjust.adjust_line(plan, "30", "减招", board, from_reserve=True)
    assert _problems(cut) == ["从预留计划调剂只能增加计划数"]


def test_without_a_scale_adjustments_work_but_there_is_no_reserve(db):
    exam, institution, board, plan = _scene()
    adjust.adjust_line(plan, "60", "扩招", board)
    assert plan.seats == 60
    with pytest.raises(PlanError) as refused:
        adjust.adjust_line(plan, "61", "征集", board, from_reserve=True)
    assert _problems(refused) == ["尚未设定核定招生规模，没有预留计划可以调剂"]


def test_board_adjusts_on_the_page_and_sees_the_history(client, db):
    exam, institution, board, plan = _scene(("本科", "", 60, 8), ("本科", "10101", 45, 0))
    db.session.commit()
    login(client, board.username)
    page = f"/board/exams/{exam.id}/plan-adjustments?institution=10101"
    assert "软件技术（P1）" in client.get(page).get_data(as_text=True)
    data = {
        "line_id": plan.id,
        "seats": "50",
        "reason": "扩招",
        "csrf_token": csrf_token(client, page),
    }
    response = client.post(f"/board/exams/{exam.id}/plan-adjustments", data=data)
    assert response.status_code == 422
    assert "超出核定规模 45 人，超出 5 人" in response.get_data(as_text=True)
    data.update(seats="44")
    assert client.post(f"/board/exams/{exam.id}/plan-adjustments", data=data).status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "扩招" in html and board.username in html
    other = create_plan_line(exam, program_code="Q1", seats=3)
    db.session.commit()
    assert client.post(f"/board/exams/{exam.id}/plan-adjustments",
                       data={**data, "line_id": other.id + 999}).status_code == 404  # fmt: skip


def test_no_reserve_without_the_province_total_for_the_level(db):
    exam, institution, board, plan = _scene(("本科", "10101", 60, 5))
    with pytest.raises(PlanError) as refused:
        adjust.adjust_line(plan, "45", "征集", board, from_reserve=True)
    assert _problems(refused) == ["本科层次没有全省核定总数，没有预留计划可以调剂"]
