"""A student on a 375-px phone: register, fill preferences without trouble, see the result."""

import os
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from admissions import idcard
from admissions.models import Candidate, ExamStatus
from tests.browser.shots import phone_shot as _shot
from tests.factories import create_plan_line
from tests.student_factories import create_open_exam, create_round, create_run, dispatch

pytestmark = pytest.mark.browser
PASSWORD = "phone-pass-123"


def _register(phone, live_server, tmp_path):
    phone.goto(f"{live_server}/register")
    phone.get_by_label("身份证号").fill(idcard.make("370102", date(2007, 3, 9), 123))
    phone.get_by_label("姓名").fill("李小红")
    phone.get_by_label("专业类别").select_option("IT")
    phone.get_by_label("考生类型").select_option("应届中职毕业生")
    phone.get_by_label("就读学制").select_option("三年制")
    phone.get_by_label("毕业学校（中职）").fill("济南信息工程学校")
    phone.get_by_label("手机号码").fill("13800138000")
    phone.get_by_label("设置密码（至少8位）").fill(PASSWORD)
    phone.get_by_label("再次输入密码").fill(PASSWORD)
    _shot(phone, tmp_path, "01-register")
    phone.get_by_role("button", name="提交报名").click()
    phone.wait_for_url(f"{live_server}/student/registered")
    expect(phone.get_by_role("heading", name="报名成功")).to_be_visible()
    _shot(phone, tmp_path, "02-registered")


def test_register_fill_preferences_and_see_the_result(live_server, phone, db, tmp_path):
    exam = create_open_exam()
    lines = [create_plan_line(exam, program_name=name) for name in ("软件技术", "数控技术", "护理")]
    db.session.commit()
    _register(phone, live_server, tmp_path)
    # time passes: registration closes, the preference round opens
    exam.status = ExamStatus.PREFERENCES_OPEN
    round_ = create_round(exam.batches[0])
    db.session.commit()
    phone.goto(f"{live_server}/student/preferences")
    _shot(phone, tmp_path, "03-rounds")
    phone.get_by_role("link", name="填报志愿").click()
    phone.get_by_role("button", name="加入 软件技术").click()
    phone.get_by_role("button", name="加入 数控技术").click()
    expect(phone.get_by_text("草稿已保存")).to_be_visible()
    phone.get_by_role("button", name="第2志愿上移").click()
    _shot(phone, tmp_path, "04-editor")
    phone.get_by_role("button", name="提交志愿").first.click()
    expect(phone.get_by_role("heading", name="请核对您的志愿")).to_be_visible()
    phone.get_by_role("button", name="确认提交").click()
    expect(phone.get_by_text("志愿已提交")).to_be_visible()
    candidate = db.session.scalar(select(Candidate))
    from admissions.services.students import preferences

    counted = preferences.counted_list(candidate, round_.batch_id, 1)
    assert [i.plan_line_id for i in counted.items] == [lines[1].id, lines[0].id]
    # the round is allocated and published: admitted to the first choice
    dispatch(create_run(exam, exam.batches[0]), candidate, lines[1])
    db.session.commit()
    phone.goto(f"{live_server}/student/results")
    expect(phone.get_by_text("已录取")).to_be_visible()
    _shot(phone, tmp_path, "05-result")
    href = phone.get_by_role("link", name="下载录取通知书（PDF）").get_attribute("href")
    letter = phone.request.get(f"{live_server}{href}")
    assert letter.status == 200 and letter.body().startswith(b"%PDF")
    if os.environ.get("SCREENSHOT_DIR"):
        (Path(os.environ["SCREENSHOT_DIR"]) / "06-letter.pdf").write_bytes(letter.body())
