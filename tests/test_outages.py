"""The database or Redis unreachable: the branded error page (also for a signed-in user), a JSON
503 from the API, /readyz failing while /healthz stays up, and one line with a non-zero exit
from every command."""

from __future__ import annotations

import socket

import pytest

from admissions import create_app
from tests.board_factories import plans_file
from tests.conftest import app_config
from tests.rounds_factories import RULES

BRAND = "职教高考招生录取平台"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def down_app():
    """The app over a PostgreSQL address where nothing listens, and a Redis likewise."""
    port = _closed_port()
    return create_app(app_config(f"postgresql+psycopg://postgres@127.0.0.1:{port}/gone") | {
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
    })  # fmt: skip


def test_a_signed_in_page_renders_the_branded_503_page(down_app):
    client = down_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:" + "a" * 43  # an account id and its login session's token
        session["_fresh"] = True
    response = client.get("/board/")
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and BRAND in html and "服务暂时不可用" in html
    assert "Internal Server Error" not in html and "退出" not in html
    assert response.headers["Retry-After"] == "30"


def test_a_public_page_renders_the_branded_503_page(down_app):
    response = down_app.test_client().get("/register")
    assert response.status_code == 503 and BRAND in response.get_data(as_text=True)


def test_the_api_answers_a_json_503(down_app):
    response = down_app.test_client().get(
        "/api/v1/plan-lines", headers={"Authorization": "Bearer zk_" + "a" * 40}
    )
    assert response.status_code == 503 and response.is_json
    assert "暂时无法连接数据库" in response.get_json()["error"]


def test_readyz_fails_while_healthz_stays_up(down_app, monkeypatch):
    client = down_app.test_client()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["status"] == "unavailable"
    assert "OperationalError" in ready.get_json()["checks"]["database"]
    monkeypatch.setitem(down_app.config, "JOBS_BACKEND", "rq")
    checks = client.get("/readyz").get_json()["checks"]
    assert "ConnectionError" in checks["redis"]


def test_readyz_is_ok_when_the_database_answers(client):
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json() == {
        "status": "ok", "checks": {"database": "ok"},
    }  # fmt: skip


COMMANDS = [
    ["account", "create-admin", "root"],
    ["account", "create", "someone", "--role", "admin"],
    ["demo", "load"],
    ["letters", "backfill-codes"],
    ["exam", "load", "{rules}"],
    ["exam", "export", "T2026", "--output", "{out}"],
    ["exam", "status", "T2026"],
    ["scores", "compute", "T2026"],
    ["scores", "publish", "T2026"],
    ["export", "admissions", "T2026", "--output", "{out}"],
    ["export", "cutoffs", "T2026", "--output", "{out}"],
    ["export", "ranktable", "T2026", "--output", "{out}"],
    ["import", "plans", "T2026", "{plans}"],
    ["jobs", "worker", "--burst"],
    ["allocate", "T2026", "BK"],
    ["round", "close", "T2026", "BK"],
    ["round", "publish", "T2026", "BK", "--round", "1"],
    ["round", "window-close", "T2026", "BK", "--round", "1"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_every_command_prints_one_line_when_the_database_is_down(down_app, tmp_path, command):
    rules, plans = tmp_path / "rules.toml", tmp_path / "plans.csv"
    rules.write_text(RULES.format(code="T2026", province="370000"), encoding="utf-8")
    plans.write_bytes(plans_file())
    args = [a.format(rules=rules, plans=plans, out=tmp_path / "out.csv") for a in command]
    with down_app.app_context():
        result = down_app.test_cli_runner().invoke(args=args, input="long-password-1\n" * 2)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code not in (0, None) and "Traceback" not in result.output, result.output
    assert "无法连接" in lines[-1], result.output
    assert len([ln for ln in lines if "无法连接" in ln or "Error" in ln]) == 1, result.output
