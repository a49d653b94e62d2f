"""deploy/: gunicorn's settings as gunicorn reads them, consistent with nginx and systemd, and
gunicorn started with them serving a page."""

import multiprocessing
import re
import runpy
import urllib.request
from types import ModuleType

import pytest
from gunicorn.config import Config

from tests.deploy.servers import (
    GUNICORN_CONF,
    REPO,
    app_environment,
    free_port,
    start_gunicorn,
    stop,
)

NGINX = REPO / "deploy" / "nginx" / "admissions.conf"
WEB_UNIT = REPO / "deploy" / "systemd" / "admissions-web.service"


def gunicorn_config() -> Config:
    """The file loaded and every name in it set through gunicorn's own validators."""
    namespace = runpy.run_path(str(GUNICORN_CONF))
    settings = {
        name: value for name, value in namespace.items()
        if not name.startswith("_") and not isinstance(value, ModuleType) and not callable(value)
    }  # fmt: skip
    config = Config()
    assert set(settings) - set(config.settings) == set(), "names gunicorn does not know"
    for name, value in settings.items():
        config.set(name, value)
    return config


def test_settings_as_gunicorn_reads_them(monkeypatch):
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    config = gunicorn_config()
    assert config.workers == min(2 * multiprocessing.cpu_count() + 1, 17)
    assert (config.worker_class_str, config.threads) == ("gthread", 4)
    assert config.address == [("127.0.0.1", 8000)]
    assert (config.timeout, config.graceful_timeout, config.keepalive) == (60, 30, 5)
    assert config.max_requests > 0 and config.max_requests_jitter > 0
    assert config.chdir == str(REPO) and config.wsgi_app == "wsgi:app"


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9100")
    config = gunicorn_config()
    assert config.workers == 3 and config.address == [("127.0.0.1", 9100)]


def test_nginx_and_systemd_agree_with_gunicorn_and_the_app(monkeypatch):
    monkeypatch.delenv("GUNICORN_TIMEOUT", raising=False)
    config = gunicorn_config()
    site = NGINX.read_text(encoding="utf-8")
    body = re.search(r"client_max_body_size (\d+)m;", site)
    assert body and int(body.group(1)) == 64  # the app's MAX_UPLOAD_MB default
    read = re.search(r"proxy_read_timeout (\d+)s;", site)
    assert read and int(read.group(1)) > config.timeout
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"proxy_set_header {header} " in site
    stop_after = re.search(r"TimeoutStopSec=(\d+)", WEB_UNIT.read_text(encoding="utf-8"))
    assert stop_after and int(stop_after.group(1)) > config.graceful_timeout


def test_gunicorn_with_the_config_serves_pages(app, db, database_uri, tmp_path):
    port = free_port()
    env = app_environment(database_uri, tmp_path / "instance")
    log = tmp_path / "gunicorn.log"
    process = start_gunicorn(env, port, tmp_path, log)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as response:
            assert response.status == 200 and "登录" in response.read().decode("utf-8")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/site.css", timeout=10) as css:
            assert css.status == 200
    finally:
        code = stop(process)
    assert code == 0, log.read_text()[-2000:]
    assert "gthread" in log.read_text()


@pytest.mark.parametrize("name", ["admissions-web.service", "admissions-worker.service"])
def test_units_start_the_right_commands(name):
    unit = (REPO / "deploy" / "systemd" / name).read_text(encoding="utf-8")
    assert "EnvironmentFile=/etc/admissions/admissions.env" in unit
    expected = (
        "gunicorn -c deploy/gunicorn.conf.py" if "web" in name else "flask --app wsgi jobs worker"
    )
    assert expected in unit and "KillSignal=SIGTERM" in unit


def test_worker_hook_freezes_the_loaded_app_and_raises_the_collector_thresholds():
    import gc

    hook = runpy.run_path(str(GUNICORN_CONF))["post_worker_init"]
    before = gc.get_threshold()
    gc.unfreeze()
    try:
        hook(None)
        assert gc.get_freeze_count() > 10_000  # this process's modules and objects
        assert gc.get_threshold() == (50_000, 20, 100)
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
