"""The preference deadline under load: N students, logged in beforehand, submit within a minute
while the board closes the window; locust (headless) drives gunicorn from deploy/gunicorn.conf.py
on loopback, on PostgreSQL and Redis (the production settings).

Checks: every accepted list is stored whole (the counted list of each accepted student is the
list posted), every refused student was told so, no 5xx. Figures: submissions per second, p50 and
p99 of the submission and of the editor page (locust's own statistics).

The students' sessions are made beforehand in-process (a login each, without its password hash:
5,000 real logins would spend minutes hashing passwords before the minute that matters).

    python benchmarks/load_deadline.py                  # 5,000 students, one minute
    python benchmarks/load_deadline.py --students 500 --seconds 15   # a quick look

Needs PostgreSQL (LOAD_DATABASE_URL, default database ``load_deadline`` on 127.0.0.1, rebuilt
each run) and Redis (REDIS_URL, default the local one). Not part of ``make bench``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.deploy.servers import free_port, start_gunicorn, stop  # noqa: E402
from tests.deploy.visitor import Visitor  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/load_deadline"
USER_AGENT = "locust-deadline"
CHOICES = 5


def environment(database: str, work: Path) -> dict[str, str]:
    """Production settings on loopback; login limits out of the way (no login is measured)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        ADMISSIONS_ENV="production", DATABASE_URL=database,
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        SECRET_KEY=os.environ.get("LOAD_SECRET_KEY", "load-deadline-" + "k" * 50),
        SESSION_COOKIE_SECURE="0", JOBS_QUEUE="load-deadline",
        ADMISSIONS_INSTANCE_DIR=str(work / "instance"),
        LOGIN_ADDRESS_LIMIT="100000 per minute", LOGIN_RATE_LIMIT="1000 per minute",
    )  # fmt: skip
    return env


def flask(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "-m", "flask", "--app", str(ROOT / "wsgi.py"), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def fresh_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def sign_in_students(env: dict[str, str], count: int, path: Path) -> int:
    """A student account and a live login session for each of COUNT demo candidates; writes
    one JSON line per student (cookie, batch, CHOICES line ids of their category)."""
    os.environ.update(env)
    from flask import session
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import insert, select

    from admissions import create_app
    from admissions.extensions import db
    from admissions.login_sessions import sign_in
    from admissions.models import Account, Batch, Candidate, Exam, PlanLine, Role
    from admissions.services.accounts import hash_password

    app = create_app()
    with app.app_context():
        exam = db.session.scalar(select(Exam).where(Exam.code == "SD2026CK"))
        batch = db.session.scalar(select(Batch).where(Batch.exam_id == exam.id, Batch.code == "BK"))
        taken = set(
            db.session.scalars(
                select(Account.candidate_id).where(Account.candidate_id.is_not(None))
            )
        )
        people = db.session.execute(
            select(Candidate.id, Candidate.candidate_no, Candidate.name, Candidate.category_code)
            .where(Candidate.exam_id == exam.id).order_by(Candidate.id).limit(count)
        ).all()  # fmt: skip
        shared_hash = hash_password("load-student-1")
        db.session.execute(insert(Account), [
            {"username": number, "password_hash": shared_hash, "role": Role.STUDENT,
             "candidate_id": cid, "display_name": name}
            for cid, number, name, _ in people if cid not in taken
        ])  # fmt: skip
        db.session.commit()
        lines: dict[str, list[int]] = {}
        for category, line_id in db.session.execute(
            select(PlanLine.category_code, PlanLine.id)
            .where(PlanLine.batch_id == batch.id).order_by(PlanLine.id)
        ):  # fmt: skip
            lines.setdefault(category, []).append(line_id)
        serializer = app.session_interface.get_signing_serializer(app)
        accounts = {
            a.candidate_id: a
            for a in db.session.scalars(select(Account).where(Account.role == Role.STUDENT))
        }
        with path.open("w", encoding="utf-8") as out:
            for cid, _, _, category in people:
                with app.test_request_context("/", headers={"User-Agent": USER_AGENT}):
                    sign_in(accounts[cid])
                    generate_csrf()  # its secret rides in the cookie, as after a first page
                    cookie = serializer.dumps(dict(session))
                ids = lines.get(category, [])[:CHOICES]
                out.write(json.dumps({"candidate_id": cid, "cookie": cookie,
                                      "batch_id": batch.id, "lines": ids}) + "\n")  # fmt: skip
        db.session.commit()
        return exam.id


def close_window_later(base: str, exam_id: int, after: float, log: list[str]) -> threading.Thread:
    """The board closes round 1's window AFTER seconds into the run, through its page."""

    def close() -> None:
        board = Visitor(base, timeout=300)  # the server is saturated on purpose
        board.http.headers["User-Agent"] = "board"
        board.login("board-sd", "demo-board-2026")
        time.sleep(after)
        page = f"/board/exams/{exam_id}/setup/rounds/BK/1"
        closed = board.post(
            page + "/close", {"confirm": "yes"}, form_page=f"/board/exams/{exam_id}/setup/rounds"
        )
        log.append(
            f"{time.strftime('%H:%M:%S')} board closed the window: HTTP {closed.status_code}"
        )

    thread = threading.Thread(target=close, daemon=True)
    thread.start()
    return thread


def run_locust(base: str, users: int, seconds: int, work: Path) -> None:
    env = {**os.environ, "LOAD_STUDENTS": str(work / "students.jsonl"),
           "LOAD_OUTCOMES": str(work / "outcomes.jsonl")}  # fmt: skip
    rate = max(1, round(users / seconds))
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locust_deadline.py"),
        "--headless", "-u", str(users), "-r", str(rate), "-t", f"{seconds + 20}s",
        "--host", base, "--csv", str(work / "stats"), "--only-summary", "--stop-timeout", "10",
    ]  # fmt: skip
    subprocess.run(
        command,
        env=env,
        check=False,
        stdout=(work / "locust.log").open("w"),
        stderr=subprocess.STDOUT,
    )


def verify(database: str, work: Path) -> dict[str, int]:
    """Outcome counts; every accepted student's counted list is the list posted."""
    import psycopg

    outcomes = [json.loads(line) for line in (work / "outcomes.jsonl").open(encoding="utf-8")]
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome["outcome"]] = counts.get(outcome["outcome"], 0) + 1
    first = (work / "students.jsonl").open(encoding="utf-8").readline()
    batch_id = json.loads(first)["batch_id"]
    broken = 0
    with psycopg.connect(database.replace("+psycopg", "")) as connection:
        for outcome in (o for o in outcomes if o["outcome"] == "accepted"):
            stored = [row[0] for row in connection.execute(
                "SELECT i.plan_line_id FROM preference_item i JOIN preference_list l ON l.id = i.list_id"
                " WHERE l.candidate_id = %s AND l.batch_id = %s AND l.round_number = 1"
                " AND l.status = 'submitted' AND l.version ="
                " (SELECT max(version) FROM preference_list WHERE candidate_id = l.candidate_id"
                "  AND status = 'submitted' AND round_number = l.round_number AND batch_id = l.batch_id)"
                " ORDER BY i.position", (outcome["candidate_id"], batch_id))]  # fmt: skip
            broken += stored != outcome["lines"]
    counts["accepted but not stored whole"] = broken
    counts["5xx"] = sum(1 for outcome in outcomes if outcome.get("status", 0) >= 500)
    return counts


def figures(work: Path) -> list[str]:
    rows = list(csv.DictReader((work / "stats_stats.csv").open(encoding="utf-8")))
    lines = []
    for row in rows:
        lines.append(
            f"{row['Name']:<12} {row['Request Count']:>6} requests, {row['Failure Count']} failed, "
            f"{float(row['Requests/s']):.1f}/s, p50 {row['50%']} ms, p99 {row['99%']} ms, "
            f"max {float(row['Max Response Time']):.0f} ms"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=60, help="the minute the students arrive in")
    parser.add_argument("--close-after", type=float, default=None, help="default: 5/6 of --seconds")
    parser.add_argument("--work", type=Path, default=Path("/tmp/load_deadline"))
    args = parser.parse_args()
    database = os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL)
    args.work.mkdir(parents=True, exist_ok=True)
    env = environment(database.replace("postgresql://", "postgresql+psycopg://", 1), args.work)
    fresh_database(database)
    flask(env, "db", "upgrade")
    flask(env, "demo", "load", "--candidates", str(args.students))
    exam_id = sign_in_students(env, args.students, args.work / "students.jsonl")
    port = free_port()
    web = start_gunicorn({**env, "GUNICORN_WORKERS": os.environ.get("GUNICORN_WORKERS", "4"),
                          "GUNICORN_THREADS": os.environ.get("GUNICORN_THREADS", "4")},
                         port, args.work, args.work / "gunicorn.log")  # fmt: skip
    log: list[str] = []
    try:
        base = f"http://127.0.0.1:{port}"
        closer = close_window_later(base, exam_id, args.close_after or args.seconds * 5 / 6, log)
        started = time.monotonic()
        run_locust(base, args.students, args.seconds, args.work)
        elapsed = time.monotonic() - started
        closer.join(5)
    finally:
        stop(web)
    print(f"{args.students} students, arrivals over {args.seconds} s, run {elapsed:.0f} s")
    print("\n".join(log + figures(args.work)))
    print(json.dumps(verify(database, args.work), ensure_ascii=False))


if __name__ == "__main__":
    main()
