"""Plan compilation in the browser: a university enters 3 lines, exceeds its scale, fixes it and
submits; the board returns it, then approves and publishes; a student then sees the line."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from admissions.models import ExamStatus, PlanScale, Role
from tests.factories import PASSWORD, create_account, create_institution
from tests.student_factories import create_open_exam, create_round, create_student

pytestmark = pytest.mark.browser


def _page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _login(page, live_server, username: str) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名 / 考生号 / 身份证号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def _add_line(page, code: str, name: str, seats: str) -> None:
    page.get_by_label("批次", exact=True).select_option("BK")
    page.get_by_label("专业代码").fill(code)
    page.get_by_label("专业名称").fill(name)
    page.get_by_label("专业类别", exact=True).select_option("IT")
    page.get_by_label("计划数", exact=True).fill(seats)
    page.get_by_role("button", name="添加专业").click()
    expect(page.get_by_text(f"已添加专业 {name}（{code}）。")).to_be_visible()


def test_compile_submit_return_approve_publish_and_students_see_it(live_server, browser, db):
    exam = create_open_exam()
    exam.batches[0].level = "本科"
    institution = create_institution(code="10101", name="山东工程学院")
    db.session.add(
        PlanScale(exam_id=exam.id, level="本科", institution_code="10101", seats=50, reserved=0)
    )
    staff = create_account(Role.UNIVERSITY, institution_id=institution.id)
    board = create_account(Role.BOARD, province_id=exam.province_id)
    student = create_student(exam, category_code="IT")
    db.session.commit()

    uni_context, uni = _page(browser)
    _login(uni, live_server, staff.username)
    uni.get_by_role("link", name="招生计划编制").click()
    uni.get_by_role("link", name="编制计划").click()
    for code, name in (("P1", "软件工程"), ("P2", "智能制造"), ("P3", "数据科学")):
        _add_line(uni, code, name, "20")
    expect(uni.get_by_text("超出 10 人", exact=True)).to_be_visible()
    uni.get_by_role("button", name="提交考试院审核").click()
    expect(uni.get_by_role("alert").first).to_contain_text(
        "山东工程学院（10101）本科计划 60 人，超出核定规模 50 人，超出 10 人"
    )
    uni.get_by_role("button", name="删除 数据科学").click()
    _add_line(uni, "P3", "数据科学", "10")
    expect(uni.get_by_text("未超出", exact=True)).to_be_visible()
    uni.get_by_role("button", name="提交考试院审核").click()
    expect(uni.get_by_text("计划已提交考试院审核")).to_be_visible()

    board_context, desk = _page(browser)
    _login(desk, live_server, board.username)
    desk.goto(f"{live_server}/board/exams/{exam.id}/plans")
    desk.get_by_role("link", name="查看与审核").click()
    desk.get_by_label("退回原因").fill("请补充学费和学制")
    desk.get_by_role("button", name="退回学校修改").click()
    expect(desk.get_by_text("山东工程学院的计划已退回学校。")).to_be_visible()

    uni.reload()
    expect(uni.get_by_text("考试院退回了本校计划：请补充学费和学制")).to_be_visible()
    uni.get_by_role("button", name="提交考试院审核").click()
    expect(uni.get_by_text("计划已提交考试院审核")).to_be_visible()

    desk.get_by_role("link", name="查看与审核").click()
    desk.get_by_role("button", name="审核通过").click()
    expect(desk.get_by_text("山东工程学院的计划已审核通过。")).to_be_visible()
    desk.get_by_label("我已核对，公布全部审核通过的院校计划（公布后只能通过计划调整修改）").check()
    desk.get_by_role("button", name="公布审核通过的计划").click()
    expect(desk.get_by_text("已公布 1 所院校的招生计划")).to_be_visible()

    exam.status = ExamStatus.PREFERENCES_OPEN
    create_round(exam.batches[0])
    db.session.commit()
    student_context, phone = _page(browser)
    _login(phone, live_server, student.candidate_no)
    phone.goto(f"{live_server}/student/preferences")
    phone.get_by_role("link", name="填报志愿").click()
    expect(phone.get_by_role("button", name="加入 智能制造")).to_be_visible()
    for context in (uni_context, board_context, student_context):
        context.close()
