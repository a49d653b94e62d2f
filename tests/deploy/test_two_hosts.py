"""Two hosts on loopback sharing one PostgreSQL database and one Redis, nothing else.

Host A runs gunicorn from deploy/gunicorn.conf.py; host B runs ``flask jobs worker``; each has
its own working directory and instance folder, in production mode. Through A's pages: a board
imports a large candidates file (the job runs on B), runs the real allocation (on B); a
university builds its bulk letters PDF (on B) and downloads it from A; a student logged in on A
is still logged in on a third process. No host writes its instance folder.

Needs PostgreSQL (DATABASE_URL) and Redis; skipped, saying which is missing, without them
(REQUIRE_TWO_HOSTS=1 turns the skip into a failure, as CI wants).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from admissions.idcard import make as make_national_id
from tests.deploy.servers import (
    REPO,
    app_environment,
    free_port,
    spawn,
    start_gunicorn,
    stop,
)
from tests.deploy.visitor import Visitor
from tests.redis_helpers import redis_url

LARGE_FILE_CANDIDATES = 20_000
DEMO_CANDIDATES = 3_000
BOARD = ("board-sd", "demo-board-2026")
UNIVERSITY = ("univ-10002", "demo-univ-2026")
STUDENT = ("26370000000001", "demo-student-2026")


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_TWO_HOSTS") == "1":
        pytest.fail(f"two-host test cannot run: {reason}")
    pytest.skip(reason)


def _postgresql_url() -> str:
    raw = os.environ.get("DATABASE_URL", "")
    if not raw.startswith(("postgresql", "postgres:")):
        _unavailable("needs PostgreSQL: run with DATABASE_URL=postgresql://…")
    url = make_url(raw.replace("postgres://", "postgresql://", 1))
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def _redis() -> str:
    from redis import Redis
    from redis.exceptions import RedisError

    url = redis_url()
    try:
        Redis.from_url(url, socket_connect_timeout=1).ping()
    except (RedisError, OSError) as error:
        _unavailable(f"needs Redis at {url}: {error}")
    return url


def _fresh_database(base: str) -> str:
    """A new, empty database beside BASE's, for the hosts alone."""
    url = make_url(base)
    name = f"{url.database}_hosts_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_database(uri: str) -> None:
    url = make_url(uri)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


class Host:
    """One machine: a working directory, an instance folder (never created) and a log."""

    def __init__(self, root: Path, name: str, shared: dict[str, str]) -> None:
        self.dir = root / name
        self.dir.mkdir()
        self.instance = self.dir / "instance"
        self.log = self.dir / "output.log"
        self.env = app_environment(shared["DATABASE_URL"], self.instance, **shared)

    def flask(self, *args: str) -> str:
        """Run ``flask --app wsgi ARGS`` as this host; its output (fails the test on error)."""
        command = [sys.executable, "-m", "flask", "--app", str(REPO / "wsgi.py"), *args]
        done = subprocess.run(
            command, cwd=self.dir, env=self.env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"flask {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout


@pytest.fixture
def hosts(tmp_path):
    database = _fresh_database(_postgresql_url())
    shared = {
        "ADMISSIONS_ENV": "production", "DATABASE_URL": database, "REDIS_URL": _redis(),
        "SECRET_KEY": secrets.token_hex(32), "JOBS_QUEUE": f"hosts-{uuid.uuid4().hex[:8]}",
        # loopback is plain HTTP: the browser would not send back a Secure-only cookie
        "SESSION_COOKIE_SECURE": "0", "JOBS_IMPORT_MIN_BYTES": "200000",
    }  # fmt: skip
    a, b, c = (Host(tmp_path, name, shared) for name in ("host-a", "host-b", "host-c"))
    processes: list[subprocess.Popen] = []
    try:
        a.flask("db", "upgrade")
        a.flask("demo", "load", "--candidates", str(DEMO_CANDIDATES))
        a.flask("scores", "compute", "SD2026CK")
        rules = (REPO / "presets" / "shandong.toml").read_text(encoding="utf-8")
        (a.dir / "rules.toml").write_text(
            rules.replace('code = "SD2026CK"', 'code = "SD2026HOSTS"', 1), encoding="utf-8"
        )
        a.flask("exam", "load", "rules.toml")
        _close_first_preference_window(database)
        port_a, port_c = free_port(), free_port()
        processes.append(start_gunicorn({**a.env, "GUNICORN_WORKERS": "2"}, port_a, a.dir, a.log))
        worker = [sys.executable, "-m", "flask", "--app", str(REPO / "wsgi.py"), "jobs", "worker"]
        processes.append(spawn(worker, b.env, b.dir, b.log))
        processes.append(start_gunicorn(c.env, port_c, c.dir, c.log))
        yield {"a": a, "b": b, "c": c, "base_a": f"http://127.0.0.1:{port_a}",
               "base_c": f"http://127.0.0.1:{port_c}", "database": database}  # fmt: skip
    finally:
        codes = [stop(process) for process in processes]
        _drop_database(database)
    assert codes == [0] * len(codes), "a host did not stop gracefully"


def _close_first_preference_window(database: str) -> None:
    """The demo's round-1 window is still open; the deadline passes (as the board's calendar
    would) so that the real run may start."""
    engine = create_engine(database)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE round SET prefs_close_at = :past WHERE number = 1"),
            {"past": dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)},
        )
    engine.dispose()


def _scalar(database: str, sql: str, **params):
    engine = create_engine(database)
    with engine.connect() as connection:
        value = connection.execute(text(sql), params).scalar()
    engine.dispose()
    return value


def _candidates_csv(count: int) -> bytes:
    rows = ["candidate_no,national_id,name,category"]
    for i in range(count):
        national_id = make_national_id("370102", dt.date(2008, 1 + i % 12, 1 + i % 28), i % 1000)
        rows.append(f"2699{i:010d},{national_id},考生{i},IT")
    return ("\n".join(rows) + "\n").encode("utf-8")


def _ran_on(host: Host, job_page: str) -> bool:
    job_id = job_page.rstrip("/").rsplit("/", 1)[1]
    log = host.log.read_text(encoding="utf-8", errors="replace")
    return f"Successfully completed admissions.worker.perform({job_id})" in log


def _job_log_settles(host: Host, job_page: str, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _ran_on(host, job_page):
            return True
        time.sleep(0.2)
    return False


def test_two_hosts_share_only_postgresql_and_redis(hosts):
    a, b, c, database = hosts["a"], hosts["b"], hosts["c"], hosts["database"]
    board = Visitor(hosts["base_a"])
    board.login(*BOARD)

    # 1. a large candidates file, uploaded to A, imported by the job on B
    exam_id = _scalar(database, "SELECT id FROM exam WHERE code = 'SD2026HOSTS'")
    data = _candidates_csv(LARGE_FILE_CANDIDATES)
    upload = board.post(
        f"/board/exams/{exam_id}/imports/candidates", {},
        files={"file": ("candidates.csv", data, "text/csv")},
    )  # fmt: skip
    assert upload.status_code == 302, upload.text[:500]
    preview = upload.headers["Location"]
    assert board.get(preview).status_code == 200
    confirmed = board.post(preview, {})
    job = confirmed.headers["Location"]
    assert "/board/jobs/" in job
    assert board.wait_for_job(job)["status"] == "succeeded"
    assert _job_log_settles(b, job)
    count = _scalar(database, "SELECT count(*) FROM candidate WHERE exam_id = :e", e=exam_id)
    assert count == LARGE_FILE_CANDIDATES
    assert _scalar(database, "SELECT count(*) FROM stored_file WHERE kind = 'import_upload'") == 0

    # 2. the real allocation, started on A, run on B
    demo_id = _scalar(database, "SELECT id FROM exam WHERE code = 'SD2026CK'")
    rounds = f"/board/exams/{demo_id}/rounds/BK/1"
    run = board.post(rounds + "/run", {"confirm": "yes"}, form_page=rounds)
    assert run.status_code == 302 and "/board/jobs/" in run.headers["Location"], run.text[:500]
    state = board.wait_for_job(run.headers["Location"])
    assert state["status"] == "succeeded", state
    assert _job_log_settles(b, run.headers["Location"])
    closed = board.post(
        rounds + "/close", {"admit_pending": "yes", "confirm": "yes"}, form_page=rounds
    )
    assert closed.status_code == 302, closed.text[:500]

    # 3. the university's bulk letters: built on B, downloaded from A
    university = Visitor(hosts["base_a"])
    university.login(*UNIVERSITY)
    run_id = re.search(r"/university/runs/(\d+)", university.get("/university/").text).group(1)
    letters = university.post(
        f"/university/runs/{run_id}/letters", {}, form_page=f"/university/runs/{run_id}"
    )
    job = letters.headers["Location"]
    assert university.wait_for_job(job)["status"] == "succeeded"
    assert _job_log_settles(b, job)
    pdf = university.get(job + "/letters.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert int(pdf.headers["Content-Length"]) == len(pdf.content) > 10_000
    stored = _scalar(database, "SELECT size FROM stored_file WHERE kind = 'job_output'")
    assert stored == len(pdf.content)

    # 4. a student logged in on A is logged in on a third process (the cookie alone, shared key)
    student = Visitor(hosts["base_a"])
    student.login(*STUDENT)
    here = student.get("/student/")
    there = student.get(hosts["base_c"] + "/student/")
    assert here.status_code == 200 and there.status_code == 200, there.headers
    assert "退出" in there.text

    # nothing of the hosts' state lives on the hosts
    for host in (a, b, c):
        assert not host.instance.exists(), f"{host.dir.name} wrote its instance folder"
