"""Throughput and p99 latency of the student pages under gunicorn, on loopback.

Seeds a PostgreSQL database (BENCH_DATABASE_URL, default database ``bench_students`` on
127.0.0.1, created if missing and rebuilt each run) with one exam: N candidates of one category
with published scores and results, plan lines and an open preference round. Starts gunicorn
(2 sync workers) and drives it with concurrent clients, each logged in as its own student:

- the trivial page  GET /healthz (the same app, no database): the yardstick,
- the score page    GET /student/scores (components, result, 一分一段 of the category),
- a submission      POST /student/preferences/<batch>/1 (a 10-line list, a new version each time).

Figures: requests/s, median and p99 latency, and each page's throughput as a ratio of the trivial
page's in the same run. The clients share the machine's 2 cores with the server, so absolute
figures are a floor; the ratio is the figure to compare.

    python benchmarks/bench_student_pages.py            # 20,000 candidates, 10 s per page
    python benchmarks/bench_student_pages.py --quick    # 2,000 candidates, 3 s per page
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_students"
PASSWORD = "bench-password-1"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def prepare_database(url: str) -> None:
    """Create the database if needed and empty its public schema."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def seed(url: str, candidates: int, students: int) -> dict[str, int]:
    """Build the schema with the migrations and load one exam; returns ids the clients need."""
    from flask_migrate import upgrade

    from admissions import create_app
    from admissions.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://"),
                      "SECRET_KEY": "bench-secret"})  # fmt: skip
    with app.app_context():
        upgrade()
        ids = _load(db, candidates, students)
        db.session.commit()
        db.engine.dispose()
    return ids


def _load(db, candidates: int, students: int) -> dict[str, int]:
    import random
    from datetime import date, timedelta
    from decimal import Decimal

    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from admissions import idcard
    from admissions.models import (
        Account,
        Batch,
        BatchShape,
        Candidate,
        Category,
        Component,
        ComponentGroup,
        ComponentScore,
        Exam,
        ExamStatus,
        Institution,
        PlanLine,
        Round,
        RoundStatus,
        RulesVersion,
        ScoreResult,
        utcnow,
    )  # fmt: skip
    from admissions.services.provinces import get_or_create_province

    now = utcnow()
    province = get_or_create_province("370000")
    exam = Exam(code="BENCH", name="基准考试", province_id=province.id, year=2026,
                status=ExamStatus.PREFERENCES_OPEN, current_rules_version=1,
                scores_published_at=now - timedelta(days=1))  # fmt: skip
    db.session.add(exam)
    db.session.flush()
    parts = [("chinese", "语文", 120, ComponentGroup.CULTURE), ("math", "数学", 120, ComponentGroup.CULTURE),
             ("english", "英语", 80, ComponentGroup.CULTURE),
             ("knowledge", "专业知识", 200, ComponentGroup.VOCATIONAL),
             ("skill", "技能测试", 230, ComponentGroup.VOCATIONAL)]  # fmt: skip
    components = [Component(exam_id=exam.id, code=c, name=n, max=Decimal(m), group=g, position=i)
                  for i, (c, n, m, g) in enumerate(parts)]  # fmt: skip
    batch = Batch(exam_id=exam.id, code="BK", name="本科批", sequence=1, shape=BatchShape.FLAT,
                  max_choices=96, ratio=Decimal(1), rounds=1, scheme_code="standard")  # fmt: skip
    rules = RulesVersion(exam_id=exam.id, version=1, toml_text="", digest="0" * 64)
    db.session.add_all(
        [*components, batch, rules, Category(exam_id=exam.id, code="IT", name="信息技术类")]
    )
    db.session.flush()
    db.session.add(Round(batch_id=batch.id, number=1, status=RoundStatus.OPEN,
                         prefs_open_at=now - timedelta(days=1), prefs_close_at=now + timedelta(days=1)))  # fmt: skip
    institutions = [
        Institution(code=f"{10000 + i}", name=f"基准学院{i}", city="济南") for i in range(50)
    ]
    db.session.add_all(institutions)
    db.session.flush()
    db.session.execute(insert(PlanLine), [
        {"exam_id": exam.id, "batch_id": batch.id, "institution_id": inst.id, "program_code": f"P{j:02d}",
         "program_name": f"专业{j}", "category_code": "IT", "seats": 20, "requirements": "english >= 40"}
        for inst in institutions for j in range(4)
    ])  # fmt: skip
    rng = random.Random(7)
    people = [{"exam_id": exam.id, "candidate_no": f"26370000{n:06d}",
               "national_id": idcard.make("370102", date(2007, 1, 1) + timedelta(days=n // 1000), n % 1000),
               "name": f"考生{n}", "gender": "M", "birth_date": date(2007, 1, 1),
               "category_code": "IT", "bonus": Decimal(0)} for n in range(candidates)]  # fmt: skip
    db.session.execute(insert(Candidate), people)
    ids = db.session.scalars(
        select(Candidate.id).where(Candidate.exam_id == exam.id).order_by(Candidate.id)
    ).all()
    scores, results = [], []
    totals = {}
    for cid in ids:
        values = [Decimal(rng.randint(0, int(c.max) * 2)) / 2 for c in components]
        scores.extend({"candidate_id": cid, "component_id": c.id, "value": v}
                      for c, v in zip(components, values, strict=True))  # fmt: skip
        totals[cid] = sum(values)
    order = sorted(totals.values(), reverse=True)
    first_rank = {}
    for position, total in enumerate(order, start=1):
        first_rank.setdefault(total, position)
    for cid, total in totals.items():
        results.append({"candidate_id": cid, "rules_version_id": rules.id, "raw_total": total,
                        "bonus": Decimal(0), "total": total, "qualified": True, "reasons": [],
                        "rank": first_rank[total], "computed_at": now})  # fmt: skip
    db.session.execute(insert(ComponentScore), scores)
    db.session.execute(insert(ScoreResult), results)
    password_hash = generate_password_hash(PASSWORD)
    db.session.execute(insert(Account), [
        {"username": f"bench{i}", "password_hash": password_hash, "role": "student",
         "candidate_id": ids[i], "display_name": f"考生{i}", "active": True, "created_at": now}
        for i in range(students)
    ])  # fmt: skip
    first_line = db.session.scalar(select(PlanLine.id).order_by(PlanLine.id))
    return {"batch": batch.id, "first_line": first_line}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(url: str, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-secret", RATELIMIT_ENABLED="0",
               SESSION_COOKIE_SECURE="0")  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return process
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def logged_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    token = CSRF.search(session.get(f"{base}/login").text)
    assert token, "no CSRF token on /login"
    response = session.post(
        f"{base}/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.status_code
    return session


class Client:
    """One student's session, able to run each of the three requests."""

    def __init__(self, base: str, username: str, ids: dict[str, int], lines: list[int]) -> None:
        self.base, self.session, self.version = base, logged_in(base, username), 0
        self.editor = f"{base}/student/preferences/{ids['batch']}/1"
        self.token = CSRF.search(self.session.get(self.editor).text).group(1)  # type: ignore[union-attr]
        self.lines = lines

    def trivial(self) -> int:
        return self.session.get(f"{self.base}/healthz").status_code

    def scores(self) -> int:
        return self.session.get(f"{self.base}/student/scores").status_code

    def submit(self) -> int:
        data = {
            "csrf_token": self.token,
            "version": str(self.version),
            "action": "submit",
            "confirm": "yes",
        }  # the answer to the confirmation page
        for i, line in enumerate(self.lines):
            data[f"item-{i}-line"], data[f"item-{i}-pos"] = str(line), str(i + 1)
        status = self.session.post(self.editor, data=data, allow_redirects=False).status_code
        if status == 302:
            self.version += 1
        return status


def drive(clients: list[Client], action: str, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def run(client: Client) -> None:
        mine, bad = [], 0
        while time.perf_counter() < stop:
            started = time.perf_counter()
            status = getattr(client, action)()
            mine.append(time.perf_counter() - started)
            bad += status not in (200, 302)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies), "errors": errors[0], "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    candidates, seconds = (2_000, 3.0) if args.quick else (20_000, 10.0)
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    prepare_database(url)
    started = time.perf_counter()
    ids = seed(url, candidates, args.clients)
    print(f"seeded {candidates:,} candidates in {time.perf_counter() - started:.1f} s")
    port = free_port()
    server = start_gunicorn(url, port)
    try:
        base = f"http://127.0.0.1:{port}"
        lines = list(range(ids["first_line"], ids["first_line"] + 10))
        clients = [Client(base, f"bench{i}", ids, lines) for i in range(args.clients)]
        figures = {name: drive(clients, name, seconds) for name in ("trivial", "scores", "submit")}
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"gunicorn 2 workers, {args.clients} concurrent clients, {seconds:.0f} s per page, "
          f"{candidates:,} candidates")  # fmt: skip
    report(figures, "student_pages")


def report(figures: dict[str, dict], name: str) -> None:
    """Print each page's figures with its ratio to the trivial page; write results/NAME.json."""
    trivial = figures["trivial"]["rps"]
    for page, f in figures.items():
        print(f"{page:9} {f['rps']:8.1f} req/s  p50 {f['p50_ms']:7.1f} ms  p99 {f['p99_ms']:7.1f} ms"
              f"  ratio {f['rps'] / trivial:5.2f}  ({f['requests']} requests, {f['errors']} errors)")  # fmt: skip
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
