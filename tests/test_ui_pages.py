"""Pages built from the components: titles, breadcrumbs, the round's true state, names before
codes, Beijing time and Chinese words on the admin's activity list, rules in words."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from admissions.models import Role, RoundStatus
from admissions.services import audit
from admissions.services.rounds import windows as round_windows
from tests.factories import create_account, create_candidate, create_exam, login
from tests.setup_helpers import setup_exam_with_board, text
from tests.university_factories import review_scenario

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_every_page_template_gives_a_plain_title_and_no_title_block():
    missing = []
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        page = '{% extends "base.html" %}' in source
        if page and ("{% set page_title" not in source or "{% block title %}" in source):
            missing.append(str(path.relative_to(TEMPLATES)))
    assert missing == []


def test_every_page_below_home_has_breadcrumbs():
    homes = {"public/index.html", "board/home.html", "university/home.html", "admin/home.html",
             "student/home.html", "errors/error.html"}  # fmt: skip
    missing = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if '{% extends "base.html" %}' in (source := path.read_text(encoding="utf-8"))
        and str(path.relative_to(TEMPLATES)) not in homes
        and "{% set crumbs" not in source
    ]
    assert missing == []


def test_the_round_page_says_the_window_closed_not_that_it_has_not_started(client, db):
    exam, _ = setup_exam_with_board(client)
    round_ = round_windows.get_round(exam, "BK", 1)
    now = datetime.now(UTC)
    round_.prefs_open_at, round_.prefs_close_at = now - timedelta(days=2), now - timedelta(days=1)
    round_.status = RoundStatus.PLANNED  # as a window set by times, never opened by hand
    db.session.commit()
    html = text(client.get(f"/board/exams/{exam.id}/rounds/BK/1"))
    state = re.search(r"<dt>轮次状态</dt><dd>(.*?)</dd>", html).group(1)
    assert "已截止" in state and "未开始" not in state
    assert '<nav class="breadcrumbs"' in html and "轮次与时间" in html
    assert 'class="button"' in html and 'class="button button-secondary"' in html


def test_names_come_before_codes_on_the_pages(client, db):
    scene = review_scenario(db)
    login(client, scene["staff"].username)
    home = text(client.get("/university/"))
    assert "软件技术（P01）" in home and "信息技术类（IT）" in home
    institution = scene["line"].institution
    assert f"{institution.name}（{institution.code}）" in home


def test_the_admin_activity_list_is_in_beijing_time_and_chinese(client, db):
    admin = create_account(Role.ADMIN)
    exam = create_exam()
    event = audit.record(admin, "round.window_close", exam, exam_id=exam.id)
    event.at = datetime(2026, 6, 30, 17, 5, 9, tzinfo=UTC)
    db.session.commit()
    login(client, admin.username)
    html = text(client.get("/admin/"))
    assert "2026-07-01 01:05:09" in html and "时间（北京时间）" in html and "UTC" not in html
    assert "<td>关闭志愿填报</td>" in html and f"<td>考试 {exam.name}</td>" in html
    assert "round.window_close" not in html


def test_a_candidate_search_names_the_category(client, db):
    exam = create_exam()
    create_candidate(exam, name="王小明", candidate_no="2600000000001")
    board = create_account(Role.BOARD, province_id=exam.province_id)
    db.session.commit()
    login(client, board.username)
    html = text(client.get(f"/board/exams/{exam.id}/candidates?q=王小明"))
    assert "<td>信息技术类（IT）</td>" in html
