"""Speed of the imports on PostgreSQL: 100,000 candidates and their scores, stage by stage.

Each run starts from an empty schema (built by the migrations) in its own database, loads the
Shandong preset, then times: the candidates import, a dry run of the scores import, the scores
import (new rows: COPY), and a re-import where every score changes (bulk UPDATE + audit). Each
write stage includes its commit. Figures: median wall time per stage over the runs, rows/s, and
the process's peak RSS.

    python benchmarks/bench_imports.py                   # 100,000 candidates, 3 runs
    python benchmarks/bench_imports.py --quick           # 10,000 candidates, 1 run
    python benchmarks/bench_imports.py --bulk executemany   # compare without COPY
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_imports"
COMPONENTS = {"chinese": 120, "math": 120, "english": 80, "knowledge": 200, "skill": 230}


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def make_files(count: int, categories: list[str]) -> tuple[bytes, bytes, bytes]:
    """Candidates, scores, and the same scores each shifted by half a point."""
    from admissions import idcard

    rand = random.Random(2026)
    people, scores, changed = [["candidate_no", "national_id", "name", "category"]], [], []
    header = ["candidate_no", *COMPONENTS]
    for n in range(count):
        number = f"26{n:010d}"
        born = date(1990 + n // 366_000 % 15, 1 + n // 1000 % 12, 1 + n // 12_000 % 28)
        people.append(
            [number, idcard.make("370102", born, n % 1000), f"考生{n}", rand.choice(categories)]
        )
        marks = [rand.randint(0, top - 1) for top in COMPONENTS.values()]
        scores.append([number, *map(str, marks)])
        changed.append([number, *(f"{m}.5" for m in marks)])
    return _csv(people), _csv([header, *scores]), _csv([header, *changed])


def _reset(app) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from admissions.extensions import db

    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade()


def one_run(app, count: int) -> dict[str, float]:
    """Time every stage once on an empty schema."""
    from admissions.extensions import db
    from admissions.services.exam.rules import create_exam_from_rules
    from admissions.services.imports.pipeline import import_file

    _reset(app)
    exam = create_exam_from_rules((ROOT / "presets" / "shandong.toml").read_text(encoding="utf-8"))
    db.session.commit()
    people, scores, changed = make_files(count, [c.code for c in exam.categories])
    times: dict[str, float] = {}
    stages = [
        ("candidates import", "candidates", people, False, (count, 0, 0)),
        ("scores dry run", "scores", scores, True, (count, 0, 0)),
        ("scores import (insert)", "scores", scores, False, (count, 0, 0)),
        ("scores re-import (update)", "scores", changed, False, (0, count, 0)),
    ]
    for label, kind, data, dry_run, expected in stages:
        start = time.perf_counter()
        result = import_file(exam, kind, data, f"{kind}.csv", None, dry_run=dry_run)
        db.session.rollback() if dry_run else db.session.commit()
        times[label] = time.perf_counter() - start
        got = (result.inserted, result.updated, result.unchanged)
        assert result.ok and got == expected, (label, got, result.errors[:3])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 candidates, one run")
    parser.add_argument("--count", type=int, help="number of candidates (default 100,000)")
    parser.add_argument("--runs", type=int, help="runs per stage (default 3, quick 1)")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--bulk", choices=("copy", "executemany"), default="copy")
    args = parser.parse_args()
    count = args.count or (10_000 if args.quick else 100_000)
    runs = args.runs or (1 if args.quick else 3)
    _ensure_database(args.database_url)

    from admissions import create_app
    from admissions.config import database_url
    from admissions.services.imports import bulk as imports_bulk

    if args.bulk == "executemany":
        imports_bulk.COPY_THRESHOLD = 10**12
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(args.database_url)})
    with app.app_context():
        results = [one_run(app, count) for _ in range(runs)]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"imports on PostgreSQL, {count:,} candidates × {len(COMPONENTS)} components, "
          f"bulk={args.bulk}, median of {runs} run(s)")  # fmt: skip
    figures = {}
    for stage in results[0]:
        median = statistics.median(r[stage] for r in results)
        figures[stage] = median
        print(f"  {stage:<28} {median:8.2f} s   {count / median:>10,.0f} rows/s")
    print(f"  peak RSS {peak_mb:,.0f} MB")
    target = ROOT / "benchmarks" / "results" / "bench_imports.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "count": count,
        "runs": runs,
        "bulk": args.bulk,
        "seconds": figures,
        "peak_mb": peak_mb,
    }
    target.write_text(json.dumps(record, indent=2))


def _ensure_database(url: str) -> None:
    """Create the benchmark's own database if it does not exist (never the test database)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
