"""Confirmation pages of mass actions on a phone: each says what will happen with counts, fits
375 px, passes axe-core, and leads back or on; only the confirming button acts. These pages
answer a POST, so the route walk (GET pages) does not reach them."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from admissions.config import REPO_ROOT
from admissions.models import Exam, Role
from admissions.services.demo import DEMO_PASSWORDS, load_demo
from admissions.services.scores.compute import compute_scores
from admissions.services.scores.publish import publish_scores
from tests.browser.test_route_walk import AXE, AXE_RUN

pytestmark = pytest.mark.browser
RULES = (REPO_ROOT / "presets" / "shandong.toml").read_text(encoding="utf-8")


@pytest.fixture
def demo(db):
    result = load_demo(RULES, candidates=120, seed=5)
    db.session.commit()
    return result


def _fits_and_passes_axe(page) -> None:
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert re.match(r"^确认：", page.title())
    page.evaluate(AXE)
    assert page.evaluate(AXE_RUN) == []


def test_confirmation_pages_on_a_phone(live_server, phone, db, demo):
    page = phone
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名 / 考生号 / 身份证号").fill("board-sd")
    page.get_by_label("密码").fill(DEMO_PASSWORDS[Role.BOARD])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server}/board/")
    page.get_by_role("link", name=demo.exam_code).click()
    page.wait_for_url(re.compile(r".*/board/exams/\d+$"))
    exam_url = page.url

    page.get_by_role("main").get_by_role("link", name="成绩与一分一段").click()
    page.get_by_role("button", name="计算成绩").click()
    expect(page.get_by_text("按当前规则计算 120 名有成绩考生的总成绩、资格与位次")).to_be_visible()
    _fits_and_passes_axe(page)
    page.get_by_role("link", name="返回，不做更改").click()  # the way back changes nothing
    expect(page.get_by_role("button", name="计算成绩")).to_be_visible()

    exam = db.session.scalar(select(Exam).where(Exam.code == demo.exam_code))
    compute_scores(exam)
    publish_scores(exam)  # a window can be reopened once scores are out
    db.session.commit()
    page.goto(exam_url + "/setup/rounds")
    first = page.locator("#round-BK-1")
    expect(first.locator(".round-state")).to_have_text("填报中")
    first.get_by_role("button", name="立即截止志愿填报").click()
    expect(page.get_by_role("heading", name="立即截止志愿填报：本科批 第 1 轮")).to_be_visible()
    expect(page.get_by_text("120 名考生将无法再修改本科批第 1 轮志愿")).to_be_visible()
    _fits_and_passes_axe(page)
    page.get_by_role("button", name="确认截止志愿填报").click()
    expect(page.get_by_text("第 1 轮志愿填报已截止。")).to_be_visible()
    expect(page.locator("#round-BK-1 .round-state")).to_have_text("已截止")

    page.locator("#round-BK-1").get_by_role("button", name="重新开放志愿填报").click()
    expect(page.get_by_text("120 名考生将可以重新填报和修改本科批第 1 轮志愿")).to_be_visible()
    _fits_and_passes_axe(page)
    page.get_by_role("link", name="返回，不做更改").click()

    page.locator("#round-BK-1").get_by_role("link", name="打开本轮页面").click()
    page.get_by_role("button", name="正式投档").click()
    expect(page.get_by_role("heading", name="正式投档：本科批 第 1 轮")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"按 \d+ 名考生已提交的志愿，向 \d+ 条计划"))
    ).to_be_visible()
    _fits_and_passes_axe(page)
