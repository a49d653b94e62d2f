"""Scores, a grouped preference list and the public letter check on a 375-px phone."""

import os

import pytest
from playwright.sync_api import expect

from admissions.files.verification import verification_code
from tests.browser.shots import phone_shot as _shot
from tests.factories import PASSWORD, create_exam, create_institution, create_plan_line
from tests.student_factories import (
    create_grouped_batch,
    create_round,
    create_rules_version,
    create_run,
    create_student,
    credit,
    dispatch,
    give_scores,
    publish_scores,
)

pytestmark = pytest.mark.browser


def _login(phone, live_server, candidate):
    phone.goto(f"{live_server}/login")
    phone.get_by_label("用户名 / 考生号 / 身份证号").fill(candidate.national_id)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(f"{live_server}/student/")


def test_scores_page_on_a_phone(live_server, phone, db, tmp_path):
    exam = create_exam()
    student = create_student(exam, name="张三", bonus_reason="市级技能大赛一等奖")
    rules = create_rules_version(exam)
    give_scores(student, rules, {"chinese": "98.5", "skill": "150"}, total="298.5", rank=3)
    credit(student, exam.components[1], "200", "国赛二等奖认定")
    for total in ("310", "305.5", "298", "250"):
        give_scores(create_student(exam), rules, {}, total=total)
    publish_scores(exam)
    db.session.commit()
    _login(phone, live_server, student)
    phone.get_by_role("link", name="成绩与位次").click()
    expect(phone.get_by_role("heading", name="成绩与位次")).to_be_visible()
    expect(phone.get_by_text("国赛二等奖认定")).to_be_visible()
    _shot(phone, tmp_path, "07-scores")


def test_grouped_list_on_a_phone(live_server, phone, db, tmp_path):
    exam = create_exam()
    batch = create_grouped_batch(exam)
    school = create_institution(name="山东职业学院")
    for name in ("铁道机车", "动车组检修"):
        create_plan_line(exam, batch=batch, institution=school, group_code="G1", program_name=name)
    create_round(batch)
    student = create_student(exam)
    db.session.commit()
    _login(phone, live_server, student)
    phone.goto(f"{live_server}/student/preferences/{batch.id}/1")
    phone.get_by_role("button", name="加入 铁道机车（山东职业学院）").click()
    phone.get_by_role("button", name="加入 动车组检修（山东职业学院）").click()
    assert phone.get_by_label("专业2").input_value() != ""
    phone.get_by_role("button", name="提交志愿").first.click()
    expect(phone.get_by_role("heading", name="请核对您的志愿")).to_be_visible()
    phone.get_by_role("button", name="确认提交").click()
    expect(phone.get_by_text("志愿已提交")).to_be_visible()
    _shot(phone, tmp_path, "08-grouped")


def test_public_letter_check_on_a_phone(live_server, phone, db, tmp_path):
    exam = create_exam()
    line = create_plan_line(exam, program_name="护理")
    student = create_student(exam, name="欧阳小明")
    dispatch(create_run(exam, exam.batches[0]), student, line)
    db.session.commit()
    code = verification_code(os.environ["SECRET_KEY"], exam.code, student.candidate_no,
                             f"{line.institution.code}-{line.program_code}")  # fmt: skip
    phone.goto(f"{live_server}/verify")
    phone.get_by_label("验证码").fill(code.lower())
    phone.get_by_role("button", name="查验").click()
    expect(phone.get_by_role("heading", name="验证码有效")).to_be_visible()
    expect(phone.get_by_text("欧***")).to_be_visible()
    _shot(phone, tmp_path, "09-verify")
