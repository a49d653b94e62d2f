"""A student on a phone sees a line reserved to other candidate types with a warning, and may
still list it (it is never dispatched to them)."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from admissions.models import Candidate, ExamStatus
from admissions.services.students import preferences
from tests.browser.test_student_journey import _register
from tests.factories import create_plan_line
from tests.student_factories import create_open_exam, create_round

pytestmark = pytest.mark.browser
WARNING = "该专业仅招收具有工作经历考生，你填报后不会被投档"


def test_a_reserved_line_is_shown_with_a_warning_and_can_be_listed(live_server, phone, db,
                                                                   tmp_path):  # fmt: skip
    exam = create_open_exam()
    reserved = create_plan_line(exam, program_name="智能制造（专项）", types="具有工作经历")
    open_line = create_plan_line(exam, program_name="软件技术")
    db.session.commit()
    _register(phone, live_server, tmp_path)  # registers as 应届中职毕业生
    exam.status = ExamStatus.PREFERENCES_OPEN
    round_ = create_round(exam.batches[0])
    db.session.commit()
    phone.goto(f"{live_server}/student/preferences")
    phone.get_by_role("link", name="填报志愿").click()
    expect(phone.get_by_text(WARNING)).to_have_count(1)
    phone.get_by_role("button", name="加入 智能制造（专项）").click()
    phone.get_by_role("button", name="加入 软件技术").click()
    expect(phone.get_by_text("草稿已保存")).to_be_visible()
    phone.get_by_role("button", name="提交志愿").first.click()
    expect(phone.get_by_role("heading", name="请核对您的志愿")).to_be_visible()
    expect(phone.get_by_text(WARNING)).to_be_visible()
    phone.get_by_role("button", name="确认提交").click()
    expect(phone.get_by_text("志愿已提交")).to_be_visible()
    candidate = db.session.scalar(select(Candidate))
    counted = preferences.counted_list(candidate, round_.batch_id, 1)
    assert [i.plan_line_id for i in counted.items] == [reserved.id, open_line.id]
