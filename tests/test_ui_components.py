"""The design system: favicon, plain-text titles, the components page, strict CSP-friendly
templates, the navigation and breadcrumbs of each role, and the macros' markup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import render_template_string

from admissions.models import Role
from admissions.security import CONTENT_SECURITY_POLICY
from tests.factories import create_account, create_exam, login

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _logged_in(client, role: Role, **fields):
    account = create_account(role, **fields)
    login(client, account.username)
    return account


def test_favicon_is_served_and_linked_from_every_page(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    for path in ("/", "/login", "/verify", "/no-such-page"):
        assert '<link rel="icon" href="/favicon.ico"' in client.get(path).get_data(as_text=True)


def test_a_title_is_plain_text_whatever_a_template_puts_in_it(app, db):
    with app.test_request_context("/"):
        block = render_template_string(
            '{% extends "base.html" %}{% block title %}考试<p><a href="/x">日志</a></p>{% endblock %}'
        )
        variable = render_template_string(
            '{% extends "base.html" %}{% set page_title = "<b>控制线</b>" %}'
        )
    assert TITLE.search(block).group(1) == "考试日志 · 职教高考招生录取平台"
    assert TITLE.search(variable).group(1) == "&lt;b&gt;控制线&lt;/b&gt; · 职教高考招生录取平台"


def test_the_board_exam_page_title_holds_no_markup(client, db):
    exam = create_exam(name="山东省2026年春季高考")
    _logged_in(client, Role.BOARD, province_id=exam.province_id)
    title = TITLE.search(client.get(f"/board/exams/{exam.id}").get_data(as_text=True)).group(1)
    assert "<" not in title and "&lt;" not in title and title.startswith("山东省2026年春季高考")


def test_only_an_administrator_sees_the_components_page(client, db):
    assert client.get("/admin/style").status_code == 302  # to the login page
    for role in (Role.BOARD, Role.UNIVERSITY, Role.STUDENT):
        _logged_in(client, role)
        assert client.get("/admin/style").status_code == 403, role
        client.post("/logout", data={"csrf_token": _token(client)})
    _logged_in(client, Role.ADMIN)
    page = client.get("/admin/style")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for marker in ('class="button button-danger"', 'class="tag tag-green"', 'class="summary-card"',
                   'class="error-summary"', 'class="field-error"', 'class="table-wrap"',
                   'class="empty-state"', 'name="confirm" value="yes"', 'class="chart"',
                   'class="breadcrumbs"', 'class="pager"'):  # fmt: skip
        assert marker in html, marker


def _token(client) -> str:
    html = client.get("/admin/style").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', html
    )
    return found.group(1) if found else ""


def test_no_template_holds_inline_style_or_script():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (
            r"\sstyle=",
            r"<style",
            r"<script(?![^>]*\ssrc=)",
            r"\son[a-z]+=",
            r"javascript:",
        ):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {pattern}")
    assert offenders == []
    assert (
        "style-src 'self'" in CONTENT_SECURITY_POLICY
        and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    )


def test_one_stylesheet_and_no_outside_address(client):
    html = client.get("/login").get_data(as_text=True)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert sheets == ["/static/site.css"]
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_each_role_sees_its_navigation_with_the_current_section_marked(client, db):
    _logged_in(client, Role.ADMIN)
    html = client.get("/admin/institutions").get_data(as_text=True)
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    assert re.findall(r">([^<>]+)</a>", nav) == [
        "管理员首页",
        "省份",
        "考试",
        "院校",
        "账号",
        "界面组件",
    ]
    assert re.search(r'aria-current="page">院校<', nav)
    client.post("/logout", data={"csrf_token": _token(client)})
    anonymous = client.get("/verify").get_data(as_text=True)
    assert re.search(r'href="/verify" aria-current="page">录取通知书查验<', anonymous)


def test_breadcrumbs_start_at_the_home_of_the_section(app, db):
    exam = create_exam()
    source = (
        '{% extends "base.html" %}{% set crumbs = [(exam | named, "/e"), ("操作日志", none)] %}'
    )
    with app.test_request_context(f"/board/exams/{exam.id}/audit"):
        html = render_template_string(source, exam=exam)
    trail = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert re.findall(r">([^<>]+)</(?:a|span)>", trail) == [
        "考试院首页",
        f"{exam.name}（{exam.code}）",
        "操作日志",
    ]
    assert '<span aria-current="page">操作日志</span>' in trail
    with app.test_request_context("/verify"):
        public = render_template_string(
            '{% extends "base.html" %}{% set crumbs = [("查验", none)] %}'
        )
    assert '<li><a href="/">首页</a></li>' in public


def test_the_header_names_the_current_exam_with_its_sections(client, db):
    exam = create_exam(name="山东省2026年春季高考", code="SD2026CK")
    _logged_in(client, Role.BOARD, province_id=exam.province_id)
    html = client.get(f"/board/exams/{exam.id}/audit").get_data(as_text=True)
    assert "当前考试：" in html and "山东省2026年春季高考（SD2026CK）" in html
    assert re.search(r'aria-current="page">操作日志<', html)


@pytest.mark.parametrize(
    ("source", "markup"),
    [
        ('{{ button("保存", "secondary", name="action", value="draft") }}',
         '<button type="submit" class="button button-secondary" name="action" value="draft">保存</button>'),
        ('{{ link_button("下载", "/x", small=true) }}', '<a class="button button-small" href="/x">下载</a>'),
        ('{{ tag("已录取", "green") }}', '<strong class="tag tag-green">已录取</strong>'),
        ('{{ status("dispatch", "rejected") }}', '<strong class="tag tag-red">已退档</strong>'),
        ('{{ status("job", "exploded") }}', '<strong class="tag tag-grey">exploded</strong>'),
    ],
)  # fmt: skip
def test_buttons_and_tags(app, db, source, markup):
    with app.test_request_context("/"):
        html = render_template_string(
            '{% from "macros.html" import button, link_button, tag, status %}' + source
        )
    assert html.strip() == markup


def test_a_field_with_an_error_says_so_beside_it_and_in_the_summary(app, db):
    source = (
        '{% from "macros.html" import text_input, error_summary %}'
        '{{ error_summary([("score", "语文成绩应在 0 到 120 之间")]) }}'
        '{{ text_input("score", "语文成绩", "121", hint="满分 120", error="语文成绩应在 0 到 120 之间") }}'
    )
    with app.test_request_context("/"):
        html = render_template_string(source)
    assert '<a href="#score">语文成绩应在 0 到 120 之间</a>' in html
    assert '<label for="score">语文成绩</label>' in html
    assert '<span class="field-error" id="score-error">语文成绩应在 0 到 120 之间</span>' in html
    assert 'aria-describedby="score-hint score-error"' in html and 'aria-invalid="true"' in html


def test_a_wtforms_field_gets_its_label_error_and_summary_link(client, db):
    _logged_in(client, Role.ADMIN)
    html = client.get("/admin/style").get_data(as_text=True)
    assert '<a href="#name">考生姓名：请输入考生姓名</a>' in html
    assert re.search(
        r'<input[^>]*aria-describedby="name-hint name-error"[^>]*aria-invalid="true"', html
    )
    assert re.search(r'<fieldset class="field has-error" id="decision"', html)
    assert '<label for="decision-0">录取</label>' in html


def test_a_table_scrolls_in_its_own_focusable_box(app, db):
    with app.test_request_context("/"):
        html = render_template_string(
            '{% from "macros.html" import table %}{% call table("共 2 人") %}<tbody></tbody>{% endcall %}'
        )
    assert '<div class="table-wrap" role="region" tabindex="0" aria-label="共 2 人">' in html
    assert "<caption>共 2 人</caption>" in html


def test_the_chart_is_an_svg_that_scales(app, db):
    rows = [{"score": 500, "count": 3}, {"score": 499, "count": 6}]
    with app.test_request_context("/"):
        html = render_template_string(
            '{% from "macros.html" import score_chart %}{{ score_chart(rows, "人数", mine=500) }}',
            rows=rows,
        )
    assert 'viewBox="0 0 360 160"' in html and "width=" not in html.split("<rect")[0]
    assert html.count("<rect") == 2 and "bar-mine" in html and "<title>499 分：6 人</title>" in html
