"""A clerk sets the registration window (a mistake first), then a round's preference window, and
opens it; times are typed and read in Beijing time."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from admissions.models import Role
from admissions.models.base import utcnow
from admissions.services.rounds import windows as round_windows
from tests.factories import PASSWORD, create_account
from tests.rounds_factories import create_rounds_exam

pytestmark = pytest.mark.browser


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _login(page, live_server, username):
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名 / 考生号 / 身份证号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server}/board/")


def test_registration_window_then_round_window(live_server, desktop, db):
    exam = create_rounds_exam("BR2026")
    exam.scores_published_at = utcnow()
    board = create_account(Role.BOARD, province_id=exam.province_id)
    db.session.commit()
    page = desktop
    _login(page, live_server, board.username)
    page.goto(f"{live_server}/board/exams/{exam.id}")
    page.get_by_role("main").get_by_role("link", name="考试设置").click()
    page.get_by_label("报名开始时间（北京时间）").fill("2026-03-20T09:00")
    page.get_by_label("报名截止时间（北京时间）").fill("2026-03-01T09:00")
    page.get_by_role("button", name="保存报名时间").click()
    expect(page.get_by_text("报名截止时间必须晚于报名开始时间")).to_be_visible()
    page.get_by_label("报名截止时间（北京时间）").fill("2026-03-30T17:00")
    page.get_by_role("button", name="保存报名时间").click()
    expect(page.get_by_text("报名时间已保存。")).to_be_visible()
    expect(page.get_by_text("2026-03-30 17:00（北京时间）")).to_be_visible()

    page.get_by_role("link", name="轮次与时间").click()
    round_one = page.locator("#round-BK-1")
    round_one.get_by_label("志愿填报开始（北京时间）").fill("2030-07-01T09:00")
    round_one.get_by_label("志愿填报截止（北京时间）").fill("2030-07-03T18:00")
    round_one.get_by_role("button", name="保存时间").click()
    expect(page.get_by_text("第 1 轮的时间已保存。")).to_be_visible()
    expect(page.locator("#round-BK-1 .round-state")).to_have_text("未开始")
    db.session.expire_all()
    stored = round_windows.get_round(exam, "BK", 1)
    assert stored.prefs_open_at == datetime(2030, 7, 1, 1, 0, tzinfo=UTC)

    page.locator("#round-BK-1").get_by_role("button", name="立即开放志愿填报").click()
    expect(page.get_by_text("名考生将可以填报和修改本科批第 1 轮志愿")).to_be_visible()
    page.get_by_role("button", name="确认开放志愿填报").click()
    expect(page.get_by_text("第 1 轮志愿填报已开放。")).to_be_visible()
    expect(page.locator("#round-BK-1 .round-state")).to_have_text("填报中")
