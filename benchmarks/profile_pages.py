"""CPU per request of the busy signed-in pages, in one process, without a load generator.

The same exam as ``bench_pages.py`` (its database, prepared by a run of it or by ``--seed``);
a student and a university user sign in through /login with Flask's test client, then each page
is asked N times per round. Printed per page: the median over the rounds of the CPU time per
request of this process (the app and its driver) and of PostgreSQL's backends of the database
(the two parts of the bench's "server CPU", without gunicorn), the wall time, and the SQL
statements and Python function calls per request (a figure that the load of other programs
does not disturb). ``--profile PAGE`` prints the top of cProfile for that page.

    python benchmarks/profile_pages.py --seed              # build the database (3,000 candidates)
    python benchmarks/profile_pages.py                     # 5 rounds of 200 requests per page
    python benchmarks/profile_pages.py --profile review    # and cProfile's top for one page

PostgreSQL: BENCH_PAGES_DATABASE_URL (default the bench's database ``bench_pages``).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_pages import CSRF, DEFAULT_URL, PASSWORD, database_cpu, prepare_exam, seed  # noqa: E402
from load_deadline import environment  # noqa: E402

PAGES = ("healthz", "scores", "submit", "review")


def signed_in(app, user: dict):
    """A test client logged in as USER through /login; with the editor's CSRF token."""
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"username": user["username"], "password": PASSWORD,
                                         "csrf_token": token})  # fmt: skip
    assert answer.status_code == 302, (user["username"], answer.status_code)
    page = client.get(user.get("editor", "/healthz")).get_data(as_text=True)
    found = CSRF.search(page)
    return client, found.group(1) if found else ""


def asker(app, people: dict, page: str):
    """A function asking for PAGE once (checking the answer)."""
    if page == "healthz":
        client = app.test_client()
        return lambda: _expect(client.get("/healthz"), 200)
    if page == "review":
        user = people["universities"][0]
        client, _ = signed_in(app, user)
        return lambda: _expect(client.get(user["review"]), 200)
    user = people["students"][0]
    client, csrf = signed_in(app, user)
    if page == "scores":
        return lambda: _expect(client.get("/student/scores"), 200)
    import re

    version = [int(re.search(r'name="version" value="(\d+)"',
                             client.get(user["editor"]).get_data(as_text=True)).group(1))]  # fmt: skip

    # A browser follows the redirect, which shows (and drops) the flashed message; here the
    # session cookie of the signed-in page is put back instead, so messages do not pile up.
    cookie = client.get_cookie("session").value

    def submit():
        client.set_cookie("session", cookie)
        form = {"csrf_token": csrf, "version": str(version[0]), "action": "submit",
                "confirm": "yes"}  # fmt: skip
        for index, line_id in enumerate(user["lines"]):
            form[f"item-{index}-line"] = str(line_id)
            form[f"item-{index}-pos"] = str(index + 1)
        _expect(client.post(user["editor"], data=form), 302)
        version[0] += 1

    return submit


def _expect(response, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.get_data()[:300])


def measure(ask, count: int, rounds: int, database: str) -> tuple[float, float, float]:
    """Median CPU ms per request over ROUNDS rounds of COUNT requests: this process's, the
    database server's (its backends for DATABASE), and the wall time."""
    cpu, db_cpu, wall = [], [], []
    for _ in range(rounds):
        c0, d0, w0 = time.process_time(), database_cpu(database), time.perf_counter()
        for _ in range(count):
            ask()
        cpu.append((time.process_time() - c0) * 1000 / count)
        db_cpu.append((database_cpu(database) - d0) * 1000 / count)
        wall.append((time.perf_counter() - w0) * 1000 / count)
    return statistics.median(cpu), statistics.median(db_cpu), statistics.median(wall)


def python_calls(ask, count: int = 20) -> int:
    """Python function calls per request (cProfile's count): a measure of the work done that
    the load of other programs does not disturb."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        ask()
    profiler.disable()
    return pstats.Stats(profiler).total_calls // count  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true", help="rebuild the database first")
    parser.add_argument("-n", type=int, default=200, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--profile", help="print cProfile's top for this page")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sql", action="store_true", help="print each page's statements, timed")
    args = parser.parse_args()
    database = os.environ.get("BENCH_PAGES_DATABASE_URL", DEFAULT_URL)
    work = Path("/tmp/profile_pages")
    work.mkdir(exist_ok=True)
    env = environment(database.replace("postgresql://", "postgresql+psycopg://", 1), work)
    people = seed(database, env, 3_000, 4, work) if args.seed else prepare_exam(env, 4)

    from sqlalchemy import event

    from admissions import create_app
    from admissions.extensions import db

    app = create_app()
    log: list[list] = []

    def before(_conn, _cursor, statement, *_):
        log.append([statement, time.perf_counter()])

    def after(*_):
        log[-1][1] = time.perf_counter() - log[-1][1]

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)
    print(f"load {os.getloadavg()[0]:.2f}; {args.rounds} rounds × {args.n} requests per page")
    for page in args.pages.split(","):
        ask = asker(app, people, page)
        ask()  # warm up
        log.clear()
        ask()
        queries = len(log)
        if args.sql:
            for statement, seconds in log:
                print(f"  {seconds * 1000:6.2f} ms  {' '.join(statement.split())[:300]}")
        cpu, db_cpu, wall = measure(ask, args.n, args.rounds, database.rsplit("/", 1)[1])
        print(f"{page:8} CPU {cpu:6.2f} ms/req + PostgreSQL {db_cpu:5.2f} ms/req  "
              f"wall {wall:6.2f} ms/req  {queries} SQL statements  "
              f"{python_calls(ask):,} Python calls/req")  # fmt: skip
        if page == args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.n):
                ask()
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(
                r"admissions|templates|scoring|flask_login|flask_wtf|limiter", args.top
            )
            stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
