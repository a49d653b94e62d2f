"""Speed of the imports on PostgreSQL at 100,000 candidates, each beside a raw COPY of its file.

Each run starts from an empty schema (built by the migrations) in its own database, loads the
Shandong preset and the BK plans (not timed), then times: the candidates import, a dry run of the
scores import, the scores import (500,000 new values), a re-import where every score changes (bulk
UPDATE + one audit event per candidate), and the preferences import (about 650,000 rows in the
season bench's four files). Each write stage includes its commit. Beside each, in the same run,
the same file's bytes are COPYed as CSV into an unindexed table of text columns (the floor any
import of that file stands on); the ratio is import time / COPY time. The files are the season
bench's (`bench_season.make_files`). Figures: medians over the runs, ratios, the CPU seconds of the
import (this process + its database backend: what the import costs whatever the machine's load), the
1-minute load average at the start and end, the process's peak RSS; saved to
benchmarks/results/bench_imports.json.

    python benchmarks/bench_imports.py                   # 100,000 candidates, 3 runs
    python benchmarks/bench_imports.py --quick           # 10,000 candidates, 1 run
    python benchmarks/bench_imports.py --bulk executemany   # compare without COPY
    python benchmarks/bench_imports.py --profile         # one run, and where its time goes

With --profile (one run; the clock slows it a little, so its times do not go to
bench_imports.json), each stage's time is split into reading the files, each SQL statement by its
first words (timed around psycopg's execute, COPY, commit and rollback in this process: a COPY's
time includes building its rows), and the rest (checking and staging the rows in Python, with
SQLAlchemy building statements and reading their results); printed after the table and saved to
benchmarks/results/import_profile.json. With IMPORT_KEYS_CHECKED_ONCE=0 (foreign keys checked
per row, the application's default) the table's figures go to bench_imports_per_row.json, beside
the goals' figures, which are measured with the keys checked once.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from import_profile import StatementClock  # noqa: E402

os.environ.setdefault("SECRET_KEY", "bench-secret-key")
# Large imports check foreign keys once (the deployment option for imports outside busy hours);
# IMPORT_KEYS_CHECKED_ONCE=0 measures the default, per-row checks.
os.environ.setdefault("IMPORT_KEYS_CHECKED_ONCE", "1")

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_imports"
GOALS = {  # seconds at 100,000 candidates (the performance plan)
    "candidates import": 3.0,
    "scores import (insert)": 3.0,
    "preferences import": 6.0,
}
GOAL_RATIO = 3.0
COMMAND = "python benchmarks/bench_imports.py"


def make_files(count: int) -> dict[str, list[bytes]]:
    """The season bench's files, plus its scores with every mark changed by half a point."""
    import bench_season

    files = bench_season.make_files(count, bench_season._categories())
    lines = files["scores"].decode("utf-8").split("\r\n")
    changed = [lines[0]]
    for line in lines[1:]:
        if line:
            number, *marks = line.split(",")
            changed.append(",".join([number, *(f"{int(m) - 0.5:g}" if int(m) else "0.5"
                                                for m in marks)]))  # fmt: skip
    prefs = [data for name, data in files.items() if name.startswith("preferences-")]
    return {
        "plans": [files["plans"]],
        "candidates": [files["candidates"]],
        "scores": [files["scores"]],
        "changed": [("\r\n".join(changed) + "\r\n").encode("utf-8")],
        "preferences": prefs,
    }


def _reset() -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from admissions.extensions import db

    db.session.remove()
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(directory=str(ROOT / "migrations"))


def raw_copy(parts: list[bytes]) -> float:
    """Seconds to COPY the files (CSV, header skipped) into a fresh unindexed table and commit."""
    from admissions.extensions import db

    width = parts[0].split(b"\r\n", 1)[0].count(b",") + 1
    columns = ", ".join(f"c{k} text" for k in range(width))
    connection = db.session.connection()
    connection.exec_driver_sql("DROP TABLE IF EXISTS raw_copy")
    connection.exec_driver_sql(f"CREATE TABLE raw_copy ({columns})")
    db.session.commit()
    start = time.perf_counter()
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        for data in parts:
            with cursor.copy("COPY raw_copy FROM STDIN (FORMAT csv, HEADER true)") as copy:
                copy.write(data)
    db.session.commit()
    seconds = time.perf_counter() - start
    db.session.connection().exec_driver_sql("DROP TABLE raw_copy")
    db.session.commit()
    return seconds


def _backend() -> int:
    """The process id of the database backend serving the session's transaction."""
    from sqlalchemy import text

    from admissions.extensions import db

    return int(db.session.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _cpu(backend: int) -> float:
    """CPU seconds used so far by this process and by the database backend `backend` (read from
    /proc: the server runs on this machine); unlike wall time, barely moved by the load."""
    try:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        used = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        used = float("nan")
    return time.process_time() + used


def one_run(
    files: dict[str, list[bytes]], count: int, clock: StatementClock | None = None
) -> dict[str, tuple[float, float, float]]:
    """Every stage once on an empty schema: stage → (import seconds, raw COPY seconds, CPU
    seconds of the import in this process and its database backend). CLOCK, if given, times
    each stage's reading and statements."""
    from admissions.extensions import db
    from admissions.services.exam.rules import create_exam_from_rules
    from admissions.services.imports.pipeline import import_file

    _reset()
    exam = create_exam_from_rules((ROOT / "presets" / "shandong.toml").read_text(encoding="utf-8"))
    db.session.commit()
    assert import_file(exam, "plans", files["plans"][0], "plans.csv", None, dry_run=False).ok
    db.session.commit()
    lists = sum(data.count(b"\n") - 1 for data in files["preferences"])
    stages = [
        ("candidates import", "candidates", "candidates", False, (count, 0, 0)),
        ("scores dry run", "scores", "scores", True, (count, 0, 0)),
        ("scores import (insert)", "scores", "scores", False, (count, 0, 0)),
        ("scores re-import (update)", "scores", "changed", False, (0, count, 0)),
        ("preferences import", "preferences", "preferences", False, (count, 0, 0)),
    ]
    times: dict[str, tuple[float, float, float]] = {}
    for label, kind, name, dry_run, expected in stages:
        got = [0, 0, 0]
        backend = _backend()  # the stage runs in this transaction, on this backend
        cpu = _cpu(backend)
        if clock is not None:
            clock.stage = label
        start = time.perf_counter()
        for n, data in enumerate(files[name], start=1):
            result = import_file(exam, kind, data, f"{name}-{n}.csv", None, dry_run=dry_run)
            assert result.ok, (label, result.errors[:3])
            counts = (result.inserted, result.updated, result.unchanged)
            got = [a + b for a, b in zip(got, counts, strict=True)]
        db.session.rollback() if dry_run else db.session.commit()
        seconds = time.perf_counter() - start
        if clock is not None:
            clock.stage = None
        cpu = _cpu(backend) - cpu
        assert tuple(got) == expected, (label, got, expected, lists)
        times[label] = (seconds, raw_copy(files[name]), cpu)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 candidates, one run")
    parser.add_argument("--count", type=int, help="number of candidates (default 100,000)")
    parser.add_argument("--runs", type=int, help="runs per stage (default 3, quick 1)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--bulk", choices=("copy", "executemany"), default="copy")
    parser.add_argument("--profile", action="store_true", help="where each import's time goes")
    args = parser.parse_args()
    count = args.count or (10_000 if args.quick else 100_000)
    runs = 1 if args.profile else args.runs or (1 if args.quick else 3)
    _ensure_database(args.database_url)

    from admissions import create_app
    from admissions.config import database_url
    from admissions.services.imports import bulk as imports_bulk

    if args.bulk == "executemany":
        imports_bulk.COPY_THRESHOLD = 10**12
    files = make_files(count)
    rows = {name: sum(d.count(b"\n") - 1 for d in parts) for name, parts in files.items()}
    load_before = os.getloadavg()
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(args.database_url)})
    once = bool(app.config["IMPORT_KEYS_CHECKED_ONCE"])  # as the imports read it
    with app.app_context():
        clock = StatementClock() if args.profile else None
        if clock is not None:
            clock.install()
        results = [one_run(files, count, clock) for _ in range(runs)]
    load_after = os.getloadavg()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"imports on PostgreSQL, {count:,} candidates, {rows['preferences']:,} preference rows, "
          f"bulk={args.bulk}, median of {runs} run(s); load {load_before[0]:.1f} → "
          f"{load_after[0]:.1f}")  # fmt: skip
    print(f"  {'stage':<28} {'import':>8}   {'raw COPY':>8}   {'ratio':>6}   {'CPU':>7}   goal")
    record_stages, figures = {}, []
    for stage in results[0]:
        median = statistics.median(r[stage][0] for r in results)
        copy = statistics.median(r[stage][1] for r in results)
        ratio = statistics.median(r[stage][0] / r[stage][1] for r in results)
        cpu = statistics.median(r[stage][2] for r in results)
        goal = GOALS.get(stage) if count == 100_000 and once else None
        shown = f"< {goal:g} s, ratio ≤ {GOAL_RATIO:g}" if goal else ""
        print(
            f"  {stage:<28} {median:7.2f} s  {copy:7.3f} s  {ratio:6.1f}×  {cpu:6.2f} s   {shown}"
        )
        record_stages[stage] = {
            "median_s": median,
            "raw_copy_s": copy,
            "ratio": ratio,
            "cpu_s": cpu,
        }
        if goal:
            figures += [
                {"name": f"{stage}, 100k candidates", "value": median, "unit": "s",
                 "goal": f"< {goal:g} s", "met": median < goal, "command": COMMAND,
                 "load": load_before[0]},
                {"name": f"{stage} / raw COPY", "value": ratio, "unit": "×",
                 "goal": f"≤ {GOAL_RATIO:g}×", "met": ratio <= GOAL_RATIO, "command": COMMAND,
                 "load": load_before[0]},
            ]  # fmt: skip
    print(f"  peak RSS {peak_mb:,.0f} MB")
    if clock is not None:  # a profiled run is slowed by its clock: its figures are not saved
        target = ROOT / "benchmarks" / "results" / "import_profile.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        profile = {"count": count, "keys_checked_once": once, "bulk": args.bulk,
                   "commit": _commit(), "date": time.strftime("%Y-%m-%d"),
                   "load_before": load_before, "stages": clock.report(results[0])}  # fmt: skip
        target.write_text(json.dumps(profile, indent=2, ensure_ascii=False))
        return
    # the default's figures (keys checked per row: no goals) beside the goals' (checked once)
    name = "bench_imports.json" if once else "bench_imports_per_row.json"
    target = ROOT / "benchmarks" / "results" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    record = {"count": count, "runs": runs, "bulk": args.bulk, "rows": rows,
              "stages": record_stages, "figures": figures, "peak_mb": peak_mb,
              "load_before": load_before, "load_after": load_after}  # fmt: skip
    target.write_text(json.dumps(record, indent=2))


def _commit() -> str:
    """The commit measured (its short hash), or "" outside a git checkout."""
    import subprocess

    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True, check=False)  # fmt: skip
    return done.stdout.strip()


def _ensure_database(url: str) -> None:
    """Create the benchmark's own database if it does not exist (never the test database)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    if name in {"test", "postgres", "template0", "template1"}:
        raise SystemExit(f"refusing to use the database {name!r}: give the bench its own")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
