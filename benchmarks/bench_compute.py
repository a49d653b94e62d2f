"""`scores compute` on PostgreSQL: 100,000 candidates (5 components, 15 categories, credits and
bonus for a few), read from the database, computed and written back as ScoreResult rows.

Run: ``python benchmarks/bench_compute.py [--quick] [--database-url URL]``.  Uses (and empties)
the database ``bench_compute`` on 127.0.0.1 by default, creating it when missing.  Prints the
median wall time of compute + commit over the runs and the peak resident memory; writes
benchmarks/results/compute.json.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_compute"


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0].replace("postgresql://", "postgresql://", 1) + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _app(url: str):
    from flask_migrate import upgrade
    from sqlalchemy import text

    from admissions import create_app
    from admissions.config import database_url
    from admissions.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(url), "SECRET_KEY": "bench"})
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade()
    return app


def _fill(n: int) -> str:
    """The Shandong exam with n candidates, their five scores, some credits and bonus."""
    from sqlalchemy import insert, select

    from admissions import idcard
    from admissions.extensions import db
    from admissions.models import Candidate, Component, ComponentScore, CreditedScore
    from admissions.services.exam.rules import load_exam_rules

    exam = load_exam_rules((ROOT / "presets" / "shandong.toml").read_text(encoding="utf-8")).exam
    cats = [c.code for c in exam.categories]
    rng = random.Random(5)
    rows = []
    for i in range(n):
        nid = idcard.make("370102", date(2006, 1, 1) + timedelta(days=i // 900), i % 900 + 1)
        rows.append({
            "exam_id": exam.id, "candidate_no": f"26{i:010d}", "national_id": nid,
            "name": f"考生{i}", "gender": idcard.parse(nid).gender,
            "birth_date": idcard.parse(nid).birth_date, "category_code": rng.choice(cats),
            "bonus": Decimal(rng.choice([0] * 19 + [5, 12])),
        })  # fmt: skip
    db.session.execute(insert(Candidate), rows)
    ids = db.session.scalars(select(Candidate.id).order_by(Candidate.id)).all()
    comps = db.session.scalars(select(Component).where(Component.exam_id == exam.id)).all()
    scores = []
    for cid in ids:
        for comp in comps:
            top = int(comp.max)
            value = None if rng.random() < 0.003 else Decimal(rng.randint(0, 2 * top)) / 2
            scores.append({"candidate_id": cid, "component_id": comp.id, "value": value})
    for start in range(0, len(scores), 50000):
        db.session.execute(insert(ComponentScore), scores[start : start + 50000])
    skill = next(c for c in comps if c.code == "skill")
    credits = [
        {
            "candidate_id": cid,
            "component_id": skill.id,
            "value": Decimal(220),
            "reason": "国赛一等奖",
        }
        for cid in ids[:: max(1, n // 200)]
    ]
    db.session.execute(insert(CreditedScore), credits)
    db.session.commit()
    return exam.code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10,000 candidates, 2 runs")
    parser.add_argument("--candidates", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    n = args.candidates or (10_000 if args.quick else 100_000)
    runs = args.runs or (2 if args.quick else 3)
    _ensure_database(args.database_url)
    app = _app(args.database_url)
    from admissions.extensions import db
    from admissions.services.scores.compute import compute_scores, find_exam

    with app.app_context():
        t0 = time.perf_counter()
        code = _fill(n)
        fill = time.perf_counter() - t0
        times = []
        for _ in range(runs):
            db.session.expire_all()
            start = time.perf_counter()
            summary = compute_scores(find_exam(code))
            db.session.commit()
            times.append(time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    median = statistics.median(times)
    print(f"data load (not timed below): {n:,} candidates in {fill:.1f} s")
    print(f"scores compute, {summary.candidates:,} candidates, PostgreSQL: "
          f"median {median:.2f} s over {runs} runs (runs: {', '.join(f'{t:.2f}' for t in times)})")  # fmt: skip
    print(f"peak resident memory of the process: {peak_mb:.0f} MB")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "compute.json").write_text(json.dumps({
        "candidates": summary.candidates, "runs": times, "median_s": median, "peak_rss_mb": peak_mb,
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
