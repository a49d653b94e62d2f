"""Production configuration: a shared SECRET_KEY, Redis by default, start-up without the
database or Redis, and the reverse-proxy headers trusted only when told how many proxies."""

import pytest
from flask import request

from admissions import create_app
from admissions.config import ConfigurationError

DOWN_DB = "postgresql://postgres@127.0.0.1:1/nowhere"
DOWN_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def production(monkeypatch, tmp_path):
    monkeypatch.setenv("ADMISSIONS_ENV", "production")
    for name in ("SECRET_KEY", "REDIS_URL", "JOBS_BACKEND", "RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", DOWN_DB)
    return monkeypatch


def test_production_refuses_to_start_without_secret_key(production):
    production.setenv("REDIS_URL", DOWN_REDIS)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app()


def test_production_needs_redis_url_for_jobs_and_rate_limits(production):
    production.setenv("SECRET_KEY", "s" * 64)
    with pytest.raises(ConfigurationError, match="REDIS_URL"):
        create_app()


def test_production_without_redis_when_both_are_set_otherwise(production):
    production.setenv("SECRET_KEY", "s" * 64)
    production.setenv("JOBS_BACKEND", "thread")
    production.setenv("RATELIMIT_STORAGE_URI", "memory://")
    app = create_app()
    assert app.config["JOBS_BACKEND"] == "thread"


def test_production_defaults_to_redis_and_the_secret_from_the_environment(production):
    production.setenv("SECRET_KEY", "s" * 64)
    production.setenv("REDIS_URL", DOWN_REDIS)
    app = create_app()
    assert app.config["ADMISSIONS_ENV"] == "production"
    assert app.config["SECRET_KEY"] == "s" * 64
    assert app.config["SECRET_KEY_SOURCE"] == "environment"
    assert app.config["JOBS_BACKEND"] == "rq"
    assert app.config["RATELIMIT_STORAGE_URI"] == DOWN_REDIS
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_starts_with_database_and_redis_down(production):
    production.setenv("SECRET_KEY", "s" * 64)
    production.setenv("REDIS_URL", DOWN_REDIS)
    app = create_app({"SESSION_COOKIE_SECURE": False})
    response = app.test_client().get("/login")
    assert response.status_code == 200


def test_development_keeps_memory_limits_and_thread_jobs(monkeypatch):
    for name in ("ADMISSIONS_ENV", "REDIS_URL", "JOBS_BACKEND", "RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", DOWN_DB)
    app = create_app()
    assert app.config["JOBS_BACKEND"] == "thread"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def _address_app(monkeypatch, proxies: str | None):
    monkeypatch.setenv("DATABASE_URL", DOWN_DB)
    if proxies is None:
        monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    else:
        monkeypatch.setenv("TRUSTED_PROXIES", proxies)
    app = create_app()

    @app.get("/test-address")
    def address():
        return f"{request.remote_addr} {request.scheme} {request.host}"

    return app.test_client()


FORWARDED = {
    "X-Forwarded-For": "198.51.100.7, 203.0.113.9",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "gaokao.example.cn",
}


def test_forwarded_headers_ignored_without_trusted_proxies(monkeypatch):
    client = _address_app(monkeypatch, None)
    body = client.get("/test-address", headers=FORWARDED).get_data(as_text=True)
    assert body == "127.0.0.1 http localhost"


def test_one_trusted_proxy_gives_the_address_it_saw(monkeypatch):
    client = _address_app(monkeypatch, "1")
    body = client.get("/test-address", headers=FORWARDED).get_data(as_text=True)
    assert body == "203.0.113.9 https gaokao.example.cn"


def test_two_trusted_proxies_give_the_client_before_them(monkeypatch):
    client = _address_app(monkeypatch, "2")
    body = client.get("/test-address", headers=FORWARDED).get_data(as_text=True)
    assert body.startswith("198.51.100.7 ")


def test_flask_and_gunicorn_get_one_line_and_stop_on_a_configuration_error(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "ADMISSIONS_ENV": "production", "SECRET_KEY": "", "DATABASE_URL": DOWN_DB}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "doctor"]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 4  # gunicorn stops ("App failed to load") rather than retrying
    assert "配置错误" in done.stderr and "SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr
