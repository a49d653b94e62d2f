"""``flask doctor``: passes on a sound deployment, and fails, in words, on each thing it checks."""

import sqlite3
import uuid

import pytest

from tests.redis_helpers import redis_or_skip

DOWN = "redis://127.0.0.1:1/0"


@pytest.fixture
def sound(app, db, monkeypatch):
    """The session app configured as a sound deployment (Redis limits, an RQ worker alive)."""
    redis_url = redis_or_skip()
    on_postgresql = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    queue_name = f"doctor-{uuid.uuid4().hex[:8]}"
    for key, value in {
        "SECRET_KEY": "k" * 64, "SECRET_KEY_SOURCE": "environment", "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_SECURE": True, "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_ENABLED": True, "JOBS_BACKEND": "rq", "REDIS_URL": redis_url,
        "JOBS_QUEUE": queue_name, "DOCTOR_MIN_FREE_MB": 1,
        "ADMISSIONS_ENV": "production" if on_postgresql else "development",
    }.items():  # fmt: skip
        monkeypatch.setitem(app.config, key, value)
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(redis_url)
    worker = Worker([Queue(queue_name, connection=connection)], connection=connection)
    worker.register_birth()
    worker.heartbeat()
    yield app.config
    worker.register_death()


def doctor(app) -> tuple[int, str, set[str]]:
    """Exit code, output, and the names of the checks that found a problem."""
    result = app.test_cli_runner().invoke(args=["doctor"])
    problems = {
        line.split("：", 1)[0].removeprefix("[问题] ")
        for line in result.output.splitlines()
        if line.startswith("[问题]")
    }
    return result.exit_code, result.output, problems


def test_a_sound_deployment_passes(app, sound):
    code, output, problems = doctor(app)
    assert (code, problems) == (0, set()), output
    assert "全部检查通过" in output
    assert "1 个任务进程" in output


def test_database_unreachable_is_a_problem_not_a_traceback(app, sound, monkeypatch):
    monkeypatch.setitem(
        app.config, "SQLALCHEMY_DATABASE_URI", "postgresql+psycopg://u:pw@127.0.0.1:1/none"
    )
    code, output, problems = doctor(app)
    assert (code, problems) == (1, {"数据库"})
    assert "无法连接数据库 postgresql+psycopg://u:***@127.0.0.1:1/none" in output
    assert "Traceback" not in output


def test_database_not_migrated(app, sound, monkeypatch, tmp_path):
    sqlite3.connect(tmp_path / "x.db").close()  # an empty database
    monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setitem(app.config, "ADMISSIONS_ENV", "development")
    code, output, problems = doctor(app)
    assert (code, problems) == (1, {"数据库结构"})
    assert "flask --app wsgi db upgrade" in output


def test_missing_database_file_is_not_created(app, sound, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'none.db'}")
    monkeypatch.setitem(app.config, "ADMISSIONS_ENV", "development")
    code, output, problems = doctor(app)
    assert (code, problems) == (1, {"数据库"})
    assert "不存在" in output and not (tmp_path / "none.db").exists()


def test_embedded_sqlite_in_production(app, sound, monkeypatch):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the suite runs on PostgreSQL here")
    monkeypatch.setitem(app.config, "ADMISSIONS_ENV", "production")
    code, output, problems = doctor(app)
    assert (code, problems) == (1, {"数据库类型"})
    assert "DATABASE_URL" in output


def test_redis_down(app, sound, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", DOWN)
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", DOWN)
    code, output, problems = doctor(app)
    assert code == 1
    assert problems == {"Redis（后台任务）", "Redis（登录限流）", "后台任务进程"}
    assert "无法连接 Redis redis://127.0.0.1:1/0" in output


def test_secret_key_from_the_development_file(app, sound, monkeypatch):
    monkeypatch.setitem(app.config, "SECRET_KEY_SOURCE", "instance file")
    code, output, problems = doctor(app)
    assert (code, problems) == (1, {"SECRET_KEY"})
    assert "同一个 SECRET_KEY" in output


def test_secret_key_too_short(app, sound, monkeypatch):
    monkeypatch.setitem(app.config, "SECRET_KEY", "short")
    code, output, problems = doctor(app)
    assert (code, problems) == (1, {"SECRET_KEY"})
    assert "只有 5 个字符" in output


def test_cookies_not_secure(app, sound, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", False)
    code, output, problems = doctor(app)
    assert (code, problems) == (1, {"安全 Cookie"})
    assert "SESSION_COOKIE_SECURE 已关闭" in output


def test_rate_limits_in_process_memory(app, sound, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", "memory://")
    code, output, problems = doctor(app)
    assert (code, problems) == (1, {"登录限流"})
    assert "memory://" in output


def test_rate_limits_disabled(app, sound, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    code, _, problems = doctor(app)
    assert (code, problems) == (1, {"登录限流"})


def test_no_live_worker(app, sound, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_QUEUE", f"nobody-{uuid.uuid4().hex[:8]}")
    code, output, problems = doctor(app)
    assert (code, problems) == (1, {"后台任务进程"})
    assert "jobs worker" in output


def test_thread_jobs_in_production_but_not_in_development(app, sound, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_BACKEND", "thread")
    monkeypatch.setitem(app.config, "ADMISSIONS_ENV", "production")
    code, output, problems = doctor(app)
    assert (code, problems - {"数据库类型"}) == (1, {"后台任务进程"})
    assert "JOBS_BACKEND=thread" in output
    monkeypatch.setitem(app.config, "ADMISSIONS_ENV", "development")
    assert doctor(app)[0] == 0


def test_no_font_for_pdfs(app, sound, monkeypatch, tmp_path):
    monkeypatch.setenv("ADMISSIONS_PDF_FONT", str(tmp_path / "missing.ttf"))
    code, output, problems = doctor(app)
    assert (code, problems) == (1, {"PDF 字体"})
    assert "fonts-wqy-zenhei" in output


def test_too_little_free_space(app, sound, monkeypatch):
    monkeypatch.setitem(app.config, "DOCTOR_MIN_FREE_MB", 10**12)
    code, output, problems = doctor(app)
    assert code == 1
    assert "存储空间（临时目录）" in problems
    assert "请清理或扩容" in output


def test_no_place_for_the_engines_compiled_code(app, sound, monkeypatch):
    # What scoring/compiled.py records when numba finds no folder it can write
    # (tests/scoring/test_compiled_cache.py makes that happen for real).
    from scoring import compiled

    monkeypatch.setattr(compiled, "UNCACHED", ["scoring.allocation.kernel._sift_up"])
    code, output, problems = doctor(app)
    assert (code, problems) == (1, {"分配引擎编译缓存"})
    assert "NUMBA_CACHE_DIR" in output


def test_numba_cache_dir_that_cannot_be_written(app, sound, monkeypatch, tmp_path):
    # A plain file where the folder should be: numba falls back elsewhere, doctor names the setting.
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "file" / "numba"))
    code, output, problems = doctor(app)
    assert (code, problems) == (1, {"分配引擎编译缓存"})
    assert f"NUMBA_CACHE_DIR={tmp_path / 'file' / 'numba'} 不可写" in output

    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba"))
    code, output, problems = doctor(app)
    assert (code, problems) == (0, set()), output
    assert (tmp_path / "numba").is_dir()
