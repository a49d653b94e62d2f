"""Errors a caller can provoke answer 400/404/405, never 500: JSON under the API (405 with its
Allow header), integers no column can hold in addresses and query strings, the last date."""

from __future__ import annotations

import pytest

from admissions.models import Role
from tests.api_helpers import token_for
from tests.board_factories import create_board_account, create_board_exam
from tests.factories import create_account, login
from tests.university_factories import review_scenario

HUGE = "99999999999999999999"


def test_an_unknown_api_address_is_a_json_404(client, db):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.is_json
    assert response.get_json() == {"error": "您访问的页面不存在，或您无权查看。", "details": []}


def test_a_wrong_method_on_the_api_is_a_json_405_with_allow(client, db):
    scene = review_scenario(db)
    token = token_for(db, scene)
    response = client.put("/api/v1/decisions", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 405 and response.is_json
    assert response.headers["Allow"] == "OPTIONS, POST"
    assert response.get_json()["error"] == "此页面不接受这种请求方式。"


def test_a_wrong_method_on_a_page_is_the_405_page_with_allow(client, db):
    response = client.put("/login")
    assert response.status_code == 405 and "请求方式不允许" in response.get_data(as_text=True)
    assert "POST" in response.headers["Allow"] and "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    "path", [f"/board/exams/{HUGE}", f"/board/jobs/{HUGE}", f"/board/exams/{HUGE}/rounds/BK/1"]
)
def test_an_integer_too_big_in_an_address_is_404(client, db, path):
    board = create_board_account()
    db.session.commit()
    login(client, board.username)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("name", ["round", "batch", "exam"])
def test_an_integer_too_big_in_a_query_string_is_400(client, db, name):
    staff = create_account(Role.UNIVERSITY)
    db.session.commit()
    login(client, staff.username)
    response = client.get(f"/university/exports/admissions?{name}={HUGE}")
    assert response.status_code == 400 and "请求无效" in response.get_data(as_text=True)
    assert client.get(f"/university/exports/admissions?{name}=-1").status_code == 400


@pytest.mark.parametrize("query", ["until=9999-12-31", "since=0001-01-01", "since=9999-12-31"])
def test_the_audit_log_takes_the_first_and_last_dates(client, db, query):
    exam = create_board_exam()
    board = create_board_account()
    db.session.commit()
    login(client, board.username)
    for suffix in ("audit", "audit.csv"):
        response = client.get(f"/board/exams/{exam.id}/{suffix}?{query}")
        assert response.status_code == 200, (suffix, query)


def test_an_overflow_anywhere_is_a_400_not_a_500(database_uri):
    from admissions import create_app
    from tests.conftest import app_config

    app = create_app(app_config(database_uri))

    @app.get("/overflow-probe")
    def probe():  # a bound integer the database cannot take
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    response = app.test_client().get("/overflow-probe")
    assert response.status_code == 400 and "数字超出范围" in response.get_data(as_text=True)
    api = app.test_client().get("/api/v1/plan-lines?round=" + HUGE)
    assert api.status_code == 401 and api.is_json  # no token: refused before any query
