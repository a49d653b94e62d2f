"""Account security pages on a phone: the forced change of a temporary password, 退出所有设备,
and the board voiding a registration."""

import pytest
from playwright.sync_api import expect

from admissions.models import Role
from tests.factories import PASSWORD, create_account
from tests.student_factories import create_open_exam, create_student

pytestmark = pytest.mark.browser


def _sign_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名 / 考生号 / 身份证号").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()


def _fits(page) -> None:
    page.wait_for_load_state()  # a click may still be navigating: measure the page it lands on
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_clerk_with_a_temporary_password_must_choose_their_own(live_server, phone, db):
    clerk = create_account(Role.BOARD, password="given-by-admin-7", must_change_password=True)
    db.session.commit()
    _sign_in(phone, live_server, clerk.username, "given-by-admin-7")
    phone.wait_for_url(f"{live_server}/account/password")
    expect(phone.get_by_text("您正在使用管理员设置的临时密码", exact=False).first).to_be_visible()
    _fits(phone)
    phone.get_by_label("当前密码", exact=False).fill("given-by-admin-7")
    phone.get_by_label("新密码（至少8位）").fill("12345678")
    phone.get_by_label("再次输入新密码").fill("12345678")
    phone.get_by_role("button", name="修改密码").click()
    expect(phone.locator("#new-error")).to_contain_text("密码太容易被猜到")  # beside the field
    expect(phone.get_by_role("link", name="新密码（至少8位）：密码太容易被猜到")).to_be_visible()
    phone.get_by_label("当前密码", exact=False).fill("given-by-admin-7")
    phone.get_by_label("新密码（至少8位）").fill("lantern-river-42")
    phone.get_by_label("再次输入新密码").fill("lantern-river-42")
    phone.get_by_role("button", name="修改密码").click()
    phone.wait_for_url(f"{live_server}/board/")
    expect(phone.get_by_text("密码已修改", exact=False)).to_be_visible()


def test_a_student_signs_out_of_every_device(live_server, browser, phone, db):
    exam = create_open_exam()
    candidate = create_student(exam, name="王小明")
    db.session.commit()
    desktop = browser.new_context(locale="zh-CN").new_page()
    _sign_in(desktop, live_server, candidate.candidate_no)
    desktop.wait_for_url(f"{live_server}/student/")
    _sign_in(phone, live_server, candidate.candidate_no)
    phone.wait_for_url(f"{live_server}/student/")
    phone.get_by_role("link", name="修改密码").first.click()
    phone.wait_for_url(f"{live_server}/student/password")
    _fits(phone)
    phone.get_by_role("button", name="退出所有设备").click()
    phone.wait_for_url(f"{live_server}/login")
    expect(phone.get_by_text("已在所有设备上退出登录。")).to_be_visible()
    desktop.goto(f"{live_server}/student/")
    assert desktop.url.startswith(f"{live_server}/login")
    desktop.context.close()


def test_the_board_voids_a_registration_from_the_search(live_server, phone, db):
    exam = create_open_exam()
    candidate = create_student(exam, name="冒名者")
    board = create_account(Role.BOARD, province_id=exam.province_id)
    db.session.commit()
    _sign_in(phone, live_server, board.username)
    phone.wait_for_url(f"{live_server}/board/")
    phone.goto(f"{live_server}/board/exams/{exam.id}/candidates?q={candidate.candidate_no}")
    phone.get_by_role("link", name="作废报名").click()
    phone.wait_for_url(f"{live_server}/board/candidates/{candidate.id}/void")
    _fits(phone)
    phone.get_by_role("button", name="作废此报名").click()
    expect(phone.get_by_text("请填写作废原因", exact=False).first).to_be_visible()
    phone.get_by_label("作废原因").fill("经核验，该报名冒用他人身份证号")
    phone.get_by_role("button", name="作废此报名").click()
    expect(
        phone.get_by_text(f"考生号 {candidate.candidate_no} 的报名已作废", exact=False)
    ).to_be_visible()
