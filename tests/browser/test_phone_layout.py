"""At 375 px, on demo data after a real round: no page scrolls sideways; wide tables scroll inside
their own box; the 一分一段 chart fits the screen; every page has a plain-text title and the icon."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from admissions.config import REPO_ROOT
from admissions.models import Account, Exam, Role
from admissions.services.demo import DEMO_PASSWORDS, load_demo
from admissions.services.rounds.run import run_allocation
from admissions.services.scores.compute import compute_scores
from admissions.services.scores.publish import publish_scores

pytestmark = pytest.mark.browser
RULES = (REPO_ROOT / "presets" / "shandong.toml").read_text(encoding="utf-8")


@pytest.fixture
def season(db):
    """The demo exam with scores published and round 1 of 本科批 run (its window closed)."""
    demo = load_demo(RULES, candidates=300, seed=11)
    exam = db.session.scalar(select(Exam).where(Exam.code == demo.exam_code))
    compute_scores(exam)
    publish_scores(exam)
    for round_ in exam.batches[0].round_rows:
        round_.prefs_close_at = datetime.now(UTC) - timedelta(hours=1)
        round_.decisions_deadline = datetime.now(UTC) + timedelta(days=3)
    outcome = run_allocation(exam, exam.batches[0], 1)
    db.session.commit()
    return demo, exam, outcome


def _login(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名 / 考生号 / 身份证号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def _fits(page, path: str) -> None:
    """The page is no wider than the phone; tables wider than it scroll in their own box."""
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    title = page.title()
    assert title and "<" not in title, path
    boxes = page.locator(".table-wrap").evaluate_all(
        "els => els.map(e => [e.scrollWidth, e.clientWidth, getComputedStyle(e).overflowX])"
    )
    assert all(client <= 375 and overflow == "auto" for _, client, overflow in boxes), path


def test_board_pages_fit_a_phone(live_server, phone, db, season):
    demo, exam, outcome = season
    assert outcome.run_id is not None
    _login(phone, live_server, "board-sd", DEMO_PASSWORDS[Role.BOARD])
    base = f"{live_server}/board/exams/{exam.id}"
    for path in ("", "/scores", "/lines?total=400", "/rounds/BK/1", "/setup/rounds", "/setup",
                 "/rules", "/audit", "/activation-codes"):  # fmt: skip
        _fits(phone, base + path)
    phone.goto(base + "/rounds/BK/1")
    cutoffs = phone.locator("#result .table-wrap").first
    assert cutoffs.evaluate("e => e.scrollWidth > e.clientWidth")  # wide: it scrolls in its box
    phone.goto(base + "/scores")
    chart = phone.locator("svg.chart").bounding_box()
    assert chart is not None and chart["width"] <= 375 - 2 * 12
    assert phone.locator("svg.chart").get_attribute("viewBox") == "0 0 360 160"


def test_university_and_student_pages_fit_a_phone(live_server, phone, browser, db, season):
    demo, exam, outcome = season
    university = db.session.scalar(select(Account).where(Account.role == Role.UNIVERSITY))
    _login(phone, live_server, university.username, DEMO_PASSWORDS[Role.UNIVERSITY])
    _fits(phone, f"{live_server}/university/")
    _fits(phone, f"{live_server}/university/runs/{outcome.run_id}")
    _fits(phone, f"{live_server}/university/exports")
    student = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN").new_page()
    _login(student, live_server, demo.logins[-1][1], DEMO_PASSWORDS[Role.STUDENT])
    for path in ("/student/", "/student/scores", "/student/scores?full=1", "/student/preferences",
                 "/student/results"):  # fmt: skip
        _fits(student, live_server + path)
    student.context.close()


def test_admin_and_public_pages_fit_a_phone(live_server, phone, db, season):
    for code in ("SD2026CK", "SD2025CK"):
        for page in ("plans", "plans?page=2", "cutoffs", "ranktable", "rules"):
            _fits(phone, f"{live_server}/exams/{code}/{page}")
    for path in ("/", "/login", "/verify", "/register", "/activate", "/favicon.ico"):
        response = phone.goto(live_server + path)
        assert response is not None and response.status == 200, path
        if path != "/favicon.ico":
            assert phone.evaluate("document.documentElement.scrollWidth") <= 375, path
    _login(phone, live_server, "admin", DEMO_PASSWORDS[Role.ADMIN])
    for path in ("/admin/", "/admin/style", "/admin/accounts", "/admin/exams"):
        _fits(phone, live_server + path)
