"""A student logs in on a 375-px-wide phone and reaches the home page, with the keyboard."""

import pytest
from playwright.sync_api import expect

from admissions.models import Role
from tests.factories import PASSWORD, create_account, create_candidate

pytestmark = pytest.mark.browser


def test_student_logs_in_on_a_phone(live_server, phone, db):
    candidate = create_candidate(name="王小明")
    create_account(Role.STUDENT, candidate_id=candidate.id)
    db.session.commit()
    phone.goto(f"{live_server}/login")
    phone.get_by_label("用户名 / 考生号 / 身份证号").fill(candidate.candidate_no)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_label("密码").press("Enter")
    phone.wait_for_url(f"{live_server}/student/")
    expect(phone.get_by_role("heading", name="考生首页")).to_be_visible()
    expect(phone.get_by_text("王小明")).to_be_visible()
    # Nothing wider than the screen: no horizontal scrolling on a phone.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375


def test_wrong_password_shows_the_message(live_server, phone, db):
    account = create_account(Role.ADMIN)
    db.session.commit()
    phone.goto(f"{live_server}/login")
    phone.get_by_label("用户名 / 考生号 / 身份证号").fill(account.username)
    phone.get_by_label("密码").fill("not-the-password")
    phone.get_by_role("button", name="登录").click()
    assert phone.get_by_role("alert").inner_text() == "用户名或密码错误，请重试。"


def test_logout_from_the_header(live_server, phone, db):
    account = create_account(Role.ADMIN)
    db.session.commit()
    phone.goto(f"{live_server}/login")
    phone.get_by_label("用户名 / 考生号 / 身份证号").fill(account.username)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(f"{live_server}/admin/")
    phone.get_by_role("button", name="退出登录").click()
    phone.wait_for_url(f"{live_server}/login")
    expect(phone.get_by_text("您已退出登录。")).to_be_visible()


def test_login_form_is_reachable_by_keyboard(live_server, phone, db):
    phone.goto(f"{live_server}/login")
    focused = []
    for _ in range(11):
        phone.keyboard.press("Tab")
        focused.append(
            phone.evaluate("document.activeElement.name || document.activeElement.innerText")
        )
    # the skip link first, then the header's links, the breadcrumb, and the form in order
    assert focused == [
        "跳到主要内容", "职教高考招生录取平台", "首页", "考生报名", "激活账号", "录取通知书查验",
        "登录", "首页",
        "username", "password", "remember",
    ]  # fmt: skip
