"""The busiest pages under gunicorn (deploy/gunicorn.conf.py with 4 workers, gthread), PostgreSQL
and Redis, on loopback, driven by locust (headless) with 64 concurrent users:

- /healthz                         the yardstick: the same app, no database, anonymous;
- the student's scores page        GET /student/scores (components, composite explained, 位次,
                                   the category's 一分一段 near the student's score);
- a preference submission          POST /student/preferences/<batch>/1, the answer to the
                                   confirmation page: a 10-line list stored as a new version;
- the public plan catalogue        GET /exams/<code>/plans?batch=BK&page=2, anonymous;
- a university's review list       GET /university/runs/<run>: every candidate dispatched to
                                   the institution in last year's published round.

The exam is the demo's (``flask demo load``: tens of thousands of candidates, 40 institutions,
last year's season run and published), with this year's scores computed and published and the
first round's preference window open. Every student and every university user is its own
account, signed in through /login beforehand (the submission carries its session's CSRF token).

Two kinds of runs, one locust run per page each, in the same gunicorn:
- throughput: USERS users asking as fast as answers come; each page's requests/s as a ratio of
  /healthz's (goal ≥ 0.5), /healthz being measured before and after every page (the ratio is to
  the mean of the two: the machine's load drifts); beside it the server's CPU per request
  (gunicorn workers and PostgreSQL backends; the workers are not recycled during the runs, so
  their CPU time can be read), which the load of other programs disturbs much less;
- fixed rate: RATE requests a second in all, arriving as a Poisson stream (see locust_pages.py);
  p99 latency (goal < 100 ms, submission < 200 ms).
Every run starts once the server is idle again (what an earlier run left queued is not counted).

Locust, gunicorn and PostgreSQL share the machine's cores (2 here): the load generator takes
CPU from the server, most of all in the /healthz run, so absolute rates are a floor.

    python benchmarks/bench_pages.py                 # 30,000 candidates, 20 s per run
    python benchmarks/bench_pages.py --reuse         # the database of the last run, as it is
    python benchmarks/bench_pages.py --quick         # 3,000 candidates, 8 s per run

PostgreSQL: BENCH_PAGES_DATABASE_URL (default database ``bench_pages`` on 127.0.0.1, rebuilt
unless --reuse); Redis: REDIS_URL (default the local one).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from load_deadline import environment, flask, fresh_database  # noqa: E402
from report import PAGE_GOALS  # noqa: E402

from tests.deploy.servers import free_port, start_gunicorn, stop  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_pages"
PASSWORD = "bench-pages-1"
CHOICES = 10
PAGES = ("healthz", "scores", "submit", "catalogue", "review")
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def prepare_exam(env: dict[str, str], students: int) -> dict:
    """This year's scores computed and published, round 1 taking preferences; an account for
    each of STUDENTS candidates and for each institution with dispatches last year."""
    os.environ.update(env)
    from sqlalchemy import func, insert, select, text

    from admissions import create_app
    from admissions.extensions import db
    from admissions.models import (
        Account,
        AllocationRun,
        Batch,
        Candidate,
        Dispatch,
        Exam,
        ExamStatus,
        Institution,
        PlanLine,
        Role,
    )  # fmt: skip
    from admissions.services.accounts import hash_password
    from admissions.services.scores.compute import compute_scores
    from admissions.services.scores.publish import publish_scores

    app = create_app()
    with app.app_context():
        exam = db.session.scalar(select(Exam).where(Exam.code == "SD2026CK"))
        if exam.scores_published_at is None:
            compute_scores(exam)
            publish_scores(exam)
            exam.status = ExamStatus.PREFERENCES_OPEN
        batch = db.session.scalar(select(Batch).where(Batch.exam_id == exam.id, Batch.code == "BK"))
        lines: dict[str, list[int]] = {}
        for category, line_id in db.session.execute(
            select(PlanLine.category_code, PlanLine.id)
            .where(PlanLine.batch_id == batch.id).order_by(PlanLine.id)
        ):  # fmt: skip
            lines.setdefault(category, []).append(line_id)
        people = db.session.execute(
            select(Candidate.id, Candidate.candidate_no, Candidate.name, Candidate.category_code)
            .where(Candidate.exam_id == exam.id, Candidate.category_code.in_(
                [c for c, ids in lines.items() if len(ids) >= CHOICES]))
            .order_by(Candidate.id).limit(students + 100)
        ).all()  # fmt: skip
        owners = dict(db.session.execute(select(Account.candidate_id, Account.username)).all())
        people = [p for p in people if owners.get(p[0], f"p{p[1]}") == f"p{p[1]}"][:students]
        shared = hash_password(PASSWORD)
        taken = set(db.session.scalars(select(Account.username)))
        new = [
            {"username": f"p{number}", "password_hash": shared, "role": Role.STUDENT,
             "candidate_id": cid, "display_name": name}
            for cid, number, name, _ in people if f"p{number}" not in taken
        ]  # fmt: skip
        run = db.session.scalar(
            select(AllocationRun).join(Exam, Exam.id == AllocationRun.exam_id)
            .where(Exam.code == "SD2025CK", AllocationRun.batch_id.is_not(None))
            .order_by(AllocationRun.id).limit(1)
        )  # fmt: skip
        institutions = db.session.execute(
            select(Institution.id, Institution.code, func.count(Dispatch.id))
            .join(Dispatch, Dispatch.institution_id == Institution.id)
            .where(Dispatch.run_id == run.id).group_by(Institution.id, Institution.code)
        ).all()  # fmt: skip
        new += [
            {"username": f"p-univ-{code}", "password_hash": shared, "role": Role.UNIVERSITY,
             "institution_id": iid, "display_name": f"院校{code}"}
            for iid, code, _ in institutions if f"p-univ-{code}" not in taken
        ]  # fmt: skip
        if new:
            db.session.execute(insert(Account), new)
        db.session.execute(text("ANALYZE"))  # planner statistics after the bulk load, as in service
        db.session.commit()
        return {
            "students": [{"username": f"p{number}", "lines": lines[category][:CHOICES],
                          "editor": f"/student/preferences/{batch.id}/1"}
                         for _, number, _, category in people],
            "universities": [{"username": f"p-univ-{code}", "review": f"/university/runs/{run.id}",
                              "dispatched": n} for _, code, n in institutions],
            "catalogue": f"/exams/{exam.code}/plans?batch=BK&page=2",
        }  # fmt: skip


def sign_in(base: str, user: dict) -> dict:
    """Log in through /login like a browser; keep the session cookie and the form's CSRF token."""
    http = requests.Session()
    token = CSRF.search(http.get(f"{base}/login", timeout=60).text)
    assert token, "no CSRF token on /login"
    answer = http.post(f"{base}/login", data={"username": user["username"], "password": PASSWORD,
                       "csrf_token": token.group(1)}, allow_redirects=False, timeout=60)  # fmt: skip
    assert answer.status_code == 302, (user["username"], answer.status_code)
    page = http.get(base + user.get("editor", "/healthz"), timeout=60)
    found = CSRF.search(page.text)
    return {**user, "cookie": http.cookies["session"], "csrf": found.group(1) if found else ""}


def cpu_seconds(web: subprocess.Popen, database: str) -> float:
    """CPU time used so far by the gunicorn workers and the database's server processes."""
    import psutil

    return database_cpu(database.rsplit("/", 1)[1]) + _cpu(psutil.Process(web.pid).children())


def database_cpu(name: str) -> float:
    """CPU seconds used so far by PostgreSQL's server processes of database NAME."""
    import psutil

    return _cpu(
        p for p in psutil.process_iter(["cmdline"])
        if f" {name} " in " ".join(p.info["cmdline"] or ()) + " "
    )  # fmt: skip


def _cpu(processes: Iterable[Any]) -> float:
    """User + system CPU seconds of PROCESSES (those gone meanwhile count nothing)."""
    import psutil

    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def run_locust(
    base: str, target: str, users: int, seconds: int, rate: float, work: Path, cpu
) -> dict:
    """One headless locust run asking for TARGET; its line of locust's statistics, with the
    server's CPU per request (gunicorn workers and PostgreSQL, in ms). It starts once the server
    is idle: a page slower than the offered rate leaves requests queued when its run ends, and
    they would be counted in the next run's latencies."""
    settle(cpu)
    before = cpu()
    prefix = work / f"{target}-{'rate' if rate else 'max'}"
    env = {**os.environ, "PAGES_TARGET": target, "PAGES_USERS": str(work / "users.json"),
           "PAGES_RATE": str(rate / users) if rate else ""}  # fmt: skip
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locust_pages.py"),
        "--headless", "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--reset-stats",
        "--host", base, "--csv", str(prefix), "--only-summary", "--stop-timeout", "5",
    ]  # fmt: skip
    with (work / "locust.log").open("a") as log:
        subprocess.run(command, env=env, check=False, stdout=log, stderr=subprocess.STDOUT)
    rows = Path(f"{prefix}_stats.csv").read_text(encoding="utf-8").splitlines()
    for row in csv.DictReader(rows):
        if row["Name"] == target:
            count = int(row["Request Count"])
            return {"requests": count, "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]), "p50_ms": float(row["50%"]),
                    "p99_ms": float(row["99%"]), "max_ms": float(row["Max Response Time"]),
                    "server_cpu_ms": (cpu() - before) * 1000 / max(1, count),
                    "load": list(os.getloadavg())}  # fmt: skip
    raise RuntimeError(f"locust measured no {target}: see {work / 'locust.log'}")


def settle(cpu, idle: float = 0.05, longest: float = 60.0) -> None:
    """Wait until the server (gunicorn workers and PostgreSQL) uses less than IDLE of a core
    over half a second, or LONGEST seconds have passed."""
    end = time.monotonic() + longest
    while time.monotonic() < end:
        before = cpu()
        time.sleep(0.5)
        if cpu() - before < idle * 0.5:
            return


def figures_of(most: dict[str, dict], fixed: dict[str, dict], rate: float, users: int) -> list:
    """The figures beside their goals (PAGE_GOALS of report.py), for RESULTS.md."""
    command = "python benchmarks/bench_pages.py"
    out = []
    for page in PAGES[1:]:
        ratio = most[page]["ratio"]
        out.append({"name": f"pages: {page} / healthz throughput (gunicorn 4 workers, {users} users)",
                    "value": round(ratio, 3), "unit": "x", "goal": f">= {PAGE_GOALS['ratio']}",
                    "met": ratio >= PAGE_GOALS["ratio"] and not most[page]["failures"],
                    "load": most[page]["load"][0], "command": command})  # fmt: skip
        goal = PAGE_GOALS["submit_p99_ms" if page == "submit" else "p99_ms"]
        p99 = fixed[page]["p99_ms"]
        out.append({"name": f"pages: {page} p99 at {rate:g} req/s", "value": p99, "unit": "ms",
                    "goal": f"< {goal} ms", "met": p99 < goal and not fixed[page]["failures"],
                    "load": fixed[page]["load"][0], "command": command})  # fmt: skip
    return out


def throughput_runs(base: str, pages: list[str], args: argparse.Namespace, cpu) -> dict:
    """/healthz before and after every page (the machine's load drifts): each page's ratio is
    to the mean of the two /healthz runs beside it; /healthz's own figures are the median."""
    runs = {}
    yardsticks = [run_locust(base, "healthz", args.users, args.seconds, 0, args.work, cpu)]
    for page in pages[1:]:
        runs[page] = run_locust(base, page, args.users, args.seconds, 0, args.work, cpu)
        yardsticks.append(run_locust(base, "healthz", args.users, args.seconds, 0, args.work, cpu))
        beside = (yardsticks[-2]["rps"] + yardsticks[-1]["rps"]) / 2
        runs[page]["ratio"] = runs[page]["rps"] / beside
    middle = sorted(yardsticks, key=lambda r: r["rps"])[len(yardsticks) // 2]
    return {"healthz": {**middle, "ratio": 1.0, "runs": [r["rps"] for r in yardsticks]}, **runs}


def seed(database: str, env: dict[str, str], candidates: int, users: int, work: Path) -> dict:
    fresh_database(database)
    flask(env, "db", "upgrade")
    flask(env, "demo", "load", "--candidates", str(candidates))
    return prepare_exam(env, users)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=30_000)
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=20, help="length of each locust run")
    parser.add_argument("--rate", type=float, default=100.0, help="requests/s of the fixed runs")
    parser.add_argument("--quick", action="store_true", help="3,000 candidates, 8 s per run")
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run")
    parser.add_argument("--pages", default=",".join(PAGES[1:]), help="which pages besides healthz")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_pages"))
    args = parser.parse_args()
    if args.quick:
        args.candidates, args.seconds = 3_000, 8
    database = os.environ.get("BENCH_PAGES_DATABASE_URL", DEFAULT_URL)
    args.work.mkdir(parents=True, exist_ok=True)
    env = environment(database.replace("postgresql://", "postgresql+psycopg://", 1), args.work)
    started = time.perf_counter()
    if args.reuse:
        people = prepare_exam(env, args.users)
    else:
        people = seed(database, env, args.candidates, args.users, args.work)
    print(f"exam ready in {time.perf_counter() - started:.0f} s")
    port = free_port()
    web = start_gunicorn({**env, "GUNICORN_WORKERS": "4", "GUNICORN_THREADS": "4",
                          "GUNICORN_LOGLEVEL": "warning", "GUNICORN_MAX_REQUESTS": "0"}, port, args.work,
                         args.work / "gunicorn.log")  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    pages = ["healthz", *(p for p in args.pages.split(",") if p in PAGES[1:])]
    load_before = list(os.getloadavg())
    try:
        with ThreadPoolExecutor(8) as pool:
            people["students"] = list(pool.map(lambda u: sign_in(base, u), people["students"]))
            people["universities"] = list(pool.map(lambda u: sign_in(base, u), people["universities"]))  # fmt: skip
        (args.work / "users.json").write_text(json.dumps(people), encoding="utf-8")
        cpu = lambda: cpu_seconds(web, database)  # noqa: E731
        most = throughput_runs(base, pages, args, cpu)
        fixed = {p: run_locust(base, p, args.users, args.seconds, args.rate, args.work, cpu)
                 for p in pages}  # fmt: skip
    finally:
        stop(web)
    print(f"gunicorn 4 workers × 4 threads (gthread), {args.users} locust users, {args.seconds} s "
          f"per run; load before {load_before[0]:.2f}")  # fmt: skip
    for page in pages:
        m, f = most[page], fixed[page]
        print(f"{page:10} max {m['rps']:7.1f} req/s (ratio {m['ratio']:.2f}, "
              f"p50 {m['p50_ms']:.0f} ms, server CPU {m['server_cpu_ms']:.2f} ms/req, "
              f"{m['failures']} failed, load {m['load'][0]:.1f})  |  "
              f"at {args.rate:g}/s: {f['rps']:.1f} req/s p50 {f['p50_ms']:.0f} ms "
              f"p99 {f['p99_ms']:.0f} ms ({f['failures']} failed, load {f['load'][0]:.1f})")  # fmt: skip
    doc = {"command": "python benchmarks/bench_pages.py " + " ".join(sys.argv[1:]),
           "load_before": load_before, "load_after": list(os.getloadavg()),
           "users": args.users, "seconds": args.seconds, "candidates": args.candidates,
           "throughput": most, "fixed_rate": fixed}  # fmt: skip
    if set(pages) == set(PAGES):
        doc["figures"] = figures_of(most, fixed, args.rate, args.users)
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "bench_pages.json").write_text(json.dumps(doc, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
