"""On a 375-px phone: a board reset, the forced password change, an unplaced result, a PDF refusal."""

import re

import pytest
from playwright.sync_api import expect

from admissions.models import PreferenceItem, PreferenceList, PreferenceStatus, Role, Round
from tests.browser.shots import phone_shot as _shot
from tests.factories import PASSWORD, create_account, create_exam, create_plan_line
from tests.student_factories import (
    create_rules_version,
    create_run,
    create_student,
    cutoff,
    give_scores,
)

pytestmark = pytest.mark.browser


def _login(phone, live_server, username, password=PASSWORD):
    phone.goto(f"{live_server}/login")
    phone.get_by_label("用户名 / 考生号 / 身份证号").fill(username)
    phone.get_by_label("密码").fill(password)
    phone.get_by_role("button", name="登录").click()


def test_board_reset_then_the_student_chooses_a_password(live_server, phone, db, tmp_path):
    exam = create_exam()
    student = create_student(exam, name="张小青")
    board = create_account(Role.BOARD, province_id=exam.province_id)
    db.session.commit()
    _login(phone, live_server, board.username)
    phone.goto(f"{live_server}/board/exams/{exam.id}/candidates?q={student.candidate_no}")
    phone.get_by_role("link", name="重置密码").click()
    expect(phone.get_by_role("heading", name="重置考生密码")).to_be_visible()
    phone.get_by_label("重置原因").fill("本人持身份证到考试院办理")
    _shot(phone, tmp_path, "10-board-reset")
    phone.get_by_role("button", name="重置密码并生成临时密码").click()
    expect(phone.get_by_role("heading", name="密码已重置")).to_be_visible()
    temporary = phone.locator(".temporary-password code").inner_text()
    assert re.fullmatch(r"[a-z2-9]{10}", temporary)
    _shot(phone, tmp_path, "11-temporary-password")
    phone.get_by_role("button", name="退出登录").click()
    _login(phone, live_server, student.candidate_no, temporary)
    phone.wait_for_url(f"{live_server}/student/password")
    expect(phone.get_by_text("您的密码已由考试院重置，请先设置新密码。")).to_be_visible()
    phone.get_by_label("当前密码（或考试院给出的临时密码）").fill(temporary)
    phone.get_by_label("新密码（至少8位）").fill("my-own-pass-7")
    phone.get_by_label("再次输入新密码").fill("my-own-pass-7")
    _shot(phone, tmp_path, "12-change-password")
    phone.get_by_role("button", name="修改密码").click()
    phone.wait_for_url(f"{live_server}/student/")
    expect(phone.get_by_text("密码已修改，请牢记新密码。")).to_be_visible()


def test_unplaced_result_and_a_letter_font_problem(live_server, phone, db, tmp_path):
    exam = create_exam()
    batch = exam.batches[0]
    batch.rounds = 2
    full, empty = create_plan_line(exam, program_name="护理"), create_plan_line(exam)
    student = create_student(exam, name="𠮷田")
    give_scores(student, create_rules_version(exam), {"chinese": "80"}, total="450")
    pref = PreferenceList(candidate_id=student.id, batch_id=batch.id, round_number=1, version=1,
                          status=PreferenceStatus.SUBMITTED)  # fmt: skip
    db.session.add(pref)
    db.session.flush()
    for position, line in enumerate((full, empty), start=1):
        db.session.add(PreferenceItem(list_id=pref.id, position=position, plan_line_id=line.id))
    run = create_run(exam, batch)
    cutoff(run, full, "480.5")
    cutoff(run, empty, None)
    db.session.add(Round(batch_id=batch.id, number=2))
    db.session.commit()
    _login(phone, live_server, student.candidate_no)
    phone.goto(f"{live_server}/student/results")
    expect(phone.get_by_text("本轮未被投档")).to_be_visible()
    expect(phone.get_by_text("低于投档线", exact=False)).to_be_visible()
    _shot(phone, tmp_path, "13-unplaced")
    phone.goto(f"{live_server}/student/")
    phone.get_by_role("link", name="下载报名确认单（PDF）").click()
    expect(phone.get_by_role("heading", name="报名确认单暂时无法生成")).to_be_visible()
    expect(phone.get_by_text("缺字 𠮷（U+20BB7）", exact=False)).to_be_visible()
    _shot(phone, tmp_path, "14-pdf-problem")
